"""Registration (学员备案): the day's sheet previewed, imported once, exported."""
import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.trainees.helpers import (
    SAMPLE_CSV,
    SAMPLE_XLSX,
    import_sample,
    trainee_by_name,
    upload,
    upload_bytes,
)

PREVIEW = "/api/v1/trainees/imports/preview"
IMPORT = "/api/v1/trainees/imports"


@pytest.mark.parametrize("path", [SAMPLE_CSV, SAMPLE_XLSX], ids=["csv", "xlsx"])
def test_sample_sheet_previews_26_new_1_duplicate_3_invalid_with_reasons(api_as, path):
    resp = api_as("trainer").post(PREVIEW, data=upload(path), content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["counts"] == {"new": 26, "duplicate": 1, "invalid": 3, "created": 0}
    problems = {r["row"]: r for r in body["rows"] if r["status"] != "new"}
    assert problems[27]["status"] == "duplicate" and problems[27]["duplicate_of_row"] == 4
    reasons = {row: [(x["field"], x["zh"], x["en"]) for x in r["reasons"]]
               for row, r in problems.items() if r["status"] == "invalid"}
    assert reasons[28] == [("id_number", "身份证号校验位不正确，请逐位核对。",
                            "The ID number's check digit is wrong; please re-check each digit.")]
    assert reasons[29][0][0] == "mobile" and "手机号" in reasons[29][0][1]
    assert reasons[30] == [("name", "姓名未填写。", "Name is missing.")]
    normalised = next(r for r in body["rows"] if r["name"] == "韩桂香")
    assert normalised["status"] == "new"
    assert normalised["id_number"] == "32030219850106250X"
    assert normalised["mobile"] == "13805712468"


def test_preview_writes_nothing(api_as):
    api = api_as("trainer")
    api.post(PREVIEW, data=upload(SAMPLE_CSV), content_type="multipart/form-data")
    assert api.get("/api/v1/trainees").get_json()["total"] == 0


def test_importing_the_same_sheet_twice_creates_nothing_the_second_time(api_as):
    api = api_as("trainer")
    first = import_sample(api, SAMPLE_XLSX)
    assert first["counts"]["created"] == 26
    assert api.get("/api/v1/trainees").get_json()["total"] == 26
    second = import_sample(api, SAMPLE_CSV)
    assert second["counts"] == {"new": 0, "duplicate": 27, "invalid": 3, "created": 0}
    assert api.get("/api/v1/trainees").get_json()["total"] == 26
    han = trainee_by_name(api, "韩桂香")
    assert han["id_number"] == "32030219850106250X" and han["mobile"] == "13805712468"
    assert han["service_lines"] == ["cleaning"] and han["stage"] == "registered"


def test_invalid_rows_are_never_half_imported(api_as):
    api = api_as("trainer")
    import_sample(api)
    names = {t["name"] for t in api.get("/api/v1/trainees",
                                         query_string={"per_page": 100}).get_json()["items"]}
    assert "曹秀珍" not in names and "彭玉珍" not in names and "" not in names
    assert len(names) == 26


def test_a_sheet_without_the_id_column_is_refused_with_bilingual_422(api_as):
    data = "\ufeff姓名,手机号\n王芳,13800000000\n".encode("utf-8")
    resp = api_as("trainer").post(PREVIEW, data=upload_bytes(data, "x.csv"),
                                  content_type="multipart/form-data")
    assert resp.status_code == 422
    message = resp.get_json()["fields"]["file"][0]
    assert "身份证号" in message["zh"] and "missing" in message["en"]


def test_an_old_xls_file_is_refused_with_422_not_500(api_as):
    resp = api_as("trainer").post(PREVIEW, data=upload_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 50,
                                                             "old.xls"),
                                  content_type="multipart/form-data")
    assert resp.status_code == 422
    assert ".xlsx" in resp.get_json()["fields"]["file"][0]["zh"]


def test_a_corrupt_xlsx_is_refused_with_422(api_as):
    resp = api_as("trainer").post(PREVIEW, data=upload_bytes(b"PK\x03\x04garbage", "x.xlsx"),
                                  content_type="multipart/form-data")
    assert resp.status_code == 422


def test_missing_file_is_a_422(api_as):
    resp = api_as("trainer").post(PREVIEW, data={}, content_type="multipart/form-data")
    assert resp.status_code == 422


def test_a_gbk_csv_from_chinese_excel_is_read(api_as):
    text = "登记日期,姓名,性别,身份证号,手机号,籍贯,意向工种,备注\n" \
           "2026-11-20,王秀英,女,37010219860421392X,13094289706,山东济南,月嫂、育婴师,\n"
    resp = api_as("trainer").post(IMPORT, data=upload_bytes(text.encode("gb18030"), "gbk.csv"),
                                  content_type="multipart/form-data")
    assert resp.status_code == 201
    assert resp.get_json()["counts"]["created"] == 1
    wang = trainee_by_name(api_as("trainer"), "王秀英")
    assert wang["service_lines"] == ["maternity_nurse", "nanny"]


def test_xlsx_with_dates_and_numbers_as_cells_is_read(api_as):
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.append(["登记日期", "姓名", "性别", "身份证号", "手机号", "籍贯", "意向工种", "备注"])
    ws.append([dt.datetime(2026, 11, 20), "李桂兰", "女", "110105197711123061", 19845100384,
               "北京朝阳", "小儿推拿", None])
    out = io.BytesIO()
    wb.save(out)
    resp = api_as("trainer").post(IMPORT, data=upload_bytes(out.getvalue(), "s.xlsx"),
                                  content_type="multipart/form-data")
    assert resp.get_json()["counts"]["created"] == 1
    li = trainee_by_name(api_as("trainer"), "李桂兰")
    assert li["registered_on"] == "2026-11-20" and li["mobile"] == "19845100384"


def test_dispatcher_sees_id_numbers_masked_trainer_in_full(api_as):
    import_sample(api_as("trainer"))
    full = trainee_by_name(api_as("trainer"), "王秀英")["id_number"]
    masked = trainee_by_name(api_as("dispatcher"), "王秀英")["id_number"]
    assert full == "37010219860421392X"
    assert masked == "370***********392X"


def test_finance_may_not_see_trainees(api_as):
    assert api_as("finance").get("/api/v1/trainees").status_code == 403
    assert api_as("finance").post(PREVIEW, data=upload(SAMPLE_CSV),
                                  content_type="multipart/form-data").status_code == 403


def test_import_is_audited(api_as):
    import_sample(api_as("trainer"))
    events = api_as("supervisor").get("/api/v1/audit", query_string={
        "entity_type": "trainee", "action": "import"}).get_json()["items"]
    assert len(events) == 1 and "26 created" in events[0]["summary"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_master_list_exports_every_trainee(api_as, fmt):
    api = api_as("trainer")
    import_sample(api)
    resp = api.get("/api/v1/trainees/export", query_string={"format": fmt})
    assert resp.status_code == 200
    if fmt == "csv":
        assert resp.data.startswith("\ufeff".encode("utf-8"))
        rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    else:
        ws = load_workbook(io.BytesIO(resp.data), read_only=True).active
        rows = [[("" if v is None else str(v)) for v in r] for r in ws.iter_rows(values_only=True)]
    assert rows[0][:6] == ["学员编号", "登记日期", "姓名", "性别", "身份证号", "手机号"]
    assert len(rows) == 27
    # the ordinary export masks ID numbers, whatever the role reads on screen
    assert {r[4] for r in rows[1:]} >= {"370***********392X", "320***********250X"}
