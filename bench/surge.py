"""Surge benchmark: N concurrent submits for a batch of Q places, against gunicorn + PostgreSQL on this machine.

    .venv/bin/python bench/surge.py                      # full run: N=5000, Q=2000, 64 client connections
    .venv/bin/python bench/surge.py --applicants 1000 --quota 400 --healthz-requests 2000   # a quick check

Creates a fresh PostgreSQL database, builds the schema (`xuebu db upgrade` when the migration is current,
else `db.create_all()`), runs `xuebu seed-load`, starts gunicorn, measures GET /healthz throughput, fires the
submits, prints throughput and latency, then checks the database: exactly Q ranks 1..Q, the rest waitlisted
or refused as full, nothing lost. Only loopback traffic; every loop is bounded.
"""
from __future__ import annotations

import argparse
import http.client
import os
import queue
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))
DEFAULT_PG = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--applicants", type=int, default=5000)
    p.add_argument("--quota", type=int, default=2000)
    p.add_argument("--waitlist-cap", type=int, default=None, help="default N-Q (nobody is refused as full)")
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--workers", type=int, default=3, help="as docker/gunicorn.conf.py gives on 2 cores")
    p.add_argument("--threads", type=int, default=24, help="as docker/gunicorn.conf.py")
    p.add_argument("--healthz-requests", type=int, default=5000)
    p.add_argument("--pg-url", default=DEFAULT_PG, help="an admin URL; a fresh database is created beside it")
    p.add_argument("--timeout", type=float, default=300, help="seconds before the submit phase gives up")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--on", metavar="DATABASE", help="run on a copy of this database (e.g. xuebu_scale from "
                   "bench/scale.py build: the surge with a million applications already in the tables)")
    return p.parse_args()


# ---- database ------------------------------------------------------------------------------------------------

def create_database(admin_url: str, template: str | None = None) -> str:
    from sqlalchemy import create_engine, text
    name = f"xuebu_surge_{secrets.token_hex(4)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, url: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    engine.dispose()


def setup_schema(env: dict) -> str:
    """`xuebu db upgrade`; if that fails or leaves the schema behind the models, rebuild with create_all()."""
    upgrade = subprocess.run([str(BIN / "xuebu"), "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, text=True,
                             check=False)
    from backoffice import create_app
    from backoffice.extensions import db
    os.environ.update(env)
    app = create_app()
    with app.app_context():
        missing = _schema_gaps(db)
        if upgrade.returncode == 0 and not missing:
            return "xuebu db upgrade"
        db.drop_all()
        db.session.commit()
        from sqlalchemy import text
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    why = "upgrade failed" if upgrade.returncode else f"migration behind models ({', '.join(missing[:3])}…)"
    return f"db.create_all() ({why})"


def _schema_gaps(db) -> list[str]:
    from sqlalchemy import inspect
    insp = inspect(db.engine)
    tables = set(insp.get_table_names())
    gaps = []
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            gaps.append(table.name)
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        gaps += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return gaps


# ---- server --------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    cmd = [str(BIN / "gunicorn"), "-c", str(ROOT / "docker" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--threads", str(threads), "--log-level", "warning", "backoffice:create_app()"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not come up within 60 s")


# ---- load ----------------------------------------------------------------------------------------------------

def fire(port: int, jobs: list, clients: int, timeout: float) -> tuple[list, float]:
    """Run (method, path, headers) jobs over `clients` keep-alive connections; returns results and seconds."""
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    results, lock = [], threading.Lock()
    deadline = time.time() + timeout

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.time() < deadline:
            try:
                method, path, headers, tag = todo.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                conn.request(method, path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                mine.append((tag, resp.status, time.perf_counter() - started, body))
            except (OSError, http.client.HTTPException) as exc:
                mine.append((tag, 0, time.perf_counter() - started, repr(exc).encode()))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (master and workers), PostgreSQL backends and this client."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(pid) == server_pid or int(fields[1]) == server_pid:
            used["gunicorn"] += seconds
        elif cmd.startswith(b"postgres"):
            used["postgres"] += seconds
    me = os.times()
    used["client"] = me.user + me.system
    return used


def cpu_report(before: dict, after: dict, requests: int) -> str:
    return ", ".join(f"{k} {1000 * (after[k] - before[k]) / max(requests, 1):.2f}" for k in before) + \
        " ms CPU per request"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] if values else float("nan")


def report(title: str, results: list, seconds: float) -> float:
    lat = [r[2] * 1000 for r in results]
    rate = len(results) / seconds if seconds else 0
    print(f"{title}: {len(results)} requests in {seconds:.2f} s = {rate:.0f}/s; "
          f"p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, max {max(lat or [0]):.1f} ms")
    return rate


# ---- checks --------------------------------------------------------------------------------------------------

def verify(url: str, batch_id: int, n: int, q: int, cap: int, results: list) -> list[str]:
    from sqlalchemy import create_engine, text
    problems = []
    engine = create_engine(url)
    with engine.connect() as conn:
        ranks = [r[0] for r in conn.execute(text(
            "SELECT quota_rank FROM application WHERE batch_id=:b AND quota_rank IS NOT NULL ORDER BY 1"),
            {"b": batch_id})]
        states = dict(conn.execute(text("SELECT state, count(*) FROM application WHERE batch_id=:b GROUP BY state"),
                                   {"b": batch_id}).all())
        positions = [r[0] for r in conn.execute(text(
            "SELECT waitlist_position FROM application WHERE batch_id=:b AND state='waitlisted' ORDER BY 1"),
            {"b": batch_id})]
        counters = conn.execute(text("SELECT allocated_count, waitlist_count FROM batch WHERE id=:b"),
                                {"b": batch_id}).one()
    engine.dispose()
    expected_alloc, expected_wait = min(n, q), min(max(n - q, 0), cap)
    full = sum(1 for r in results if r[1] == 409 and b"batch_full" in r[3])
    if ranks != list(range(1, expected_alloc + 1)):
        problems.append(f"ranks are not exactly 1..{expected_alloc} (got {len(ranks)}, unique {len(set(ranks))})")
    if positions != list(range(1, expected_wait + 1)):
        problems.append(f"waitlist positions are not 1..{expected_wait} (got {len(positions)})")
    if states.get("in_review", 0) != expected_alloc or states.get("waitlisted", 0) != expected_wait:
        problems.append(f"states {states}")
    if tuple(counters) != (expected_alloc, expected_wait):
        problems.append(f"batch counters {tuple(counters)}")
    if states.get("draft", 0) != full or expected_alloc + expected_wait + full != n:
        problems.append(f"lost or unexplained: drafts {states.get('draft', 0)}, batch_full answers {full}")
    print(f"database: {states}; ranks 1..{len(ranks)}; waitlist 1..{len(positions)}; batch_full answers {full}")
    return problems


def main() -> int:
    args = parse_args()
    n, q = args.applicants, args.quota
    cap = n - q if args.waitlist_cap is None else args.waitlist_cap
    t0 = time.perf_counter()
    url = create_database(args.pg_url, template=args.on)
    if args.on:
        print(f"copied {args.on} in {time.perf_counter() - t0:.0f} s")
    work = Path(tempfile.mkdtemp(prefix="xuebu-surge-"))
    # A copied world keeps the keys it was encrypted with (the environment's, or the development default).
    key = {} if args.on else {"SECRET_KEY": secrets.token_hex(16)}
    env = {**os.environ, "DATABASE_URL": url, **key, "UPLOAD_DIR": str(work / "up"), "XUEBU_ENV": "demo"}
    env.pop("REDIS_URL", None)
    server = None
    try:
        print(f"database {url.rsplit('/', 1)[1]}: schema via {setup_schema(env)}")
        tokens_file = work / "tokens.tsv"
        t0 = time.perf_counter()
        out = subprocess.run([str(BIN / "xuebu"), "seed-load", "--applicants", str(n), "--quota", str(q),
                              "--waitlist-cap", str(cap), "--tokens-out", str(tokens_file)],
                             env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        print(f"seed-load: {out.stdout.strip()} (wall {time.perf_counter() - t0:.1f} s)")
        batch_id = int(out.stdout.split("batch_id=")[1].split()[0])
        pairs = [line.split("\t") for line in tokens_file.read_text().splitlines()]
        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.threads)
        print(f"gunicorn: {args.workers} workers × {args.threads} threads (gthread) on 127.0.0.1:{port}; "
              f"{args.clients} client connections; {os.cpu_count()} CPUs")
        # Warm the workers first (pooled connections, prepared statements), as a live server would be, so
        # neither measurement pays for start-up.
        fire(port, [("GET", "/healthz", {}, None)] * args.clients * 4, args.clients, 60)
        fire(port, [("GET", f"/api/v1/applications/{a}", {"Authorization": f"Bearer {t}"}, None)
                    for a, t in pairs[: args.clients * 4]], args.clients, 60)
        cpu0 = cpu_seconds(server.pid)
        health, secs = fire(port, [("GET", "/healthz", {}, None)] * args.healthz_requests, args.clients, 120)
        health_rate = report("GET /healthz", health, secs)
        print(f"  {cpu_report(cpu0, cpu_seconds(server.pid), len(health))}")
        jobs = [("POST", f"/api/v1/applications/{app_id}/submit", {"Authorization": f"Bearer {tok}",
                                                                  "Content-Length": "0"}, int(app_id))
                for app_id, tok in pairs]
        cpu0 = cpu_seconds(server.pid)
        results, secs = fire(port, jobs, args.clients, args.timeout)
        submit_rate = report(f"POST submit (N={n}, Q={q})", results, secs)
        print(f"  {cpu_report(cpu0, cpu_seconds(server.pid), len(results))}")
        codes = Counter(r[1] for r in results)
        print(f"status codes: {dict(sorted(codes.items()))}; ratio submit/healthz throughput "
              f"{submit_rate / health_rate if health_rate else 0:.2f}")
        errors = [r for r in results if r[1] not in (200, 409)]
        for r in errors[:5]:
            print(f"  error: app {r[0]} status {r[1]} body {r[3][:200]!r}")
        problems = verify(url, batch_id, n, q, cap, results)
        if len(results) != n:
            problems.append(f"only {len(results)} of {n} submits completed")
        for p in problems:
            print(f"PROBLEM: {p}")
        print("targets: >= 500 submits/s, p99 <= 300 ms, >= 0.7 x healthz throughput (on 2 quiet cores)")
        print("RESULT:", "consistent" if not problems and not errors else "INCONSISTENT")
        return 0 if not problems and not errors else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            drop_database(args.pg_url, url)


if __name__ == "__main__":
    sys.exit(main())
