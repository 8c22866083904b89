"""Return addresses (`next=`) lead only to this site's own paths, on every page that takes one."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import csrf_token

from backoffice.domain.redirects import local_target

HOSTILE = ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/admin/\n//x", "\\\\evil.example",
           "/\\evil.example", "https://evil.example/phish", "javascript:alert(document.cookie)", "http:/admin/",
           " /admin/", "/admin/\x00", "/admin/\x7f", "", None, "admin/", "/" + "a" * 3000]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert local_target(target) is None


@pytest.mark.parametrize("target", ["/admin/", "/admin/review/?mine=1&page=2", "/portal/applications/3"])
def test_own_paths_are_kept(target):
    assert local_target(target) == target


def test_a_prefix_limits_the_part_of_the_site():
    assert local_target("/admin/", "/portal/") is None
    assert local_target("/portal/profile", "/portal/") == "/portal/profile"


@given(st.text(max_size=40))
def test_whatever_is_kept_is_a_single_slash_path_without_control_characters(text):
    kept = local_target("/" + text)
    if kept is not None:
        assert kept.startswith("/") and not kept.startswith("//") and "\\" not in kept
        assert all(ord(c) >= 0x20 and ord(c) != 0x7F for c in kept)


@pytest.mark.parametrize("target", ["/%09/evil.example", "/admin/%0A//x", "https://evil.example/",
                                    "//evil.example/admin/"])
def test_login_never_sends_off_site(app, client, orgs, target):
    page = client.get(f"/login?next={target}")
    assert page.status_code == 200
    resp = client.post(f"/login?next={target}", data={"username": "yx_admin", "password": "demo-YX-2021",
                                                      "csrf_token": csrf_token(page.text)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/"


def test_login_keeps_a_local_next(app, client, orgs):
    page = client.get("/login?next=/admin/review/")
    resp = client.post("/login?next=/admin/review/", data={"username": "yx_admin", "password": "demo-YX-2021",
                                                            "csrf_token": csrf_token(page.text)})
    assert resp.headers["Location"] == "/admin/review/"


def test_review_page_and_decision_keep_next_on_the_console(app, client, orgs, login_as):
    from factories.review import make_batch, post_form, submitted

    from backoffice.extensions import db
    application = submitted(orgs, make_batch(orgs), rank=1)
    db.session.commit()
    login_as("YX-METRO")
    page = client.get(f"/admin/review/app/{application.id}?next=javascript:alert(document.cookie)").text
    assert "alert(document.cookie)" not in page
    page = client.get(f"/admin/review/app/{application.id}?next=/admin/review/%3Fmine%3D0").text
    assert 'href="/admin/review/?mine=0"' in page
    resp = post_form(client, f"/admin/review/app/{application.id}/decide",
                     {"action": "approve", "next": "https://evil.example/phish"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/review/"
