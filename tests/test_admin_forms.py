"""Relation choices in console forms stop at the admin's subtree, like the lists do."""
import re


def _options(html: str, field: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={field}> in the form"
    return set(re.findall(r"<option[^>]*>\s*([^<]+?)\s*</option>", select.group(1)))


def test_new_admin_form_offers_only_orgs_in_the_subtree(client, orgs, login_as):
    login_as("YX")
    page = client.get("/admin/admin_users/new/")
    assert page.status_code == 200
    names = {o.split("（")[0] for o in _options(page.text, "org")}
    assert "越秀区总工会" in names and "广州地铁集团有限公司工会" in names
    assert not names & {"广州市总工会", "海珠区总工会", "广州港集团有限公司工会"}


def test_posting_an_org_outside_the_subtree_is_refused(client, orgs, login_as, db):
    from backoffice.models import AdminUser
    from support import csrf_token
    login_as("YX")
    token = csrf_token(client.get("/admin/admin_users/new/").text)
    client.post("/admin/admin_users/new/", data={
        "csrf_token": token, "org": str(orgs["HZ"].id), "username": "sneaky", "role": "admin", "active": "y",
        "new_password": "Union-Desk-2024!"})
    assert db.session.execute(db.select(AdminUser).filter_by(username="sneaky")).scalar_one_or_none() is None
    # The same form with an org inside the subtree goes through, so the refusal above is the scope at work.
    token = csrf_token(client.get("/admin/admin_users/new/").text)
    client.post("/admin/admin_users/new/", data={
        "csrf_token": token, "org": str(orgs["YX-METRO"].id), "username": "allowed", "role": "admin",
        "active": "y", "new_password": "Union-Desk-2024!"})
    assert db.session.execute(db.select(AdminUser).filter_by(username="allowed")).scalar_one_or_none() is not None
