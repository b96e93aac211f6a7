"""No mobile or resident ID number reaches a log line: not from request lines (werkzeug logs
the query string), not from messages, not from the traceback of an error."""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

import pytest

from core.access import public
from core.privacy import install_log_scrubber, scrub
from tests.conftest import make_user, token_for

MOBILE = "13812345678"
ID_NUMBER = "110105197711123061"
LEAKS = (MOBILE, "138 1234 5678", "138-1234-5678", "138%201234%205678", "138+1234+5678",
         ID_NUMBER, "11010519771112306")


def _get(url, token=None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token
                                 else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_searches_and_errors_leave_no_personal_numbers_in_logs(app, live_server, caplog, capfd):
    @public
    def failing_lookup():
        raise RuntimeError(f"no customer with mobile {MOBILE} or id {ID_NUMBER}")

    app.add_url_rule("/api/v1/_failing_lookup", view_func=failing_lookup)
    caplog.set_level(logging.DEBUG)
    make_user(app, "supervisor", "sup")
    token = token_for(app, "sup")

    searches = [f"/api/v1/audit?q={MOBILE}&entity_type={ID_NUMBER}",
                "/api/v1/audit?q=138%201234%205678",
                "/api/v1/audit?q=%2B86+138+1234+5678",
                f"/audit/?entity_type={MOBILE}",   # a page, not logged in: on to /login
                f"/api/v1/users/{MOBILE}",          # PATCH only: 405
                "/api/v1/no-such-search?mobile=138-1234-5678",  # 404 with a query
                f"/api/v1/_failing_lookup?id_number={ID_NUMBER}"]  # 500 with a traceback
    statuses = [_get(live_server + path, token)[0] for path in searches]
    assert statuses == [200, 200, 200, 200, 405, 404, 500]
    status, body = _get(live_server + "/api/v1/_failing_lookup")
    assert status == 500 and MOBILE not in body.decode()

    records = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "GET /api/v1/audit?q=[mobile]&entity_type=[id]" in records  # werkzeug's line
    assert "RuntimeError: no customer with mobile [mobile] or id [id]" in records
    captured = capfd.readouterr()
    for text in (records, caplog.text, captured.out, captured.err):
        for leak in LEAKS:
            assert leak not in text


def test_log_messages_with_numbers_in_their_arguments_are_scrubbed(caplog):
    install_log_scrubber()  # as create_app does
    log = logging.getLogger("jiazheng.test")
    with caplog.at_level(logging.INFO):
        log.info("called %s about %s", MOBILE, json.dumps({"id": ID_NUMBER}))
        try:
            raise ValueError(f"bad {MOBILE}")
        except ValueError:
            log.exception("lookup of %s failed", ID_NUMBER)
    assert MOBILE not in caplog.text and ID_NUMBER not in caplog.text
    assert "called [mobile] about" in caplog.text and "ValueError: bad [mobile]" in caplog.text


@pytest.mark.parametrize("text, expected", [
    (f"tel {MOBILE}.", "tel [mobile]."),
    ("tel +86 138 1234 5678", "tel [mobile]"),
    ("GET /customers?q=%2B86+138+1234+5678&page=2", "GET /customers?q=[mobile]&page=2"),
    (f"id {ID_NUMBER[:-1]}X", "id [id]"),
    ("order 20261122000123456789", "order 20261122000123456789"),  # longer: not an ID
    ("amount 1380000", "amount 1380000"),
])
def test_scrub_finds_mobiles_and_ids_but_not_other_numbers(text, expected):
    assert scrub(text) == expected
