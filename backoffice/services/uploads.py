"""Storing an applicant's document: validate the bytes, store the original, replace the old one, verify later."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import delete, select

from ..domain import uploads as rules
from ..domain.enums import DocumentKind, VerificationStatus
from ..extensions import db
from ..models import Application, Document, VerificationResult
from . import audit, storage, upload_files
from .applications import EDITABLE, ApplicationError

log = logging.getLogger(__name__)


def parse_kind(kind: str) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        raise ApplicationError("unknown_kind", f"未知的材料类型：{kind}", 404) from None


def upload_document(application: Application, kind: str, data: bytes, filename: str | None = None,
                    *, actor=None) -> Document:
    """Store one document for the application (replacing the same kind); verification is requested after commit."""
    doc_kind = parse_kind(kind)
    if application.state not in EDITABLE:
        raise ApplicationError("invalid_state", "申请已提交，当前不能修改材料。", 409)
    try:
        info = upload_files.inspect(data, max_bytes=current_app.config.get("MAX_UPLOAD_BYTES", rules.MAX_BYTES))
    except rules.UploadRejected as exc:
        raise ApplicationError(exc.code, exc.message, 413 if exc.code == "file_too_large" else 422) from None
    key, digest = storage.save(info.data, info.ext)
    replaced = _remove_same_kind(application.id, doc_kind)
    document = Document(application_id=application.id, kind=doc_kind, storage_key=key,
                        original_name=(filename or "")[:255] or None, sha256=digest, mime=info.mime,
                        size=info.size, width=info.width, height=info.height,
                        verification_status=VerificationStatus.PENDING)
    db.session.add(document)
    db.session.flush()
    audit.record("document_uploaded", actor=actor or application.applicant, org_id=application.org_id,
                 target=document, detail={"kind": doc_kind.value, "sha256": digest, "size": info.size,
                                          "replaced": replaced})
    db.session.commit()
    _request_verification([document.id])
    return document


def _remove_same_kind(application_id: int, kind: DocumentKind) -> list[int]:
    """A new upload replaces the old one of its kind (the old file stays in storage; the audit keeps its hash)."""
    old = list(db.session.execute(select(Document.id).where(
        Document.application_id == application_id, Document.kind == kind)).scalars())
    if old:
        db.session.execute(delete(VerificationResult).where(VerificationResult.document_id.in_(old)))
        db.session.execute(delete(Document).where(Document.id.in_(old)).execution_options(
            synchronize_session="fetch"))
    return old


def _request_verification(document_ids: list[int]) -> None:
    """Hand the documents to the verification service; an upload never fails because of it."""
    try:
        from .verification import request_verification
    except ModuleNotFoundError as exc:
        if exc.name != "backoffice.services.verification":
            raise
        log.warning("verification service not available; documents %s stay pending", document_ids)
        return
    try:
        request_verification(document_ids)
    except Exception:
        log.exception("request_verification failed for %s", document_ids)
        db.session.rollback()
