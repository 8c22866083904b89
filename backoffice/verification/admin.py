"""Console pages for verification: overview with requeue, an application's documents, scoped evidence crops."""
import os
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import func, select

from ..admin.base import SecuredView
from ..domain.enums import DOCUMENT_KIND_LABELS
from ..domain.redirects import local_target
from ..domain.enums import VerificationStatus as VS
from ..extensions import db
from ..models import Application, Document
from ..services import verification
from ..services.scope import scope_clause
from . import ui

FAILED_LIST_LIMIT = 200


def add_views(admin) -> None:
    admin.add_view(VerificationView(name="材料核验", category="申报审核", endpoint="verification",
                                    url="/admin/verification"))
    admin.app.jinja_env.globals.update(verification_checks=ui.document_checks,
                                       verification_flag_label=ui.flag_label)


def scoped_document(document_id: int) -> Document:
    """The document if it is in the admin's subtree; 404 otherwise (no hint that it exists)."""
    stmt = select(Document).where(Document.id == document_id, scope_clause(Document, current_user.org.path))
    return db.session.execute(stmt).scalar_one_or_none() or abort(404)


def scoped_documents(ids) -> list[Document]:
    stmt = select(Document).where(Document.id.in_(ids), scope_clause(Document, current_user.org.path))
    return list(db.session.execute(stmt).scalars())


class VerificationView(SecuredView):
    """材料核验: where automatic checks stand, what failed, and the evidence behind each flag."""

    @expose("/")
    def index(self):
        scope = scope_clause(Document, current_user.org.path)
        counts = dict(db.session.execute(select(Document.verification_status, func.count(Document.id))
                                         .where(scope).group_by(Document.verification_status)).all())
        failed = db.session.execute(select(Document).where(scope, Document.verification_status == VS.FAILED)
                                    .order_by(Document.id.desc()).limit(FAILED_LIST_LIMIT)).scalars().all()
        return self.render("verification/index.html", counts=counts, failed=failed,
                           labels=ui.VERIFICATION_LABELS, statuses=list(VS), kind_labels=DOCUMENT_KIND_LABELS)

    @expose("/application/<int:application_id>")
    def application(self, application_id: int):
        stmt = select(Application).where(Application.id == application_id,
                                         scope_clause(Application, current_user.org.path))
        application = db.session.execute(stmt).scalar_one_or_none() or abort(404)
        documents = sorted(verification.latest_documents(application).values(), key=lambda d: d.id)
        return self.render("verification/application.html", application=application, documents=documents,
                           flag_label=ui.flag_label)

    @expose("/evidence/<int:document_id>/<check>.png")
    def evidence(self, document_id: int, check: str):
        document = scoped_document(document_id)
        box = None
        if check != "full":
            result = verification.latest_result(document)
            found = [c for c in (result.result.get("checks", []) if result else []) if c.get("name") == check]
            if not found or not found[0].get("box"):
                abort(404)
            box = found[0]["box"]
        path = _evidence_png(document, check, box)
        response = send_file(path, mimetype="image/png", max_age=3600)
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response

    @expose("/requeue", methods=["POST"])
    def requeue(self):
        ids = [int(v) for v in request.form.getlist("document_id") if v.isdigit()]
        documents = scoped_documents(ids)
        count = verification.requeue(documents, actor=current_user, via="console") if documents else 0
        flash(f"已重新提交 {count} 份材料进行自动核验。" if count else "没有需要重新核验的材料。",
              "success" if count else "info")
        return redirect(local_target(request.form.get("next")) or url_for(".index"))


def _evidence_png(document: Document, check: str, box) -> Path:
    """Crop once and keep the PNG next to the uploads (keyed by the bytes, the checks version and the box)."""
    import verifier
    version = verification.checks_version().replace("/", "_")
    box_key = "full" if box is None else "-".join(str(int(v)) for v in box)
    path = Path(current_app.config["UPLOAD_DIR"]) / "evidence" / document.sha256[:2] / \
        f"{document.sha256}-{version}-{box_key}.png"
    if not path.exists():
        from ..services import storage
        png = verifier.evidence_crop(storage.load(document.storage_key), box)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, path)
    return path
