"""The console's roster upload page: pick a roster batch, upload XLSX/CSV, see the per-row result, download it."""
import secrets
from pathlib import Path

from flask import abort, current_app, jsonify, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from ..admin.base import SecuredView
from ..extensions import db
from ..models import RosterBatch
from ..services.roster_import import (
    STATUS_LABELS,
    ImportFileError,
    import_roster,
    report_xlsx,
)

MAX_ROSTER_BYTES = 4 * 1024 * 1024


def _report_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "roster-reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class RosterImportView(SecuredView):
    admin_only = True

    @expose("/", methods=["GET", "POST"])
    def index(self):
        batches = db.session.execute(select(RosterBatch.name).order_by(RosterBatch.id.desc())).scalars().all()
        if request.method == "GET":
            return self.render("intake/roster_import.html", batches=batches, result=None, error=None)
        result, error = self._run()
        if request.headers.get("X-Requested-With") == "XMLHttpRequest":
            return jsonify(error=error, **(result or {})), 200 if error is None else 422
        return self.render("intake/roster_import.html", batches=batches, result=result, error=error)

    def _run(self):
        name = (request.form.get("new_batch") or request.form.get("roster_batch") or "").strip()
        upload = request.files.get("file")
        if not name:
            return None, "请选择或填写预报名批次。"
        if upload is None or not upload.filename:
            return None, "请选择要导入的 Excel（.xlsx）或 CSV 文件。"
        data = upload.read(MAX_ROSTER_BYTES + 1)
        if len(data) > MAX_ROSTER_BYTES:
            return None, "文件超过 4 MB，请分成几个文件导入。"
        try:
            report = import_roster(upload.filename, data, name, actor=current_user, owner=current_user.org)
        except ImportFileError as exc:
            db.session.rollback()
            return None, str(exc)
        token = f"{current_user.id}-{secrets.token_hex(12)}"
        (_report_dir() / f"{token}.xlsx").write_bytes(report_xlsx(report))
        errors = [{"row": r.row, "name": r.name, "messages": r.messages} for r in report.rows if r.status == "error"]
        return {"summary": report.summary(), "counts": {STATUS_LABELS[s]: report.count(s) for s in STATUS_LABELS},
                "errors": errors[:200], "more_errors": max(0, len(errors) - 200),
                "report_url": url_for(".report", token=token)}, None

    @expose("/report/<token>.xlsx")
    def report(self, token: str):
        owner, _, rest = token.partition("-")
        if owner != str(current_user.id) or not rest.isalnum():
            abort(404)
        path = _report_dir() / f"{token}.xlsx"
        if not path.exists():
            abort(404)
        return send_file(path, as_attachment=True, download_name="名单导入结果.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
