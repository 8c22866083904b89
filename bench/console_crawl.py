"""Crawl the console as real users meet it: gunicorn (docker/gunicorn.conf.py) on a fresh PostgreSQL database with
the demo world and Redis, logged in as a city and a district admin; every page, details and edit page, export and
download linked from another page is opened (each kind of URL a few times). Prints pages, kinds, server errors and
latency per admin.

    .venv/bin/python bench/console_crawl.py [--per-kind 2] [--admins GZ YX] [--keep]

Only loopback traffic; the crawl is bounded by --max-pages.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))
from bench.surge import create_database, drop_database  # noqa: E402

LOGINS = {"GZ": ("gz_admin", "demo-GZ-2021"), "YX": ("yx_admin", "demo-YX-2021"), "HZ": ("hz_admin", "demo-HZ-2021"),
          "YX-METRO": ("yxmetro_admin", "demo-YXMETRO-2021"), "HZ-PORT": ("hzport_admin", "demo-HZPORT-2021")}
SAME_PAGE = {"url", "next", "sort", "desc", "page", "page_size"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--admins", nargs="+", default=["GZ", "YX"])
    p.add_argument("--per-kind", type=int, default=2)
    p.add_argument("--max-pages", type=int, default=3000)
    p.add_argument("--pg-url", default=os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    p.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    p.add_argument("--keep", action="store_true")
    return p.parse_args()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def kind_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    keys = sorted({k for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)} - SAME_PAGE)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def links(base: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("javascript:", "mailto:", "#", "http://", "https://", "//")):
            continue
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(base, href.split("#")[0]))
        if parts.path.startswith("/admin/") and not parts.path.startswith(("/admin/static/", "/logout")):
            out.append(parts.path + ("?" + parts.query if parts.query else ""))
    return out


def login(base: str, code: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    user, password = LOGINS[code]
    data = urllib.parse.urlencode({"username": user, "password": password, "csrf_token": token}).encode()
    try:
        opener.open(base + "/login", data=data)
    except urllib.error.HTTPError as exc:
        if exc.code != 302:
            raise
    return opener


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def crawl(base: str, opener, per_kind: int, max_pages: int):
    seen, kinds, errors, times, statuses = set(), Counter(), [], [], Counter()
    todo = deque(["/admin/"])
    while todo and len(seen) < max_pages:
        url = todo.popleft()
        if url in seen or kinds[kind_of(url)] >= per_kind:
            continue
        seen.add(url)
        kinds[kind_of(url)] += 1
        started = time.perf_counter()
        try:
            resp = opener.open(base + url, timeout=120)
            status, body, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, body, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
        except Exception as exc:  # noqa: BLE001  a broken stream is an error, however it shows
            status, body, ctype = 599, str(exc).encode(), ""
        times.append(time.perf_counter() - started)
        statuses[status] += 1
        if status >= 500:
            errors.append(f"{status} {url}")
        elif status == 200 and ctype.startswith("text/html"):
            todo.extend(links(url, body.decode("utf-8", "replace")))
    return kinds, errors, times, statuses


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    args = parse_args()
    url = create_database(args.pg_url)
    env = os.environ | {"DATABASE_URL": url, "REDIS_URL": args.redis_url, "XUEBU_ENV": "demo",
                        "UPLOAD_DIR": str(ROOT / "instance" / f"crawl-{secrets.token_hex(3)}")}
    server = None
    try:
        for cmd in (["db", "upgrade"], ["seed-demo", "--showcase", "0"]):
            subprocess.run([str(BIN / "xuebu"), *cmd], env=env, cwd=ROOT, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "docker/gunicorn.conf.py", "backoffice:create_app()"],
                                  env=env | {"WEB_BIND": f"127.0.0.1:{port}"}, cwd=ROOT, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.1)
        print(f"gunicorn (docker/gunicorn.conf.py) on PostgreSQL + Redis, demo world; {args.per_kind} of each kind")
        print("| admin | pages | kinds | 2xx/3xx/4xx | 5xx | p50 | p95 | slowest |")
        print("|---|---|---|---|---|---|---|---|")
        failed = []
        for code in args.admins:
            kinds, errors, times, statuses = crawl(base, login(base, code), args.per_kind, args.max_pages)
            ok = sum(v for k, v in statuses.items() if k < 400), sum(v for k, v in statuses.items() if 400 <= k < 500)
            q = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
            print(f"| {code} | {len(times)} | {len(kinds)} | {ok[0]}/{ok[1]} | {len(errors)} | "
                  f"{statistics.median(times) * 1000:.0f} ms | {q[18] * 1000:.0f} ms | {max(times) * 1000:.0f} ms |")
            failed += errors
        for line in failed:
            print("  " + line)
        return 1 if failed else 0
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            drop_database(args.pg_url, url)


if __name__ == "__main__":
    sys.exit(main())
