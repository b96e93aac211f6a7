"""The customer list export (XLSX / CSV) shows each row as the access matrix does."""
import csv
import io

import openpyxl


def _csv(client):
    resp = client.get("/customers/export.csv")
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_export_honours_the_matrix_per_role(web_as, file_at, grant):
    normal = file_at("normal", name="张普通", mobile="13911110001")
    secret = file_at("secret", name="李秘密", mobile="13911110002")
    conf = file_at("confidential", name="赵机密", mobile="13911110003")
    top = file_at("top_secret", name="钱绝密", mobile="13911110004")
    desk = _csv(web_as("dispatcher"))
    assert "13911110001" in desk and "张普通" in desk
    assert "13911110002" not in desk and "139****0002" in desk
    assert "赵机密" in desk and "13911110003" not in desk and "0003" not in desk
    assert "钱绝密" not in desk and "钱**" in desk and "0004" not in desk
    finance = _csv(web_as("finance"))
    assert "13911110001" not in finance and "139****0001" in finance
    admin = _csv(web_as("admin", "admin-x"))
    assert "13911110003" in admin and "钱绝密" in admin
    assert "13911110002" not in admin  # secret: masked for every role until revealed
    rows = list(csv.reader(io.StringIO(desk.lstrip("\ufeff"))))
    assert rows[0][0].startswith("编号") and len(rows) == 5
    assert {normal["id"], secret["id"], conf["id"], top["id"]} == {int(r[0]) for r in rows[1:]}


def test_xlsx_export_and_it_is_recorded(web_as, api_as, file_at):
    file_at("confidential", name="赵机密", mobile="13911110003")
    client = web_as("dispatcher")
    resp = client.get("/customers/export.xlsx")
    assert resp.status_code == 200
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows(
        values_only=True) for c in row]
    assert "赵机密" in cells and "13911110003" not in [str(c) for c in cells]
    events = api_as("admin").get("/api/v1/audit", query_string={
        "action": "export", "entity_type": "customer"}).get_json()["items"]
    assert len(events) == 1


def test_roles_without_customer_files_cannot_export(web_as):
    for role in ("trainer", "quality"):
        assert web_as(role).get("/customers/export.csv").status_code == 403
