"""Applications, batches and documents as the API's JSON."""
from __future__ import annotations

from ..domain.bank_card import masked
from ..domain.eligibility import missing_documents
from ..domain.enums import DOCUMENT_KIND_LABELS, STATE_LABELS, DocumentKind
from ..models import Application, Batch, Document


def _iso(value):
    return value.isoformat() + "Z" if value is not None else None


def application_summary(app: Application) -> dict:
    return {
        "id": app.id, "batch_id": app.batch_id, "org_id": app.org_id, "state": app.state.value,
        "state_label": STATE_LABELS.get(app.state, app.state.value), "quota_rank": app.quota_rank,
        "waitlist_position": app.waitlist_position, "submitted_at": _iso(app.submitted_at),
        "reviewing_org_id": app.reviewing_org_id, "last_reason": app.last_reason,
    }


def application_full(app: Application, reasons: list) -> dict:
    kinds = {d.kind.value for d in app.documents}
    return application_summary(app) | {
        "education_level": app.education_level, "study_year": app.study_year,
        "amount": str(app.amount) if app.amount is not None else None,
        "documents": [document(d) for d in app.documents],
        "missing_documents": missing_documents(app.batch.required_documents or [], kinds),
        "review_notes": [{"decision": r.decision.value, "reason": r.reason, "documents": r.documents,
                          "at": _iso(r.at)} for r in reasons],
    }


def document(doc: Document) -> dict:
    return {"id": doc.id, "kind": doc.kind.value, "kind_label": DOCUMENT_KIND_LABELS.get(doc.kind, doc.kind.value),
            "mime": doc.mime, "size": doc.size, "width": doc.width, "height": doc.height, "sha256": doc.sha256,
            "verification_status": doc.verification_status.value, "uploaded_at": _iso(doc.uploaded_at)}


def batch(b: Batch, eligibility=None) -> dict:
    out = {
        "id": b.id, "programme_id": b.programme_id, "programme": b.programme.name, "name": b.name,
        "apply_opens_at": _iso(b.apply_opens_at), "apply_closes_at": _iso(b.apply_closes_at),
        "quota": b.quota, "allocated": b.allocated_count, "waitlist_cap": b.waitlist_cap,
        "waitlisted": b.waitlist_count, "amount": str(b.amount),
        "required_documents": [{"kind": k, "label": DOCUMENT_KIND_LABELS.get(DocumentKind(k), k)}
                               for k in (b.required_documents or [])],
    }
    if eligibility is not None:
        out["eligible"] = eligibility.ok
        out["reasons"] = [{"code": r.code, "message": r.message} for r in eligibility.reasons]
    return out


def follow_up(f) -> dict:
    """Returns, payment problems, appeals and warnings (services.selfservice.FollowUp) as JSON."""
    payment = None
    if f.payment is not None:
        payment = {"status": "failed", "reason": f.payment.reason, "retry_ready": f.payment.retry_ready,
                   "action": None if f.payment.retry_ready else "update_bank_card"}
    return {"return_items": f.return_items, "resubmit_due_at": _iso(f.resubmit_due_at), "payment": payment,
            "appeals": [appeal(a) for a in f.appeals], "warnings": f.warnings}


def appeal(a) -> dict:
    return {"id": a.id, "status": a.status.value, "text": a.text, "reply": a.reply,
            "created_at": _iso(a.created_at), "due_at": _iso(a.due_at), "replied_at": _iso(a.replied_at)}


def bank_card(applicant, problems) -> dict:
    return {"is_set": bool(applicant.bank_card), "masked": masked(applicant.bank_card) or None,
            "payment_failures": [{"application_id": p.application.id, "reason": p.reason,
                                  "retry_ready": p.retry_ready} for p in problems]}


def transfer(t) -> dict:
    return {"id": t.id, "status": t.status.value, "from_org": _org(t.from_org), "to_org": _org(t.to_org),
            "batch_id": t.batch_id, "reason": t.reason, "from_approved": t.from_approved_by_id is not None,
            "to_approved": t.to_approved_by_id is not None, "created_at": _iso(t.created_at),
            "decided_at": _iso(t.decided_at)}


def _org(o) -> dict:
    return {"id": o.id, "code": o.code, "name": o.name}
