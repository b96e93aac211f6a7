"""Child massage (小儿推拿) prices: single sessions, packages, home-visit surcharge."""
import copy
from decimal import Decimal as D

import pytest

from core import Invalid
from plugins.child_massage.price_table import validated
from plugins.child_massage.pricing import quote
from plugins.child_massage.schemas import ChildMassageIntakeSchema

TABLE = {
    "currency": "CNY", "floor_ratio": "0.90", "single_session": "120.00",
    "packages": [{"sessions": 5, "price": "550.00"}, {"sessions": 10, "price": "1000.00"},
                 {"sessions": 20, "price": "1800.00"}],
    "home_visit_surcharge": "30.00",
}


def price(table=TABLE, **over):
    raw = {"child_age_months": 18, "needs": ["food_stagnation"], "place": "company", **over}
    return quote(ChildMassageIntakeSchema().load(raw), validated(copy.deepcopy(table)))


def test_single_session_at_the_company_is_the_single_price():
    q = price()
    assert [(line.label_zh, line.amount) for line in q.lines] == [("小儿推拿 单次", D("120.00"))]
    assert q.total == D("120.00")
    assert q.table_floor == D("108.00")


def test_single_session_at_home_adds_the_home_visit_surcharge():
    q = price(place="home")
    assert [line.amount for line in q.lines] == [D("120.00"), D("30.00")]
    assert q.total == D("150.00")


def test_package_is_the_package_price_plus_surcharge_for_each_home_session():
    q = price(purchase="package", package_sessions=10, place="home")
    assert [(line.label_zh, line.quantity, line.unit, line.amount) for line in q.lines] == [
        ("小儿推拿套餐 10 次", D(1), "package", D("1000.00")),
        ("上门服务费 10 次 × ¥30.00", D(10), "session", D("300.00")),
    ]
    assert q.total == D("1300.00")
    assert q.notes_zh == "每次约 ¥100.00，比单次购买省 ¥200.00。"  # 10 × 120 − 1000


def test_package_at_the_company_has_no_surcharge():
    assert price(purchase="package", package_sessions=5).total == D("550.00")


def test_package_size_not_on_the_price_list_is_refused_naming_the_offered_sizes():
    with pytest.raises(Invalid) as exc:
        price(purchase="package", package_sessions=7)
    (message,) = exc.value.fields["package_sessions"]
    assert message.zh == "价目表中没有该套餐，可选 5/10/20 次。"


def test_package_sizes_come_from_the_table_a_company_edited():
    table = {**TABLE, "packages": [{"sessions": 7, "price": "770.00"}]}
    assert price(table, purchase="package", package_sessions=7).total == D("770.00")


def test_free_home_visits_add_no_line():
    q = price({**TABLE, "home_visit_surcharge": "0.00"}, place="home")
    assert len(q.lines) == 1
