"""Cleaning (保洁) prices, worked out by hand from an explicit table."""
import copy
import datetime as dt
from decimal import Decimal as D

from plugins.cleaning.price_table import default_table, validated
from plugins.cleaning.pricing import quote, visit_dates
from plugins.cleaning.schemas import CleaningIntakeSchema

TABLE = {
    "currency": "CNY", "floor_ratio": "0.90",
    "area_bands": [
        {"up_to": "60", "rates": {"routine": "6.00", "deep": "9.00", "post_renovation": "12.00"}},
        {"up_to": "150", "rates": {"routine": "5.00", "deep": "8.00", "post_renovation": "10.00"}},
        {"up_to": "2000", "rates": {"routine": "4.50", "deep": "7.00", "post_renovation": "8.00"}},
    ],
    "dirt_factors": {"light": "0.90", "normal": "1.00", "heavy": "1.30"},
    "frequency_discounts": {"one_off": "1.00", "weekly": "0.90", "fortnightly": "0.95",
                            "monthly": "0.98"},
    "minimum_per_visit": "150.00",
}


def intake(**over):
    raw = {"address": {"district": "鼓楼区"}, "floor_area": "100", "kind": "routine",
           "preferred_date": "2030-05-06", **over}
    return CleaningIntakeSchema().load(raw)


def price(**over):
    return quote(intake(**over), validated(copy.deepcopy(TABLE)))


def test_post_renovation_heavy_one_off_is_area_times_rate_plus_dirt_surcharge():
    q = price(floor_area="120", kind="post_renovation", dirt_level="heavy")
    assert [(line.label_zh, line.amount) for line in q.lines] == [
        ("开荒保洁 120㎡ × ¥10.00", D("1200.00")),   # 120 × 10.00
        ("重度脏污 ×1.3", D("360.00")),              # 1200 × 0.3
    ]
    assert q.total == D("1560.00")
    assert q.minimum_applied is False
    assert q.table_floor == D("1404.00")             # 1560 × 0.90


def test_weekly_visits_get_the_frequency_discount_on_every_visit():
    q = price(floor_area="85.5", frequency="weekly", visits=4)
    # per visit 85.5 × 5.00 = 427.50; 9折 → −42.75; 384.75 × 4 visits
    assert [(line.label_zh, line.quantity, line.unit_price, line.amount) for line in q.lines] == [
        ("日常保洁 85.5㎡ × ¥5.00", D(4), D("427.50"), D("1710.00")),
        ("每周 9折", D(4), D("-42.75"), D("-171.00")),
    ]
    assert q.lines[1].label_en == "Weekly: 10% off"
    assert q.total == D("1539.00")
    assert q.notes_zh == "共 4 次上门，每次 ¥384.75。"


def test_small_job_is_topped_up_to_the_minimum_charge_per_visit():
    q = price(floor_area="20", dirt_level="light")
    # 20 × 6.00 = 120.00; light ×0.9 → −12.00 = 108.00; minimum 150 → +42.00
    assert [line.amount for line in q.lines] == [D("120.00"), D("-12.00"), D("42.00")]
    assert q.lines[-1].label_zh == "最低消费补足（每次 ¥150.00）"
    assert q.total == D("150.00")
    assert q.minimum_applied is True
    assert q.table_floor == D("150.00")  # never below the minimum charge


def test_minimum_charge_applies_to_each_recurring_visit():
    q = price(floor_area="10", frequency="fortnightly", visits=3)
    # 10 × 6.00 = 60.00; 9.5折 → −3.00 = 57.00; top-up 93.00; 150.00 × 3
    assert [line.amount for line in q.lines] == [D("180.00"), D("-9.00"), D("279.00")]
    assert q.total == D("450.00")


def test_area_on_a_band_limit_takes_that_band_and_just_above_takes_the_next():
    assert price(floor_area="60").lines[0].unit_price == D("360.00")     # 60 × 6.00
    assert price(floor_area="60.5").lines[0].unit_price == D("302.50")   # 60.5 × 5.00


def test_just_above_a_band_limit_costs_no_less_than_the_limit_itself():
    # 61 × 5.00 = 305.00 would undercut 60 × 6.00 = 360.00: topped up to the smaller band
    q = price(floor_area="61")
    assert [(line.label_zh, line.amount) for line in q.lines] == [
        ("日常保洁 61㎡ × ¥5.00", D("305.00")),
        ("不低于 60㎡ 档价格（60㎡ × ¥6.00 = ¥360.00）", D("55.00")),
    ]
    assert q.lines[1].label_en == "Not less than the 60 m² band's price (60 m² × ¥6.00 = ¥360.00)"
    assert q.total == price(floor_area="60").total == D("360.00")
    assert price(floor_area="72").total == D("360.00")   # 72 × 5.00 meets the floor
    assert len(price(floor_area="72").lines) == 1
    assert price(floor_area="73").total == D("365.00")   # and then rises again


def test_the_band_floor_comes_before_dirt_and_frequency_factors():
    q = price(floor_area="150.5", kind="post_renovation", dirt_level="heavy",
              frequency="weekly", visits=2)
    # 150.5 × 8.00 = 1204.00 < 150 × 10.00 = 1500.00 → +296.00; heavy +450.00; 9折 −195.00
    assert [line.unit_price for line in q.lines] == [
        D("1204.00"), D("296.00"), D("450.00"), D("-195.00")]
    assert q.total == D("3510.00")  # 1755.00 × 2


def test_sub_fen_amounts_round_half_up():
    q = price(floor_area="33.3", kind="deep", dirt_level="heavy")
    # 33.3 ㎡ is in the first band: 33.3 × 9.00 = 299.70; heavy × 0.3 = 89.91
    assert [line.amount for line in q.lines] == [D("299.70"), D("89.91")]
    first = price(floor_area="61.125").lines[0]
    assert first.unit_price == D("305.63")  # 305.625 → .63


def test_monthly_visits_until_an_end_date_keep_the_day_or_the_month_end():
    data = intake(frequency="monthly", preferred_date="2030-01-31", end_date="2030-04-30")
    assert visit_dates(data) == [dt.date(2030, 1, 31), dt.date(2030, 2, 28),
                                 dt.date(2030, 3, 31), dt.date(2030, 4, 30)]
    q = quote(data, validated(copy.deepcopy(TABLE)))
    assert q.total == D("1960.00")  # (500.00 − 10.00) × 4


def test_fortnightly_visits_until_an_end_date_include_the_end_date():
    data = intake(frequency="fortnightly", end_date="2030-06-03")
    assert visit_dates(data) == [dt.date(2030, 5, 6), dt.date(2030, 5, 20), dt.date(2030, 6, 3)]


def test_quote_of_the_default_table_prices_the_same_way():
    q = quote(intake(), validated(default_table()))
    assert q.total == D("500.00")


def test_the_table_a_company_edited_sets_the_price():
    table = copy.deepcopy(TABLE)
    table["area_bands"][1]["rates"]["routine"] = "5.50"
    assert quote(intake(), validated(table)).total == D("550.00")

