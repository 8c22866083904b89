"""The workflow integrity rules (backoffice.domain.integrity), as plain functions."""
from datetime import datetime, timedelta

from backoffice.domain import integrity as rules

T = datetime(2026, 11, 27, 7, 19)


def test_union_must_be_the_roster_union_unless_transferred():
    assert rules.union_mismatch(chosen_org_id=5, roster_org_id=4)
    assert not rules.union_mismatch(chosen_org_id=4, roster_org_id=4)
    assert not rules.union_mismatch(chosen_org_id=5, roster_org_id=4, transferred_to=[5])
    assert not rules.union_mismatch(chosen_org_id=5, roster_org_id=None)  # not on a roster: nothing to compare


def test_bulk_approve_takes_only_verified_unflagged():
    assert rules.bulk_approvable([], ["done", "done"])
    assert not rules.bulk_approvable([], ["done", "pending"])
    assert not rules.bulk_approvable(["id_card_front:name_match"], ["done"])


def test_flags_need_confirmation():
    assert rules.unconfirmed_flags(["a:name_match"], confirmed=False) == ["a:name_match"]
    assert rules.unconfirmed_flags(["a:name_match"], confirmed=True) == []
    assert rules.unconfirmed_flags([], confirmed=False) == []


def test_marked_documents_must_be_replaced():
    items = [{"kind": "id_card_front", "document_id": 7}, {"kind": "bank_card", "document_id": 9}]
    assert rules.documents_to_replace(items, {"id_card_front": 7, "bank_card": 12}) == ["id_card_front"]
    assert rules.documents_to_replace(items, {"id_card_front": 8, "bank_card": 12}) == []
    assert rules.documents_to_replace([{"kind": "diploma"}], {}) == ["diploma"]  # asked for, never uploaded


def test_one_appeal_per_decision():
    assert rules.may_appeal(T, [])
    assert not rules.may_appeal(T, [T + timedelta(days=1)])
    assert rules.may_appeal(T, [T - timedelta(days=3)])  # an appeal against an earlier decision


def test_objections_only_while_the_notice_runs():
    start, end = T, T + timedelta(days=7)
    assert rules.notice_running(start, end, None, T + timedelta(days=1))
    assert not rules.notice_running(start, end, None, end + timedelta(minutes=1))
    assert not rules.notice_running(start, end, T + timedelta(hours=1), T + timedelta(days=1))
