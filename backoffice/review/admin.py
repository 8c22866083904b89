"""Console pages for review: the queue per level, the review page, bulk approve with progress."""
from flask import abort, flash, jsonify, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from ..admin import org_search
from ..admin.base import SecuredView
from ..admin.disclosure import pii
from ..admin.paging import page_of
from ..domain import review as rules
from ..domain.enums import DOCUMENT_KIND_LABELS, STATE_LABELS, DocumentKind, ReviewDecision
from ..domain.flags import flag_label, flag_options
from ..domain.redirects import local_target
from ..extensions import db
from ..models import Application, Batch, Document, Programme, ReviewJob
from ..services import review as service
from ..services import storage
from ..services.scope import scope_clause
from ..verification.ui import flag_badges
from . import exports as review_exports
from . import jobs
from . import queue as review_queue

PAGE_SIZE = 50
DECISION_LABELS = {
    ReviewDecision.SUBMIT: "提交", ReviewDecision.RESUBMIT: "修改后重新提交", ReviewDecision.APPROVE: "审核通过",
    ReviewDecision.RETURN: "驳回", ReviewDecision.REFUSE: "拒绝", ReviewDecision.WITHDRAW: "撤回",
    ReviewDecision.PROMOTE: "候补递补", ReviewDecision.REOPEN: "申诉成立，重新审核",
    ReviewDecision.PAY: "发放成功", ReviewDecision.PAY_FAIL: "发放失败",
}


def _shown_as(kind):
    """Reviewers compare masked values (mismatches are highlighted server-side); full values only on a page an
    admin holding the permission asked to unmask (audited), through the one masking rule."""
    return lambda value: pii(value, kind)


def flag_choices() -> list[tuple[str, str]]:
    return [(k, v) for k, v in flag_options() if k != "any"]


def load_application(app_id: int) -> Application:
    stmt = db.select(Application).where(Application.id == app_id, scope_clause(Application, current_user.org.path))
    application = db.session.execute(stmt).scalar_one_or_none()
    if application is None:
        abort(404)
    return application


class ReviewQueueView(SecuredView):
    """审核队列: my level's pending by default; filters; sorted by submit rank."""

    @expose("/")
    def index(self):
        f = review_queue.QueueFilter.from_args(request.args)
        chosen_org = org_search.resolve(request.args.get("org"), f.org_id)
        f.org_id = chosen_org.id if chosen_org else None
        stmt = review_queue.build(current_user.org, f)
        page = page_of(stmt, request.args.get("page", 1, type=int), PAGE_SIZE, loads=review_exports.APPLICATION_LOADS)
        return self.render("review/queue.html", page=page, f=f, params=f.as_params(), batches=self._batches(),
                           chosen_org=chosen_org, states=STATE_LABELS, flag_badges=flag_badges,
                           chain_name=self._level_name, flag_choices=flag_choices(),
                           may_act=lambda a: service.may_act(a, current_user))

    @staticmethod
    def _level_name(application):
        return rules.level_name(service.chain_for(application), application.reviewing_org_id)

    @staticmethod
    def _batches():
        org = current_user.org
        return db.session.execute(db.select(Batch).join(Programme).where(
            scope_clause(Batch, org.path) | Programme.org_id.in_(org.ancestor_ids())).order_by(Batch.id.desc())
        ).scalars().all()

    @expose("/export/<fmt>")
    def export(self, fmt):
        f = review_queue.QueueFilter.from_args(request.args)
        stmt = review_queue.build(current_user.org, f)
        return review_exports.applications(stmt, fmt)

    @expose("/app/<int:app_id>")
    def detail(self, app_id):
        application = load_application(app_id)
        chain = service.chain_for(application)
        return self.render(
            "review/detail.html", a=application, history=service.history(application), chain=chain,
            my_turn=service.may_act(application, current_user), turn_note=service.turn_note(application, current_user),
            level_name=lambda org_id: rules.level_name(chain, org_id),
            labels=DECISION_LABELS, kinds=DOCUMENT_KIND_LABELS, return_reasons=rules.RETURN_REASONS,
            refuse_reasons=rules.REFUSE_REASONS, flag_badges=flag_badges, states=STATE_LABELS,
            all_kinds=list(DocumentKind), next_url=local_target(request.args.get("next"), "/admin/") or "",
            mask_id=_shown_as("id_number"), mask_card=_shown_as("card"),
            next_id=self._next_id(app_id), union_mismatch=service.union_mismatch(application),
            flag_label=flag_label)

    @staticmethod
    def _next_id(after: int) -> int | None:
        """The next application waiting for my level (queue order), for 下一份 and 通过并审下一份."""
        stmt = review_queue.build(current_user.org, review_queue.QueueFilter()).where(Application.id != after)
        return db.session.execute(stmt.with_only_columns(Application.id).limit(1)).scalar()

    @expose("/app/<int:app_id>/decide", methods=["POST"])
    def decide(self, app_id):
        application = load_application(app_id)
        action = request.form.get("action")
        try:
            if action == "approve":
                service.approve(application, current_user, reason=request.form.get("reason", ""),
                                confirmed_flags=request.form.get("confirm_flags") == "1")
                flash(f"申请 #{app_id} 已审核通过。", "success")
            elif action == "return":
                service.return_for_correction(application, current_user, self._return_items(),
                                              request.form.get("reason", ""))
                flash(f"申请 #{app_id} 已驳回给申请人修改。", "success")
            elif action == "refuse":
                service.refuse(application, current_user, request.form.get("reason_code", ""),
                               request.form.get("reason", ""))
                flash(f"申请 #{app_id} 已拒绝。", "success")
            else:
                flash("未知的操作。", "danger")
        except rules.ReviewError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".detail", app_id=app_id))
        back = local_target(request.form.get("next"), "/admin/") or url_for(".index")
        if request.form.get("then") == "next":
            nxt = self._next_id(app_id)
            return redirect(url_for(".detail", app_id=nxt, next=back) if nxt else back)
        return redirect(back)

    @staticmethod
    def _return_items() -> list[dict]:
        return [{"kind": kind, "code": request.form.get(f"code_{kind}", ""),
                 "note": request.form.get(f"note_{kind}", "")} for kind in request.form.getlist("doc")]

    @expose("/document/<int:doc_id>/file")
    def document_file(self, doc_id):
        doc = self._document(doc_id)
        try:
            return send_file(storage.path_of(doc.storage_key), mimetype=doc.mime, max_age=3600)
        except (FileNotFoundError, ValueError):
            abort(404)

    @expose("/document/<int:doc_id>/rotate", methods=["POST"])
    def rotate(self, doc_id):
        doc = self._document(doc_id)
        service.set_rotation(doc, current_user, doc.rotation + request.form.get("by", 90, type=int))
        if request.accept_mimetypes.best == "application/json":
            return jsonify(rotation=doc.rotation)
        return redirect(url_for(".detail", app_id=doc.application_id) + f"#doc-{doc.id}")

    @staticmethod
    def _document(doc_id) -> Document:
        doc = db.session.execute(db.select(Document).where(
            Document.id == doc_id, scope_clause(Document, current_user.org.path))).scalar_one_or_none()
        if doc is None:
            abort(404)
        return doc

    @expose("/bulk", methods=["POST"])
    def bulk(self):
        f = review_queue.QueueFilter.from_args(request.form)
        job = jobs.start_bulk_approve(current_user, f)
        return redirect(url_for(".job", job_id=job.id))

    @expose("/job/<int:job_id>")
    def job(self, job_id):
        return self.render("review/job.html", job=self._job(job_id))

    @expose("/job/<int:job_id>/progress")
    def job_progress(self, job_id):
        job = self._job(job_id)
        return jsonify(status=job.status, total=job.total, done=job.done, succeeded=job.succeeded)

    @staticmethod
    def _job(job_id) -> ReviewJob:
        job = db.session.get(ReviewJob, job_id)
        if job is None or job.org_id != current_user.org_id:
            abort(404)
        db.session.refresh(job)
        return job


def add_views(admin) -> None:
    from .pages import add_after_views
    admin.add_view(ReviewQueueView(name="审核队列", category="申报审核", endpoint="review_queue",
                                   url="/admin/review"))
    add_after_views(admin)
