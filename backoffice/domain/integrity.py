"""Workflow integrity: the rules that keep an application honest between the worker, the reviewers and the public.

Plain functions over plain values; the services load the facts, call these and refuse with the message.
"""
from collections.abc import Iterable, Mapping
from datetime import datetime

UNVERIFIED_MESSAGE = "材料尚未完成自动核验"


def union_mismatch(chosen_org_id: int, roster_org_id: int | None, transferred_to: Iterable[int] = ()) -> bool:
    """The roster names the worker's union; applying under another one needs the transfer (迁入迁出) first —
    otherwise the application lands in the wrong queue and the membership silently changes."""
    return roster_org_id is not None and chosen_org_id != roster_org_id and chosen_org_id not in set(transferred_to)


def bulk_approvable(flags: Iterable[str], verification_statuses: Iterable[str]) -> bool:
    """Bulk approve takes only what a machine has looked at and found nothing in: every document verified
    ("done"), no flag. Anything else needs a person to open it."""
    return not list(flags) and all(s == "done" for s in verification_statuses)


def bulk_refusal(flags: Iterable[str], verification_statuses: Iterable[str]) -> str | None:
    """Why bulk approve leaves this application to a person (Chinese), or None when it may take it."""
    if list(flags):
        return "有核验提示，需逐份审核"
    if not bulk_approvable((), verification_statuses):
        return UNVERIFIED_MESSAGE + "，需逐份审核"
    return None


def unconfirmed_flags(flags: Iterable[str], confirmed: bool) -> list[str]:
    """Approving a flagged application is allowed, but only after the reviewer confirms having seen the flags."""
    return [] if confirmed else list(flags)


def documents_to_replace(return_items: Iterable[Mapping], current: Mapping[str, int]) -> list[str]:
    """Kinds marked 需修改 on a return whose document was not replaced since (or is missing).

    `current` maps each kind to the id of the document uploaded now; a return remembers the id it saw.
    """
    out = []
    for item in return_items:
        kind, seen = item.get("kind"), item.get("document_id")
        now = current.get(kind)
        if now is None or (seen is not None and now == seen):
            out.append(kind)
    return out


def may_appeal(decided_at: datetime | None, appeals_filed_at: Iterable[datetime]) -> bool:
    """One appeal per decision: an appeal filed after the decision (open or answered) uses it up."""
    if decided_at is None:
        return not list(appeals_filed_at)
    return not any(at >= decided_at for at in appeals_filed_at)


def notice_running(starts_at: datetime, ends_at: datetime, withdrawn_at: datetime | None, now: datetime) -> bool:
    """Objections are taken only while a notice runs: not before, not after, not once withdrawn."""
    return withdrawn_at is None and starts_at <= now <= ends_at
