"""公示管理 (city level): preview the list, confirm, publish for N days; withdraw a running notice."""
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from ...admin.base import SecuredView
from ...extensions import db
from ...models import PublicNotice
from ...models.base import utcnow
from ...services import notice
from ...services.scope import scope_clause
from . import may_publish, scoped_get, visible_batch, visible_batches


class NoticesView(SecuredView):
    admin_only = True

    def is_accessible(self) -> bool:  # menus and pages only for the level that publishes
        return super().is_accessible() and may_publish(current_user)

    @expose("/")
    def index(self):
        rows = db.session.execute(select(PublicNotice).where(scope_clause(PublicNotice, current_user.org.path))
                                  .order_by(PublicNotice.id.desc())).scalars().all()
        return self.render("review/notices.html", rows=rows, batches=visible_batches(), now=utcnow(),
                           running=notice.is_open)

    @expose("/preview", methods=["POST"])
    def preview(self):
        batch = visible_batch(request.form.get("batch_id", type=int))
        form = {"batch_id": request.form.get("batch_id", ""), "days": request.form.get("days", 7, type=int),
                "title": request.form.get("title", "")}
        try:
            if batch is None:
                raise ValueError("请选择批次。")
            shown = notice.preview(batch, current_user)
        except ValueError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".index"))
        return self.render("review/notice_preview.html", batch=batch, p=shown, form=form)

    @expose("/", methods=["POST"])
    def publish(self):
        batch = visible_batch(request.form.get("batch_id", type=int))
        try:
            if batch is None:
                raise ValueError("请选择批次。")
            n = notice.publish(batch, current_user, request.form.get("days", 7, type=int),
                               request.form.get("title", ""), expected=request.form.get("expected", type=int))
            flash(f"已发布公示，共 {len(n.application_ids)} 人。如发现有误，可在公示期内撤回。", "success")
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for(".index"))

    @expose("/<int:notice_id>/withdraw", methods=["POST"])
    def withdraw(self, notice_id):
        try:
            notice.withdraw(scoped_get(PublicNotice, notice_id), current_user, request.form.get("reason", ""))
            flash("公示已撤回，公众页面不再显示；名单可重新发布。", "success")
        except ValueError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        return redirect(url_for(".index"))
