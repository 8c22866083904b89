"""A crawl of the console as a city and a district admin on the demo world: every page, details and edit page,
export and download linked from another page answers without a server error, and every export reads to the end.

Links are followed breadth-first from /admin/; URLs that differ only in numbers and query values are one kind of
page, and each kind is opened a few times, so new views and links are covered without new tests.
"""
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from backoffice.extensions import db
from backoffice.models import AdminUser, Application, Organisation
from backoffice.seed import seed_demo_world
from support import unreadable, visible_text

pytestmark = pytest.mark.both_engines

PER_KIND = 2          # instances of each kind of page opened: enough to meet a second row's values
MAX_PAGES = 1500      # a bound on the crawl, far above what the console has
SKIP = ("/logout", "/admin/static/", "/static/")
SAME_PAGE = {"url", "next", "sort", "desc", "page", "page_size"}  # parameters that only reorder or page a list


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _kind(url: str) -> str:
    parts = urlsplit(url)
    params = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - SAME_PAGE)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(params)


def _links(base: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("javascript:", "mailto:", "#", "http://", "https://", "//")):
            continue
        url = urljoin(base, href.split("#")[0])
        parts = urlsplit(url)
        if not parts.path.startswith("/admin/") or parts.path.startswith(SKIP):
            continue
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "url"])
        out.append(parts.path + ("?" + query if query else ""))
    return out


def _data_words() -> set[str]:
    """Latin letters a person may meet as data, not as our wording: usernames and organisation codes."""
    words = set()
    for value in db.session.execute(db.select(AdminUser.username).union(db.select(Organisation.code))).scalars():
        words.update(re.findall(r"[A-Za-z][A-Za-z_]+", value))
    return words


def crawl(client, unread: dict | None = None) -> tuple[Counter, list[str]]:
    """Every kind of page, a few times each; with `unread`, what a person could not read, per page."""
    allowed = _data_words() if unread is not None else set()
    seen_kinds, seen, errors = Counter(), set(), []
    queue = deque(["/admin/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or seen_kinds[_kind(url)] >= PER_KIND:
            continue
        seen.add(url)
        seen_kinds[_kind(url)] += 1
        resp = client.get(url)
        body = resp.get_data()  # a streamed export fails here if it breaks mid-way
        if resp.status_code >= 500:
            errors.append(f"{resp.status_code} {url}")
            continue
        if resp.mimetype == "text/html" and resp.status_code == 200:
            html = body.decode("utf-8", "replace")
            queue.extend(_links(url, html))
            if unread is not None and (bad := unreadable(visible_text(html), allowed)):
                unread[url] = sorted(set(bad))
    return seen_kinds, errors


@pytest.mark.parametrize("who", ["GZ", "YX"])
def test_console_crawl_meets_no_server_error(app, client, login_as, who):
    seed_demo_world()
    assert login_as(who).headers["Location"].endswith("/admin/")
    unread = {}
    kinds, errors = crawl(client, unread)
    assert errors == []
    # What a person reads is Chinese, in Beijing time to the minute: no English word, raw code or UTC time.
    assert unread == {}
    opened = " ".join(kinds)
    # The crawl really reached the pages the console is made of, not only the home page.
    expected_pages = ["/admin/applications/details/", "/admin/admin_users/edit/", "/admin/applications/export/csv/",
                      "/admin/applications/export/xlsx/", "/admin/review/app/N", "/admin/review/export/csv",
                      "/admin/payments/?export", "/admin/payments/summary.xlsx", "/admin/appeals/?export", "/admin/transfers/?batch_id&export"]
    if who == "GZ":  # the city owns the programme, its batch and the payment batches
        expected_pages += ["/admin/batches/edit/", "/admin/programmes/edit/", "/admin/payments/N/bank-file"]
    for expected in expected_pages:
        assert expected in opened, f"{expected} was never linked for {who}"
    assert sum(kinds.values()) > 80


JUNK = ("x", "99999999999999999999", "2026-13-45", "", "%00")


def test_edited_list_filters_are_ignored_not_a_server_error(app, client, login_as):
    """A stale or hand-edited filter in the address (flt0_3=x on an enum column) shows the list unfiltered."""
    seed_demo_world()
    login_as("GZ")
    lists = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if rule.endpoint.endswith(".index_view") and rule.rule.startswith("/admin/")})
    assert "/admin/applications/" in lists and "/admin/documents/" in lists
    errors = []
    for url in lists:
        for index in range(12):
            for value in JUNK:
                resp = client.get(url, query_string={f"flt0_{index}": value})
                if resp.status_code >= 500:
                    errors.append(f"{url}?flt0_{index}={value!r}")
    assert errors == []
    page = client.get("/admin/applications/", query_string={"flt0_0": "99999999999999999999"})
    newest = db.session.execute(db.select(Application).order_by(Application.id.desc())).scalars().first()
    assert page.status_code == 200 and newest.applicant.name in visible_text(page.text)  # still listed
