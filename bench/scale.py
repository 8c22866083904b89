"""A whole province on one PostgreSQL: builds 1M applicants and applications over 10,000 enterprise unions under the two
demo districts (bulk SQL and COPY), then times each console page for a city, a district and a unit admin.

    .venv/bin/python bench/scale.py                       # build (or reuse) xuebu_scale, then measure
    .venv/bin/python bench/scale.py build --applicants 1000000 --unions 10000
    .venv/bin/python bench/scale.py measure --loads 7     # the table: p50 / p95 per page and level, SQL time, RSS

Pages are loaded in-process through the WSGI app (no network), with Redis as in production, each `--loads` times
after one warm-up load (which also fills the dashboard's 15-minute cache); beside each page's time is the time its
own SQL statements took on the server side of the driver (summed per load, same run), and the process's resident
memory after the run. The world is reproducible (fixed seeds) and kept between runs.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_PG = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文辉鹏飞宇浩然晨曦子涵欣怡梓萱思远俊杰"
UNIT_LOGIN = ("scale_unit_admin", "Scale-Unit-2026")
LEVELS = {"city": ("gz_admin", "demo-GZ-2021"), "district": ("yx_admin", "demo-YX-2021"), "unit": UNIT_LOGIN}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("step", nargs="?", choices=["all", "build", "measure"], default="all")
    p.add_argument("--db", default="xuebu_scale", help="database name beside TEST_PG_URL's")
    p.add_argument("--applicants", type=int, default=1_000_000)
    p.add_argument("--unions", type=int, default=10_000)
    p.add_argument("--loads", type=int, default=7)
    p.add_argument("--rebuild", action="store_true", help="drop and build the world again")
    p.add_argument("--pages", nargs="*", help="only these page names")
    return p.parse_args()


def db_url(name: str) -> str:
    return ADMIN_PG.rsplit("/", 1)[0] + f"/{name}"


# ---- building -------------------------------------------------------------------------------------------------

def exists(name: str) -> bool:
    from sqlalchemy import create_engine, text
    engine = create_engine(ADMIN_PG, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
    engine.dispose()
    return found is not None


def recreate(name: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(ADMIN_PG, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def build(args) -> None:
    import subprocess
    started = time.perf_counter()
    recreate(args.db)
    env = os.environ | {"DATABASE_URL": db_url(args.db), "XUEBU_ENV": "demo", "REDIS_URL": ""}
    for cmd in (["db", "upgrade"], ["seed-demo", "--showcase", "0"]):
        subprocess.run([str(ROOT / ".venv/bin/xuebu"), *cmd], env=env, cwd=ROOT, check=True, capture_output=True)
    import psycopg
    with psycopg.connect(db_url(args.db).replace("postgresql+psycopg", "postgresql"), autocommit=False) as conn:
        steps = [("unions", _unions), ("batches", _batches), ("applicants", _applicants),
                 ("roster", _roster), ("applications", _applications), ("history", _history),
                 ("appeals, transfers, payments", _after_review), ("audit log", _audit)]
        for label, step in steps:
            t = time.perf_counter()
            step(conn, args)
            conn.commit()
            print(f"  {label}: {time.perf_counter() - t:.1f} s", flush=True)
        conn.autocommit = True
        t = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze: {time.perf_counter() - t:.1f} s")
    _unit_admin(args.db)
    print(f"built {args.db} in {time.perf_counter() - started:.0f} s")


def _unions(conn, args) -> None:
    """args.unions enterprise unions, half under each demo district."""
    conn.execute("""
        INSERT INTO organisation (parent_id, path, depth, code, name, kind, status, created_at)
        SELECT p.id, '', p.depth + 1, 'E' || lpad(g::text, 6, '0'), '规模测试企业' || g || '工会', 'enterprise', 'active',
               now() - (g %% 3000) * interval '1 day'
        FROM generate_series(1, %s) g JOIN organisation p ON p.code = CASE WHEN g %% 2 = 0 THEN 'YX' ELSE 'HZ' END
    """, (args.unions,))
    conn.execute("""UPDATE organisation o SET path = p.path || o.id || '/' FROM organisation p
                    WHERE o.parent_id = p.id AND o.path = ''""")


def _batches(conn, args) -> None:
    """One programme per year 2016–2025 (the demo's open batch stays), each with one closed batch."""
    for year in range(2016, 2026):
        conn.execute("""
            WITH p AS (INSERT INTO programme (org_id, name, once_rule, enabled, created_at)
                       SELECT id, %s, 'per_person', true, %s FROM organisation WHERE code = 'GZ' RETURNING id)
            INSERT INTO batch (programme_id, name, apply_opens_at, apply_closes_at, review_closes_at, quota,
                               waitlist_cap, amount, enabled, required_documents, roster_required,
                               graduation_required, validity_years, allocated_count, waitlist_count, released_slots,
                               created_at)
            SELECT id, '第一批', %s, %s, %s, 200000, 20000, 1500, true, '[]', true, false, 8, 0, 0, 0, %s FROM p
        """, (f"{year}年学历提升补助（规模测试）", datetime(year, 3, 1), datetime(year, 3, 1), datetime(year, 6, 30),
              datetime(year, 9, 30), datetime(year, 3, 1)))


def _id_number(i: int) -> str:
    """Unique per i: the birth date carries i // 1000, the sequence i % 1000 (a region the demo does not use)."""
    from backoffice.domain.idcard import gb11643_check_char
    birth = date(1960, 1, 1) + timedelta(days=(i // 1000) * 13)
    first17 = f"440111{birth:%Y%m%d}{i % 1000:03d}"
    return first17 + gb11643_check_char(first17)


def _people(args):
    rng = random.Random(2026)
    for i in range(1, args.applicants + 1):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        yield i, name, _id_number(i)


def _keyring():
    """The keys the app will read this database with (XUEBU_DATA_KEYS / XUEBU_LOOKUP_KEY, or the development keys)."""
    from backoffice import create_app
    return create_app().extensions["xuebu_keyring"]


def _applicants(conn, args) -> None:
    from werkzeug.security import generate_password_hash
    pw = generate_password_hash("Scale-Worker-2026", method="pbkdf2:sha256:1000")
    units = [r[0] for r in conn.execute("SELECT id FROM organisation WHERE code LIKE 'E%' ORDER BY id")]
    start = conn.execute("SELECT coalesce(max(id), 0) FROM applicant").fetchone()[0]
    ring = _keyring()  # numbers are stored encrypted, as the app writes them (backoffice/crypto.py)
    with conn.cursor().copy("COPY applicant (id, name, id_number, id_number_hash, mobile, password_hash, org_id, "
                            "bank_card, token_version, created_at) FROM STDIN") as copy:
        for i, name, number in _people(args):
            # spread over the unions so each union sees every state and batch (i % 100 and i % 10 pick those)
            copy.write_row((start + i, name, ring.encrypt(number, "id_number"),
                            ring.lookup_hash(number, "id_number"), ring.encrypt(f"139{i:08d}", "mobile"), pw,
                            units[(i * 7919) % len(units)], ring.encrypt(f"622848{i:013d}", "card"), 1,
                            datetime(2016, 1, 1) + timedelta(minutes=i * 5)))
    conn.execute("SELECT setval('applicant_id_seq', (SELECT max(id) FROM applicant))")


def _roster(conn, args) -> None:
    conn.execute("""INSERT INTO roster_batch (org_id, name, published_at, created_at)
                    SELECT id, '规模测试名单', now(), now() FROM organisation WHERE code = 'GZ'""")
    conn.execute("""
        INSERT INTO roster_entry (roster_batch_id, org_id, name, id_number, id_number_hash, enrolment_date, school,
                                  level, graduated, created_at)
        SELECT rb.id, a.org_id, a.name, a.id_number, a.id_number_hash, date '2015-09-01' + (a.id % 3000), '广州开放大学',
               CASE WHEN a.id % 3 = 0 THEN '本科' ELSE '大专' END, a.id % 5 <> 0, now()
        FROM applicant a JOIN organisation o ON o.id = a.org_id AND o.code LIKE 'E%', roster_batch rb
        WHERE rb.name = '规模测试名单'
    """)


# state by id % 100: a realistic mix for ten years of history
STATES = """CASE WHEN m < 40 THEN 'paid' WHEN m < 48 THEN 'approved' WHEN m < 60 THEN 'in_review'
                  WHEN m < 65 THEN 'returned' WHEN m < 73 THEN 'refused' WHEN m < 85 THEN 'draft'
                  WHEN m < 90 THEN 'waitlisted' WHEN m < 98 THEN 'withdrawn' ELSE 'payment_failed' END"""


def _applications(conn, args) -> None:
    conn.execute(f"""
        INSERT INTO application (batch_id, applicant_id, org_id, roster_entry_id, state, reviewing_org_id,
                                 education_level, study_year, submitted_at, first_submitted_at, quota_rank,
                                 waitlist_position, amount, decided_at, return_items, flags, created_at, updated_at)
        SELECT b.id, a.id, a.org_id, r.id, s.state,
               CASE WHEN s.state = 'in_review' THEN
                    CASE a.id % 3 WHEN 0 THEN a.org_id WHEN 1 THEN o.parent_id ELSE gz.id END END,
               r.level, 2016 + a.id % 10,
               CASE WHEN s.state NOT IN ('draft') THEN b.apply_opens_at + (a.id % 100000) * interval '1 minute' END,
               CASE WHEN s.state NOT IN ('draft') THEN b.apply_opens_at + (a.id % 100000) * interval '1 minute' END,
               NULL, NULL, 1500,
               CASE WHEN s.state IN ('paid', 'approved', 'refused', 'payment_failed') THEN b.review_closes_at END,
               '[]',
               (CASE WHEN a.id % 10 = 0 THEN '["id_card_front:name_match"]'
                     WHEN a.id % 17 = 0 THEN '["application_form:seal_present", "bank_card:card_number_valid"]'
                     ELSE '[]' END)::json,
               b.apply_opens_at, b.apply_opens_at
        FROM applicant a
        JOIN organisation o ON o.id = a.org_id
        JOIN organisation gz ON gz.code = 'GZ'
        JOIN LATERAL (SELECT {STATES} AS state FROM (SELECT a.id % 100 AS m) mm) s ON true
        JOIN (SELECT id, apply_opens_at, review_closes_at, row_number() OVER (ORDER BY id) - 1 AS k FROM batch
              WHERE programme_id IN (SELECT id FROM programme WHERE name LIKE '%（规模测试）')) b
          ON b.k = a.id % 10
        LEFT JOIN roster_entry r ON r.id_number_hash = a.id_number_hash
        WHERE o.code LIKE 'E%'
    """)
    conn.execute("""
        UPDATE application x SET quota_rank = y.rank FROM (
            SELECT id, row_number() OVER (PARTITION BY batch_id ORDER BY submitted_at, id) AS rank FROM application
            WHERE state IN ('paid', 'approved', 'in_review', 'returned', 'payment_failed')
              AND batch_id IN (SELECT b.id FROM batch b JOIN programme p ON p.id = b.programme_id
                               WHERE p.name LIKE '%（规模测试）')) y
        WHERE x.id = y.id""")
    conn.execute("""
        UPDATE application x SET waitlist_position = y.pos FROM (
            SELECT id, row_number() OVER (PARTITION BY batch_id ORDER BY submitted_at, id) AS pos FROM application
            WHERE state = 'waitlisted' AND batch_id IN (SELECT b.id FROM batch b JOIN programme p
                                  ON p.id = b.programme_id WHERE p.name LIKE '%（规模测试）')) y
        WHERE x.id = y.id""")
    conn.execute("""UPDATE batch b SET allocated_count = c.n FROM (SELECT batch_id, count(quota_rank) n
                    FROM application GROUP BY batch_id) c WHERE c.batch_id = b.id""")


def _history(conn, args) -> None:
    """One review action per submitted application (the submit), one more per decided one."""
    conn.execute("""
        INSERT INTO review_action (application_id, org_id, decision, from_state, to_state, documents, at)
        SELECT id, org_id, 'submit', 'draft', 'in_review', '[]', submitted_at FROM application
        WHERE submitted_at IS NOT NULL AND org_id IN (SELECT id FROM organisation WHERE code LIKE 'E%')""")
    conn.execute("""
        INSERT INTO review_action (application_id, org_id, decision, from_state, to_state, documents, at)
        SELECT a.id, gz.id, CASE WHEN a.state = 'refused' THEN 'refuse' ELSE 'approve' END, 'in_review', a.state,
               '[]', a.decided_at
        FROM application a JOIN organisation gz ON gz.code = 'GZ' WHERE a.decided_at IS NOT NULL""")


def _after_review(conn, args) -> None:
    conn.execute("""
        INSERT INTO appeal (application_id, to_org_id, source, text, status, due_at, created_at)
        SELECT a.id, o.parent_id, 'applicant', '申请人认为材料齐全', CASE WHEN a.id % 2 = 0 THEN 'open' ELSE 'dismissed' END,
               a.decided_at + interval '10 days', a.decided_at + interval '1 day'
        FROM application a JOIN organisation o ON o.id = a.org_id AND o.code LIKE 'E%'
        WHERE a.state = 'refused' AND a.id % 20 = 0""")
    conn.execute(f"""
        INSERT INTO transfer (applicant_id, from_org_id, to_org_id, reason, status, requested_by, created_at)
        SELECT a.id, a.org_id, t.id, '调动工作', CASE WHEN a.id % 3 = 0 THEN 'pending' ELSE 'approved' END,
               'applicant', a.created_at
        FROM applicant a JOIN organisation o ON o.id = a.org_id AND o.code LIKE 'E%'
        JOIN organisation t ON t.code = 'E' || lpad(((a.id * 7) % {args.unions} + 1)::text, 6, '0')
        WHERE a.id % 50 = 0""")
    conn.execute("""
        INSERT INTO payment_batch (batch_id, org_id, name, status, total_amount, exported_at, results_imported_at,
                                   created_at)
        SELECT b.id, gz.id, p.name || ' 发放', 'closed', 0, b.review_closes_at, b.review_closes_at, b.review_closes_at
        FROM batch b JOIN programme p ON p.id = b.programme_id JOIN organisation gz ON gz.code = 'GZ'
        WHERE p.name LIKE '%（规模测试）' AND b.apply_closes_at < now()""")
    conn.execute("""
        INSERT INTO disbursement (payment_batch_id, application_id, amount, bank_card, status, failure_reason, paid_at,
                                  created_at)
        SELECT pb.id, a.id, a.amount, (SELECT bank_card FROM applicant p WHERE p.id = a.applicant_id),
               CASE WHEN a.state = 'paid' THEN 'paid' ELSE 'failed' END,
               CASE WHEN a.state = 'paid' THEN NULL ELSE '户名与账号不符' END,
               CASE WHEN a.state = 'paid' THEN a.decided_at + interval '20 days' END, a.decided_at
        FROM application a JOIN payment_batch pb ON pb.batch_id = a.batch_id AND pb.name LIKE '%（规模测试） 发放'
        WHERE a.state IN ('paid', 'payment_failed')""")


def _audit(conn, args) -> None:
    conn.execute("""
        INSERT INTO audit_event (at, actor_type, actor_id, actor_name, org_id, action, target_type, target_id,
                                 detail, ip)
        SELECT a.submitted_at, 'applicant', a.applicant_id, NULL, a.org_id, 'application_submitted', 'application',
               a.id, '{}', '10.0.0.1'
        FROM application a WHERE a.submitted_at IS NOT NULL""")


def _unit_admin(name: str) -> None:
    os.environ["DATABASE_URL"] = db_url(name)
    from backoffice import create_app
    from backoffice.extensions import db
    from backoffice.services import accounts, orgs
    app = create_app()
    with app.app_context():
        unit = orgs.find_by_code("E000002")
        accounts.create_admin(unit, UNIT_LOGIN[0], UNIT_LOGIN[1], "admin", display_name="规模测试企业管理员")
        db.session.commit()


# ---- measuring ------------------------------------------------------------------------------------------------

def pages(sample_name: str, sample_id: str) -> dict[str, str]:
    return {
        "home": "/admin/",
        "applications": "/admin/applications/",
        "search by name": f"/admin/applications/?search={sample_name}",
        "search by ID number": f"/admin/applications/?search={sample_id}",
        "review queue": "/admin/review/",
        "dashboard": "/admin/dashboard/",
        "sub-organisations": "/admin/suborgs/",
        "transfers": "/admin/transfers/",
        "appeals": "/admin/appeals/",
        "payments (unpaid)": "/admin/payments/",
        "paid": "/admin/payments/paid",
        "roster": "/admin/roster/",
        "audit log": "/admin/audit/",
        "organisations": "/admin/orgs/",
        "notice list": "/admin/notices/",
        "programmes": "/admin/programmes/",
        "batches": "/admin/batches/",
    }


class SqlClock:
    """Sums the time the driver spends on each statement (before → after cursor execute) of one request."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.total, self.count = 0.0, 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.total += time.perf_counter() - conn.info.pop("started", time.perf_counter())
        self.count += 1

    def reset(self):
        self.total, self.count = 0.0, 0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(args) -> None:
    import re

    from backoffice.factory import settle

    os.environ["DATABASE_URL"] = db_url(args.db)
    os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")  # as in production
    from backoffice import create_app
    from backoffice.extensions import db
    app = create_app()
    settle()  # as gunicorn's post_worker_init does in production (docker/gunicorn.conf.py)
    app.config["CACHE_PREFIX"] = f"bench-scale-{os.getpid()}"  # a cold cache each run: the warm-up load fills it
    with app.app_context():
        clock = SqlClock(db.engine)
        row = db.session.execute(db.text("SELECT name, id_number FROM applicant ORDER BY id DESC LIMIT 1 OFFSET "
                                         "(SELECT count(*) / 3 FROM applicant)")).first()
        counts = db.session.execute(db.text("SELECT (SELECT count(*) FROM application), "
                                            "(SELECT count(*) FROM organisation)")).first()
    from backoffice.crypto import keyring
    with app.app_context():
        row = (row[0], keyring().decrypt(row[1], "id_number"))  # searched for whole, as an admin types it
    print(f"world: {counts[0]:,} applications, {counts[1]:,} organisations; {args.loads} loads after one warm-up")
    print("| page | level | p50 | p95 | SQL p50 | statements | status |")
    print("|---|---|---|---|---|---|---|")
    chosen = pages(row[0], row[1])
    for level, (user, password) in LEVELS.items():
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        resp = client.post("/login", data={"username": user, "password": password, "csrf_token": token})
        assert resp.status_code == 302, (level, resp.status_code)
        for name, url in chosen.items():
            if args.pages and name not in args.pages:
                continue
            times, sql, statements, status = [], [], 0, None
            for i in range(args.loads + 1):
                clock.reset()
                t = time.perf_counter()
                resp = client.get(url)
                resp.get_data()
                elapsed = time.perf_counter() - t
                status = resp.status_code
                if i:
                    times.append(elapsed)
                    sql.append(clock.total)
                    statements = clock.count
            q = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
            print(f"| {name} | {level} | {statistics.median(times) * 1000:.0f} ms | {q[18] * 1000:.0f} ms | "
                  f"{statistics.median(sql) * 1000:.0f} ms | {statements} | {status} |", flush=True)
    print(f"resident memory after the run: {rss_mb():.0f} MB")
    if not args.pages or "export" in args.pages:
        export(app, args)


def export(app, args) -> None:
    """The city admin exports every application in review (XLSX): the request queues a job, which this process then
    runs as the worker would; the peak resident memory during the job is sampled every 50 ms."""
    import re
    import threading

    from backoffice.extensions import db
    from backoffice.models import ReviewJob
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": LEVELS["city"][0], "password": LEVELS["city"][1], "csrf_token": token})
    before, peak, stop = rss_mb(), [rss_mb()], threading.Event()

    def sample():
        while not stop.wait(0.05):
            peak[0] = max(peak[0], rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t = time.perf_counter()
    resp = client.get("/admin/review/export/xlsx?mine=0&state=in_review")
    answered = time.perf_counter() - t
    from backoffice.admin.export_jobs import run_export
    with app.app_context():
        job = db.session.execute(db.select(ReviewJob).where(ReviewJob.kind == "export")
                                 .order_by(ReviewJob.id.desc())).scalars().first()
        if job.status == "queued":
            run_export(job.id)
    elapsed = time.perf_counter() - t
    stop.set()
    sampler.join()
    with app.app_context():
        job = db.session.get(ReviewJob, job.id)
        size = (Path(app.config["UPLOAD_DIR"]) / job.file_key).stat().st_size if job and job.file_key else 0
        print(f"export as a job (XLSX, review queue, city, in review): answered {resp.status_code} in "
              f"{answered * 1000:.0f} ms → {job.status}, {job.done:,} rows in {elapsed:.1f} s "
              f"({size / 1e6:.1f} MB); resident memory {before:.0f} → peak {peak[0]:.0f} MB "
              f"(+{peak[0] - before:.0f} MB)")


def main() -> int:
    args = parse_args()
    if args.step in ("all", "build") and (args.rebuild or args.step == "build" or not exists(args.db)):
        build(args)
    if args.step in ("all", "measure"):
        measure(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
