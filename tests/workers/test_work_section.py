"""A worker's page shows her work: her bookings (档期), her orders and her rating — the
orders and bookings only to roles that read orders."""
from tests.appointments.conftest import customer_id, desk, new_order, worker_for  # noqa: F401
from tests.appointments.helpers import in_service


def test_the_worker_page_lists_her_bookings_orders_and_rating(
        app, web_as, desk, new_order, worker_for):  # noqa: F811
    worker = worker_for("cleaning")
    order = in_service(desk, new_order("cleaning"), worker)
    html = web_as("dispatcher").get(f"/workers/{worker}").get_data(as_text=True)
    work = html[html.index('id="work"'):]
    assert "档期、订单与评价" in work and "暂无评价" in work
    orders = work[work.index('id="worker-orders"'):]
    assert order["number"] in orders and "服务中" in orders
    assert 'id="worker-bookings"' in work and order["number"] in work[
        work.index('id="worker-bookings"'):work.index('id="worker-orders"')]
    trainer = web_as("trainer").get(f"/workers/{worker}").get_data(as_text=True)
    assert 'id="work"' in trainer and order["number"] not in trainer
