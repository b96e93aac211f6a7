"""Demo data: a realistic small company, loaded once into an empty database.

``jiazheng demo-data [--once]``: staff of every role, about forty workers across the four
service lines with valid, expiring and expired certificates, customers with addresses,
and a day's trainee registration sheet imported through the real import path. Every
record goes through the same service functions the pages and the API use, so demo data
obeys the same rules (ID checksums, mobile numbers, credential dates). All people are
fictional; ID numbers are generated with valid check digits.
"""
from __future__ import annotations

import datetime as dt
import io
import random

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from stdnum.cn import ric

from .extensions import db
from .timeutil import business_today

#: The account ``jiazheng serve`` tells people to log in with.
DEMO_PASSWORD = "jiazheng-demo"
DEMO_LOGIN = ("dispatcher", DEMO_PASSWORD)

STAFF = (
    ("admin", "admin", "系统管理员"),
    ("supervisor", "supervisor", "赵主管"),
    ("dispatcher", "dispatcher", "李客服"),
    ("dispatcher", "dispatcher2", "孙客服"),
    ("trainer", "trainer", "周老师"),
    ("finance", "finance", "吴会计"),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ("秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "玉珍", "淑珍", "丽华", "美兰",
         "春梅", "红霞", "海燕", "小燕", "丽娟", "翠花", "建芳", "素芬", "金凤", "月娥")
#: (hometown, area code of its ID numbers, dialect)
HOMETOWNS = (("安徽阜阳", "341202", "皖北话"), ("河南信阳", "411502", "信阳话"),
             ("四川南充", "511302", "四川话"), ("湖南邵阳", "430502", "湘语"),
             ("江西上饶", "361102", "赣语"), ("山东临沂", "371302", "山东话"),
             ("河北保定", "130602", "保定话"), ("甘肃天水", "620502", "天水话"))
DISTRICTS = ("朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区", "昌平区")
STREETS = ("望京西路", "中关村大街", "安定门内大街", "金融街", "方庄路", "新华大街", "回龙观东大街")

def line_sets(lines: dict) -> list[tuple[str, ...]]:
    """The service lines demo workers do, cycled over the workers (``lines``: the loaded
    line objects by code). Each line alone, alternating lines served in slots (longest
    slot first) and live-in lines (shortest default term first), so that neighbouring
    workers do different kinds of work; then the two shortest-term live-in lines together
    (a 育婴师 who is also a 月嫂) and the longest-slot line with the longest-term live-in
    line (a 保洁 who also looks after children)."""
    slots = sorted((c for c, line in lines.items() if line.slot_hours is not None),
                   key=lambda c: (-lines[c].slot_hours, c))
    live_in = sorted((c for c, line in lines.items() if line.slot_hours is None),
                     key=lambda c: (lines[c].default_term_days, c))
    sets: list[tuple[str, ...]] = []
    for i in range(max(len(slots), len(live_in))):
        sets += [(group[i],) for group in (slots, live_in) if i < len(group)]
    if len(live_in) >= 2:
        sets.append((live_in[0], live_in[1]))
    if slots and live_in:
        sets.append((slots[0], live_in[-1]))
    return sets


def id_number(area: str, birth: dt.date, serial: int, female: bool = True) -> str:
    """A valid 18-character resident ID number (correct check digit) for demo people."""
    seq = serial % 500 * 2 + (0 if female else 1)  # the 17th digit is even for women
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def mobile(rng: random.Random) -> str:
    """A plausible mainland mobile number."""
    return rng.choice(("138", "139", "150", "158", "186", "189", "131", "177")) + "".join(
        rng.choice("0123456789") for _ in range(8))


def _health_dates(index: int, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Spread of health certificates: mostly valid, some expiring, some expired, one missing."""
    bucket = index % 10
    if bucket == 7:
        return today - dt.timedelta(days=380), today - dt.timedelta(days=15)  # expired
    if bucket == 8:
        return today - dt.timedelta(days=350), today + dt.timedelta(days=12)  # expiring
    if bucket == 9 and index % 20 == 9:
        return None  # missing
    return today - dt.timedelta(days=60 + index), today + dt.timedelta(days=300 - index)


def _staff():
    from .accounts.service import create_user

    users = {}
    for role, username, name in STAFF:
        users[username] = create_user(username, DEMO_PASSWORD, role, name)
    return users


def _workers(rng: random.Random, actor, today: dt.date, count: int = 40) -> int:
    from .plugins import service_lines
    from .types import CORE_CREDENTIAL_KINDS
    from .workers.credentials import add_credential
    from .workers.service import create_worker

    grades = ("junior", "silver", "gold", "platinum", "diamond", "crown")
    loaded = service_lines()
    sets = line_sets(loaded)
    core_kinds = {kind.code for kind in CORE_CREDENTIAL_KINDS}
    for i in range(count):
        hometown, area, dialect = HOMETOWNS[i % len(HOMETOWNS)]
        birth = dt.date(1968 + i % 25, 1 + i % 12, 1 + (i * 7) % 28)
        lines = sets[i % len(sets)]
        worker = create_worker({
            "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 3) % len(GIVEN)],
            "id_number": id_number(area, birth, i + 1),
            "mobile": mobile(rng), "hometown": hometown, "dialect": dialect,
            "years_experience": 1 + i % 15, "grade": grades[i % len(grades)],
            "service_lines": list(lines),
        }, actor)
        health = _health_dates(i, today)
        if health:
            add_credential(worker, {"kind": "health_certificate", "number": f"JK{2026}{i:05d}",
                                    "issued_on": health[0], "expires_on": health[1]}, actor)
        if any("platform_certification" in loaded[line].required_credentials
               for line in lines):
            add_credential(worker, {"kind": "platform_certification", "number": f"58DJ{i:06d}",
                                    "issued_on": today - dt.timedelta(days=200),
                                    "expires_on": today + dt.timedelta(days=500 - i * 9),
                                    "certification_status": "certified"}, actor)
        for line in lines:  # the skill certificates the line requires
            for skill in (k for k in loaded[line].required_credentials if k not in core_kinds):
                add_credential(worker, {"kind": skill, "number": f"ZS{line[:2].upper()}{i:05d}",
                                        "issued_on": today - dt.timedelta(days=700),
                                        "expires_on": today + dt.timedelta(days=400 + i * 5)},
                               actor)
    return count


def _customers(rng: random.Random, users: dict, count: int = 15) -> int:
    from .customers.service import create_customer

    levels = ("normal",) * 10 + ("secret", "secret", "confidential", "normal", "top_secret")
    sources = ("referral", "meituan", "douyin", "xiaohongshu", "website", "walk_in")
    for i in range(count):
        district = DISTRICTS[i % len(DISTRICTS)]
        level = levels[i % len(levels)]
        # only a supervisor may classify a file top secret (绝密)
        actor = users["supervisor" if level == "top_secret" else "dispatcher"]
        create_customer({
            "name": SURNAMES[(i * 5 + 3) % len(SURNAMES)] + ("先生" if i % 3 == 0 else "女士"),
            "mobile": mobile(rng),
            "household_notes": ("三口之家，有一只猫。" if i % 2 else "预产期在下月，家中有老人。"),
            "confidentiality": level,
            "lead_source": sources[i % len(sources)],
            "addresses": [{"district": district,
                           "detail": f"{STREETS[i % len(STREETS)]}{10 + i}号{1 + i % 6}单元"
                                     f"{100 + i * 3}室", "label": "家"}],
        }, actor)
    return count


def _trainees(rng: random.Random, today: dt.date, count: int = 12) -> int:
    from .trainees.registration import import_sheet

    rows = ["登记日期,姓名,性别,身份证号,手机号,籍贯,意向工种,备注"]
    from .plugins import service_lines

    intentions = [line.name_zh for line in service_lines().values()] or ["保洁"]
    for i in range(count):
        hometown, area, _ = HOMETOWNS[(i + 3) % len(HOMETOWNS)]
        birth = dt.date(1980 + i % 15, 1 + (i * 5) % 12, 2 + i % 26)
        rows.append(",".join([today.isoformat(), SURNAMES[(i * 7 + 1) % len(SURNAMES)]
                              + GIVEN[(i * 11 + 4) % len(GIVEN)], "女",
                              id_number(area, birth, 300 + i), mobile(rng), hometown,
                              intentions[i % len(intentions)], ""]))
    sheet = io.BytesIO(("\ufeff" + "\n".join(rows) + "\n").encode("utf-8"))
    result = import_sheet(sheet, "demo-registration.csv", today=today)
    return result.counts["created"]


def _locations(rng: random.Random) -> None:
    """Where each demo worker lives (district), for the distance part of matching."""
    from .matching.models import WorkerLocation
    from .workers.models import Worker

    for worker_id in db.session.scalars(sa.select(Worker.id).order_by(Worker.id)):
        db.session.add(WorkerLocation(worker_id=worker_id, district=rng.choice(DISTRICTS)))


def _orders(users: dict, today: dt.date, per_line: int = 2) -> int:
    """Orders waiting for a worker (匹配中), a few per service line, from each line's
    sample intake (the plugin contract's ``SAMPLE_INTAKE``), so matching can be tried
    at once."""
    import copy

    from .customers.models import Customer
    from .errors import DomainError
    from .orders.service import create_order, transition
    from .plugins import service_lines

    actor = users["dispatcher"]
    customers = list(db.session.scalars(sa.select(Customer).where(
        Customer.confidentiality == "normal").order_by(Customer.id)))
    made = 0
    lines = service_lines()
    for n, line in enumerate(sorted(lines)):
        samples = lines[line].sample_intakes
        if not samples or not customers:
            continue
        for i in range(per_line):
            raw = copy.deepcopy(samples[0])
            for name in lines[line].start_date_fields:
                if name in raw:
                    raw[name] = (today + dt.timedelta(days=5 + i * 3 + n)).isoformat()
            customer = customers[(n * per_line + i) % len(customers)]
            address = customer.addresses[0].id if customer.addresses else None
            try:
                order = create_order(service_line=line, customer_id=customer.id,
                                     actor_id=actor.id, intake=raw, address_id=address)
                for to in ("quoted", "matching"):
                    order = transition(order, to, order.version, actor.id)
                db.session.commit()
                made += 1
            except DomainError:  # a sample the company's own rules refuse: leave it out
                db.session.rollback()
    return made


def load_demo(seed: int = 20261122) -> dict:
    """Load the demo company into an empty database; returns what was created."""
    from .accounts.models import User

    if db.session.scalar(sa.select(sa.func.count(User.id))):
        raise click.ClickException("The database already has users; demo data loads only into "
                                   "an empty database.")
    rng = random.Random(seed)
    today = business_today()
    users = _staff()
    db.session.flush()
    counts = {"staff": len(users), "workers": _workers(rng, users["trainer"], today),
              "customers": _customers(rng, users)}
    db.session.commit()
    _locations(rng)
    db.session.commit()
    counts["orders"] = _orders(users, today)
    counts["trainees"] = _trainees(rng, today)
    db.session.commit()
    return counts


@click.command("demo-data")
@click.option("--once", is_flag=True,
              help="Do nothing (successfully) if the database already has data.")
@with_appcontext
def demo_data(once: bool) -> None:
    """Load the demo company (staff, ~40 workers, customers, orders waiting for a worker,
    trainees) into an empty database."""
    from .accounts.models import User

    if once and db.session.scalar(sa.select(sa.func.count(User.id))):
        click.echo("Demo data: the database already has data; nothing loaded.")
        return
    counts = load_demo()
    click.echo("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    click.echo(f"Log in as {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]} (also: admin, supervisor, "
               f"trainer, finance — same password).")
