"""Benchmark: preview a 10,000-row registration sheet (学员登记表) as XLSX.

Generates a sheet of valid new rows, rows already registered (in the database and repeated
inside the sheet) and invalid rows (bad check digit, short mobile, missing name), then
previews it the way the import page does and prints the elapsed seconds and the peak
memory. Target: ≤ 10 s with memory that does not grow with the sheet.

    .venv/bin/python bench/import_trainees.py [--rows 10000] [--keep FILE.xlsx]

Peak memory is measured with tracemalloc (Python allocations during the preview) in a
second run, so the timing run is not slowed by tracing; ru_maxrss (the whole process) is
printed too.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402
from stdnum.cn import ric  # noqa: E402

HEADERS = ["登记日期", "姓名", "性别", "身份证号", "手机号", "籍贯", "意向工种", "备注"]
REGIONS = {"110105": "北京朝阳", "370102": "山东济南", "410102": "河南郑州",
           "320302": "江苏徐州", "430102": "湖南长沙", "510104": "四川成都"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英桂兰淑珍玉梅丽娟红霞春燕美玲晓燕海燕凤英丽华翠萍"
LINES = ["保洁", "月嫂", "小儿推拿", "育婴师"]


def valid_id(rng: random.Random, serial: int) -> str:
    """A resident ID number with a correct check digit (female: even 17th digit)."""
    while True:
        region = rng.choice(list(REGIONS))
        birth = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
        body = f"{region}{birth:%Y%m%d}{serial % 100:02d}{(serial % 5) * 2}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):  # the region code must exist at the birth date
            return number
        serial += 1


def make_sheet(rows: int, seed: int = 7) -> tuple[bytes, list[str]]:
    """The XLSX bytes and the ID numbers of the first 300 valid rows (to pre-register)."""
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    seen: list[str] = []
    used: set[str] = set()
    serial = 0
    for i in range(rows):
        kind = rng.random()
        name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
        mobile = f"1{rng.choice('3589')}{rng.randrange(10 ** 9):09d}"
        if kind < 0.04 and seen:                       # repeated inside the sheet
            number = rng.choice(seen)
        else:
            while True:
                serial += 1
                number = valid_id(rng, serial * 7 + i)
                if number not in used:
                    break
            used.add(number)
            seen.append(number)
        note = ""
        if 0.04 <= kind < 0.06:                        # wrong check digit
            number = number[:17] + ("0" if number[17] != "0" else "1")
            note = "校验位错误"
        elif 0.06 <= kind < 0.08:                      # mobile one digit short
            mobile = mobile[:10]
            note = "手机号少一位"
        elif 0.08 <= kind < 0.09:                      # missing name
            name = ""
        ws.append(["2026-11-20", name, "女", number, mobile, REGIONS[number[:6]]
                   if number[:6] in REGIONS else "", rng.choice(LINES), note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), seen[:300]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", help="also write the generated sheet to this path")
    args = parser.parse_args()

    from core import create_app
    from core.extensions import db
    from core.trainees import registration
    from core.trainees.models import Trainee

    data, registered = make_sheet(args.rows)
    if args.keep:
        Path(args.keep).write_bytes(data)
    tmp = tempfile.mkdtemp(prefix="jz-bench-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                      "INSTANCE_PATH": tmp})
    with app.app_context():
        db.create_all()
        for number in registered:                      # already in the master list
            facts = registration.check_id_number(number)
            db.session.add(Trainee(registered_on=dt.date(2026, 11, 1), name="已备案",
                                   sex=facts.sex, id_number=number, birth_date=facts.birth_date,
                                   mobile="13800000000", service_lines=[]))
        db.session.commit()

        start = time.perf_counter()
        result = registration.preview(io.BytesIO(data), "bench.xlsx")
        elapsed = time.perf_counter() - start

        tracemalloc.start()
        registration.preview(io.BytesIO(data), "bench.xlsx")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {args.rows}  sheet: {len(data) / 1024:.0f} KiB  counts: {result.counts}")
    print(f"preview elapsed: {elapsed:.2f} s")
    print(f"peak memory (tracemalloc, during preview): {peak / 1024 / 1024:.1f} MiB")
    print(f"process max RSS: {rss_mb:.0f} MiB")
    return 0 if elapsed <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
