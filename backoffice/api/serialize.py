"""Applications, batches and documents as the API's JSON."""
from __future__ import annotations

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
