"""ID numbers and phones as people type them: full-width digits from a Chinese input
method and stray separators are normalised (NFKC) everywhere they enter — API, web form,
sheet import; phones are read with phonenumbers (CN); a future birth date or an age no
worker can have (16–80, trainees alike) is refused with a clear message."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from core.identity import (
    check_id_number,
    check_mobile,
    check_phone,
    check_worker_id_number,
    normalize_id_number,
)
from tests.workers.conftest import make_id, worker_data

FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def full_width(text: str) -> str:
    return text.translate(FULL)


def test_full_width_digits_and_separators_are_normalised_before_the_checksum():
    number = make_id("19850315")
    typed = full_width(number[:6]) + "\u3000" + full_width(number[6:14]) + "－" + number[14:]
    assert check_id_number(typed).number == number
    assert normalize_id_number(number[:6] + "\u200b" + number[6:]) == number
    assert check_mobile("１３８－１２３４ ５６７８") == "13812345678"
    assert check_mobile("+86 (138) 1234.5678") == "13812345678"
    assert check_mobile("0086 13812345678") == "13812345678"


@pytest.mark.parametrize("value", ["12345678901", "1381234567", "010-88886666", "abc", ""])
def test_what_is_not_a_mainland_mobile_is_refused(value):
    with pytest.raises(ValueError) as err:
        check_mobile(value)
    assert "手机号" in err.value.args[0].zh


def test_phones_of_partners_may_be_landlines_and_are_formatted():
    assert check_phone("0531-88886666") == "0531 8888 6666"
    assert check_phone("４００-８２０-８８２０") == "400 820 8820"
    with pytest.raises(ValueError):
        check_phone("12345")


def test_future_birth_dates_and_impossible_worker_ages_are_refused():
    today = dt.date(2026, 12, 5)
    with pytest.raises(ValueError) as err:
        check_id_number(make_id("20270101"), today)
    assert err.value.args[0].zh == "身份证号中的出生日期晚于今天。"
    with pytest.raises(ValueError) as err:
        check_worker_id_number(make_id("20120101"), today)
    assert "14 岁" in err.value.args[0].zh and "16 至 80" in err.value.args[0].zh
    with pytest.raises(ValueError) as err:
        check_worker_id_number(make_id("19400101"), today)
    assert "86 岁" in err.value.args[0].zh
    assert check_worker_id_number(make_id("20101205"), today).birth_date == dt.date(2010, 12, 5)
    assert check_worker_id_number(make_id("19461206"), today)  # 79


def test_the_worker_api_takes_a_full_width_id_and_mobile_and_stores_them_plain(api_as):
    number = make_id("19880808")
    resp = api_as("dispatcher").post("/api/v1/workers", json=worker_data(
        id_number=full_width(number), mobile="１３９ ００００ １２３４"))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["mobile"] in ("13900001234", "139****1234")
    wid = body["id"]
    admin = api_as("admin").get(f"/api/v1/workers/{wid}").get_json()
    assert admin["id_number"] in (number, number[:6] + "********" + number[-4:])


def test_the_worker_api_refuses_a_fourteen_year_old(api_as):
    resp = api_as("dispatcher").post("/api/v1/workers", json=worker_data(
        id_number=make_id("20120301")))
    assert resp.status_code == 422
    assert "16 至 80" in resp.get_json()["fields"]["id_number"][0]["zh"]
    assert "16 to 80" in resp.get_json()["fields"]["id_number"][0]["en"]


def _sheet(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_trainee_sheet_import_normalises_full_width_and_refuses_a_child(api_as):
    from tests.trainees.helpers import upload_bytes

    adult, child = make_id("19900101"), make_id("20150101")
    data = _sheet([
        {"登记日期": "2026-12-01", "姓名": "全角芳", "性别": "女", "身份证号": full_width(adult),
         "手机号": "１３８ ０５７１ ２４６８", "籍贯": "安徽", "意向工种": "保洁", "备注": ""},
        {"登记日期": "2026-12-01", "姓名": "小孩", "性别": "女", "身份证号": child,
         "手机号": "13805712469", "籍贯": "安徽", "意向工种": "保洁", "备注": ""},
    ])
    resp = api_as("trainer").post("/api/v1/trainees/imports/preview",
                                  data=upload_bytes(data, "s.csv"),
                                  content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    rows = {r["name"]: r for r in resp.get_json()["rows"]}
    assert rows["全角芳"]["status"] == "new", rows["全角芳"]
    assert rows["小孩"]["status"] == "invalid"
    assert "16 至 80" in rows["小孩"]["reasons"][0]["zh"]


def test_a_partner_contacts_full_width_landline_is_stored_formatted(api_as):
    resp = api_as("dispatcher").post("/api/v1/partners", json={
        "name": "医院", "kind": "exam_hospital",
        "contacts": [{"name": "于老师", "phone": "０５３１－８８８８６６６６"}]})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["contacts"][0]["phone"] == "0531 8888 6666"
