"""The demo company loads through the real services, once."""
import sqlalchemy as sa
from click.testing import CliRunner

from core.demo import demo_data
from core.extensions import db


def test_demo_data_loads_a_small_company_once(app):
    from core.customers.models import Customer
    from core.timeutil import business_today
    from core.trainees.models import Trainee
    from core.workers.credentials import state_on
    from core.workers.models import Worker, WorkerCredential

    runner = CliRunner()
    with app.app_context():
        runner.invoke(demo_data, [], catch_exceptions=False, standalone_mode=False)
        assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == 40
        assert db.session.scalar(sa.select(sa.func.count(Customer.id))) == 15
        assert db.session.scalar(sa.select(sa.func.count(Trainee.id))) == 12
        lines = {code for w in db.session.scalars(sa.select(Worker))
                 for code in w.service_line_codes}
        assert lines == {"cleaning", "maternity_nurse", "child_massage", "nanny"}
        today = business_today()
        states = {state_on(c.expires_on, today, 30) for c in db.session.scalars(
            sa.select(WorkerCredential).where(WorkerCredential.kind == "health_certificate"))}
        assert {"valid", "expiring", "expired"} <= states
        from core.matching.candidates import ranking
        from core.orders.models import Order

        waiting = list(db.session.scalars(sa.select(Order).where(Order.state == "matching")))
        assert {o.service_line for o in waiting} == lines  # matching can be tried at once
        assert all(ranking(o.id, per_page=5).total > 0 for o in waiting)
        again = runner.invoke(demo_data, ["--once"], standalone_mode=False)
        assert again.exception is None
        assert "nothing loaded" in again.output
        assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == 40
