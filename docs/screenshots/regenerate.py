"""Regenerate the README's screenshots (docs/screenshots/*.png) from the demo company.

Makes a throw-away SQLite database with the demo data (``core.demo.load_demo``), takes
one 育婴师 order into service (so the follow-up queue has calls),
serves the app on a free local port and photographs, in headless Chromium, in Chinese
and in English: the dispatcher's home page, her follow-up queue, that order's page, and
the supervisor's audit page.

    .venv/bin/python docs/screenshots/regenerate.py [--chromium /usr/bin/chromium]

Needs Playwright and a Chromium (the same as the browser tests).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

PASSWORD = "jiazheng-demo"
SHOTS = (  # (file stem, who, path)
    ("home", "dispatcher", "/"),
    ("followups", "dispatcher", "/followups/"),
    ("order", "dispatcher", "/orders/{order}"),
    ("audit", "supervisor", "/audit/?entity_type=order"),
)


def _order_in_service(app) -> int:
    """A demo 育婴师 order with her worker assigned through the API, then put in service
    three days ago the way the follow-up tests do it (state and 上户 date set, the
    ``handle_order_state_change`` broadcast sent), so its first calls are due — the contract and
    interview steps are not what these pictures show."""
    import sqlalchemy as sa

    from core import plugins
    from core.extensions import db
    from core.orders.models import Order
    from core.timeutil import business_today

    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={
        "username": "dispatcher", "password": PASSWORD}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        order_id = db.session.scalar(sa.select(Order.id).where(
            Order.service_line == "nanny", Order.state == "matching").order_by(Order.id))
    url = f"/api/v1/orders/{order_id}"
    for cand in client.get(f"{url}/candidates", headers=auth).get_json().get("items", []):
        order = client.get(url, headers=auth).get_json()
        if client.post(f"{url}/worker", headers=auth, json={
                "worker_id": cand["worker_id"], "version": order["version"]}).status_code == 200:
            break
    with app.app_context():
        order = db.session.get(Order, order_id)
        before, order.state = order.state, "in_service"
        order.start_date = business_today() - dt.timedelta(days=3)
        db.session.flush()
        plugins.notify_order_state_changed(order_id=order.id, service_line=order.service_line,
                                           from_state=before, to_state="in_service")
        db.session.commit()
    return order_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    import logging

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from core import create_app
    from core.demo import load_demo
    from core.extensions import db

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'shots.db'}",
                          "SECRET_KEY": "screenshots", "INSTANCE_PATH": str(Path(tmp) / "i"),
                          "REDIS_URL": None})
        with app.app_context():
            db.create_all()
            load_demo()
        order_id = _order_in_service(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            for lang in ("zh", "en"):
                for who in ("dispatcher", "supervisor"):
                    context = browser.new_context(base_url=base,
                                                  viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto("/login")
                    page.fill("#username", who)
                    page.fill("#password", PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_url(lambda url: "/login" not in url)
                    page.goto(f"/lang/{lang}")
                    for stem, role, path in SHOTS:
                        if role != who:
                            continue
                        page.goto(path.format(order=order_id))
                        out = HERE / f"{stem}-{lang}.png"
                        page.screenshot(path=str(out), full_page=True)
                        print(out.relative_to(HERE.parents[1]))
                    context.close()
            browser.close()
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
