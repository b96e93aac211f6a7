"""Shared steps for the trainee tests: partners, the sample sheet, moving a trainee on."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from core.timeutil import business_today

#: the shared sample registration sheet, copied into tests/data so CI never needs ../shared
DATA = Path(__file__).parents[1] / "data"
SAMPLE_CSV = DATA / "trainee-registration-sample.csv"
SAMPLE_XLSX = DATA / "trainee-registration-sample.xlsx"


def upload(path: Path, name: str | None = None) -> dict:
    """A multipart body carrying a file."""
    return {"file": (io.BytesIO(path.read_bytes()), name or path.name)}


def upload_bytes(data: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(data), name)}


def partner(api, kind: str, name: str | None = None) -> int:
    resp = api.post("/api/v1/partners", json={"name": name or f"{kind} partner", "kind": kind})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def import_sample(api, path: Path = SAMPLE_XLSX) -> dict:
    resp = api.post("/api/v1/trainees/imports", data=upload(path),
                    content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def trainee_by_name(api, name: str) -> dict:
    page = api.get("/api/v1/trainees", query_string={"q": name}).get_json()
    return next(t for t in page["items"] if t["name"] == name)


def today() -> dt.date:
    return business_today()


def examine(api, trainee_id: int, hospital: int | None = None) -> int:
    """Book her into today's batch (company-paid), mark her attended; returns the batch id."""
    hospital = hospital or partner(api, "exam_hospital")
    batch = api.post("/api/v1/exam-batches", json={"exam_date": today().isoformat(),
                                                    "hospital_id": hospital}).get_json()["id"]
    resp = api.post(f"/api/v1/exam-batches/{batch}/bookings", json={
        "trainee_id": trainee_id, "details_confirmed": True, "id_card_collected": True})
    assert resp.status_code == 201, resp.get_json()
    resp = api.post(f"/api/v1/exam-batches/{batch}/attendance",
                    json={"trainee_id": trainee_id, "attended": True})
    assert resp.status_code == 200, resp.get_json()
    return batch


def certify_health(api, trainee_id: int, number: str = "JK-2026-0001") -> None:
    resp = api.post(f"/api/v1/trainees/{trainee_id}/health-certificate", json={
        "number": number, "issued_on": today().isoformat(),
        "expires_on": (today() + dt.timedelta(days=365)).isoformat()})
    assert resp.status_code == 201, resp.get_json()


def list_for_certification(api, trainee_id: int, list_id: int | None = None) -> int:
    """Mobile checked clear, details confirmed, put on a (new) certification list."""
    assert api.post(f"/api/v1/trainees/{trainee_id}/mobile-checks",
                    json={"registered": False}).status_code == 201
    if list_id is None:
        list_id = api.post("/api/v1/certification-lists", json={}).get_json()["id"]
    resp = api.post(f"/api/v1/certification-lists/{list_id}/entries",
                    json={"trainee_id": trainee_id, "details_confirmed": True})
    assert resp.status_code == 201, resp.get_json()
    return list_id


def appoint_today(api, list_id: int) -> None:
    version = api.get(f"/api/v1/certification-lists/{list_id}").get_json()["version"]
    resp = api.patch(f"/api/v1/certification-lists/{list_id}", json={
        "version": version, "appointment_date": today().isoformat(),
        "appointment_time": "09:30:00", "teacher": "王老师"})
    assert resp.status_code == 200, resp.get_json()


def certify(api, trainee_id: int) -> int:
    """Take a registered trainee all the way to certified (58到家认证); returns the list id."""
    examine(api, trainee_id)
    certify_health(api, trainee_id)
    list_id = list_for_certification(api, trainee_id)
    appoint_today(api, list_id)
    resp = api.post(f"/api/v1/certification-lists/{list_id}/results", json={
        "trainee_id": trainee_id, "result": "certified", "platform_number": "58-778899",
        "certified_until": (today() + dt.timedelta(days=730)).isoformat()})
    assert resp.status_code == 200, resp.get_json()
    return list_id
