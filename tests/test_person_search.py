"""Searching people by name from its start: the same rows whether the matches are few (handed to the query by
key) or many (the name prefix itself), in the console lists and the review queue."""
import pytest
from factories import applicant_with_application
from support import visible_text

from backoffice.review import queue


@pytest.mark.parametrize("few_names", [1000, 1])  # 1: two 王 already count as "many"
def test_a_name_prefix_finds_exactly_the_people_it_starts(app, orgs, client, login_as, monkeypatch, few_names):
    monkeypatch.setattr(queue, "FEW_NAMES", few_names)
    for name in ("王小一", "王小二", "李小三"):
        applicant_with_application(orgs, name=name)
    login_as("GZ")
    listed = visible_text(client.get("/admin/applications/", query_string={"search": "王"}).text)
    assert "王小一" in listed and "王小二" in listed and "李小三" not in listed
    listed = visible_text(client.get("/admin/applications/", query_string={"search": "王小二"}).text)
    assert "王小二" in listed and "王小一" not in listed
    waiting = visible_text(client.get("/admin/review/", query_string={"mine": "0", "q": "王"}).text)
    assert "王小一" in waiting and "王小二" in waiting and "李小三" not in waiting
    assert "李小三" not in visible_text(client.get("/admin/applications/", query_string={"search": "赵"}).text)
