"""Workers' photos: JPEG/PNG up to 2 MB, kept under instance/, shown only to staff who need them."""
import base64
import io
from pathlib import Path

import pytest

from core.workers.photos import MAX_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _put(client, wid, data, name="photo.png"):
    return client.put(f"/api/v1/workers/{wid}/photo",
                      data={"photo": (io.BytesIO(data), name)},
                      content_type="multipart/form-data")


def _files(app):
    folder = Path(app.instance_path) / "uploads" / "workers"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_png_photo_is_stored_under_instance_and_served_to_dispatchers(api_as, app, make_worker):
    wid = make_worker()
    client = api_as("dispatcher")
    resp = _put(client, wid, PNG, "whatever.jpg")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["has_photo"] is True
    [name] = _files(app)
    assert name.startswith(f"{wid}-") and name.endswith(".png")  # type read from the content
    got = client.get(f"/api/v1/workers/{wid}/photo").get_json()
    assert got["content_type"] == "image/png" and base64.b64decode(got["data"]) == PNG


def test_replacing_a_photo_removes_the_old_file(api_as, app, make_worker):
    wid = make_worker()
    client = api_as("trainer")
    _put(client, wid, PNG)
    first = _files(app)
    assert _put(client, wid, JPEG, "p.jpg").status_code == 200
    second = _files(app)
    assert len(second) == 1 and second != first and second[0].endswith(".jpg")
    assert client.delete(f"/api/v1/workers/{wid}/photo").status_code == 204
    assert _files(app) == []


@pytest.mark.parametrize("data, name, message", [
    (b"GIF89a" + b"\x00" * 40, "photo.png", "照片必须是 JPEG 或 PNG 图片。"),
    (b"%PDF-1.4 not an image", "photo.jpg", "照片必须是 JPEG 或 PNG 图片。"),
    (PNG + b"\x00" * MAX_BYTES, "big.png", "照片不能超过 2 MB。"),
    (b"", "empty.png", "请选择照片文件。"),
])
def test_photos_that_are_not_jpeg_or_png_or_too_large_are_refused_with_422(
        api_as, app, make_worker, data, name, message):
    wid = make_worker()
    resp = _put(api_as("dispatcher"), wid, data, name)
    assert resp.status_code == 422
    assert resp.get_json()["fields"]["photo"][0]["zh"] == message
    assert _files(app) == []


def test_a_photo_of_exactly_2_mb_is_accepted(api_as, make_worker):
    wid = make_worker()
    data = PNG + b"\x00" * (MAX_BYTES - len(PNG))
    assert _put(api_as("dispatcher"), wid, data).status_code == 200


def test_photos_are_served_only_to_logged_in_staff_who_dispatch_or_train(
        api_as, anon, web_as, client, app, make_worker):
    wid = make_worker()
    _put(api_as("dispatcher"), wid, PNG)
    assert api_as("finance").get(f"/api/v1/workers/{wid}/photo").status_code == 403
    assert anon.get(f"/api/v1/workers/{wid}/photo").status_code == 401
    page = web_as("trainer").get(f"/workers/{wid}/photo")
    assert page.status_code == 200 and page.mimetype == "image/png" and page.data == PNG
    assert page.headers["Cache-Control"] == "private, no-store"
    assert web_as("finance").get(f"/workers/{wid}/photo").status_code == 403
    anonymous = client.get(f"/workers/{wid}/photo")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
