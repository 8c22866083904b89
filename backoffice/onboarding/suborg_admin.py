"""The console's sub-organisation pages: tree with counts, disable/enable, accounts, moving (city only)."""
from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from ..admin.base import SecuredView
from ..admin.paging import page_of
from ..domain.enums import ORG_KIND_LABELS, ORG_STATUS_LABELS, OrgKind, OrgStatus
from ..extensions import db
from ..models import AdminUser, Organisation
from ..services import suborgs
from .forms import AccountForm

ROLE_LABELS = {"admin": "管理员", "reviewer": "审核员"}


class SubOrgView(SecuredView):
    admin_only = True

    def _org(self, org_id: int, allow_own: bool = False) -> Organisation:
        org = db.session.get(Organisation, org_id)
        if allow_own and org is not None and org.id == current_user.org_id:
            return org
        try:
            return suborgs.below(current_user, org)
        except suborgs.SubOrgError:
            abort(404)

    def _labels(self) -> dict:
        from ..admin.accounts import permission_labels
        return {"kind_labels": ORG_KIND_LABELS, "status_labels": ORG_STATUS_LABELS, "role_labels": ROLE_LABELS,
                "permission_labels": permission_labels}

    @expose("/")
    def index(self):
        """A level at a time: the chosen org (the admin's own by default), the way up to it, and its children."""
        parent = self._org(request.args.get("under", type=int), allow_own=True) if request.args.get("under") \
            else current_user.org
        q = (request.args.get("q") or "").strip()
        page = page_of(suborgs.level(current_user, parent, q), request.args.get("page", 1, type=int))
        up = [o for o in db.session.scalars(select(Organisation).where(
            Organisation.id.in_(parent.ancestor_ids()), Organisation.depth >= current_user.org.depth)
            .order_by(Organisation.depth))]
        return self.render("onboarding/admin/suborgs.html", parent=suborgs.with_counts([parent])[0], up=up, q=q,
                           page=page, rows=suborgs.with_counts(page.rows),
                           args={"under": parent.id if parent.id != current_user.org_id else "", "q": q},
                           **self._labels())

    @expose("/<int:org_id>/")
    def detail(self, org_id: int):
        org = self._org(org_id, allow_own=True)
        admins = list(db.session.scalars(select(AdminUser).where(AdminUser.org_id == org.id)
                                         .order_by(AdminUser.username)))
        targets = self._move_targets(org) if suborgs.can_move(current_user) and org.id != current_user.org_id else []
        return self.render("onboarding/admin/suborg_detail.html", org=org, admins=admins, targets=targets,
                           own=org.id == current_user.org_id, form=AccountForm(), **self._labels())

    def _move_targets(self, org: Organisation) -> list[Organisation]:
        """Active orgs in the city's tree that are not inside the org being moved."""
        return list(db.session.scalars(select(Organisation).where(
            Organisation.path.startswith(current_user.org.path), ~Organisation.path.startswith(org.path),
            Organisation.status == OrgStatus.ACTIVE, Organisation.id != org.parent_id,
            Organisation.kind != OrgKind.ENTERPRISE).order_by(Organisation.path)))  # enterprises have no units

    def _done(self, org_id: int, action):
        try:
            message = action()
            flash(message, "success")
        except suborgs.SubOrgError as exc:
            flash(str(exc), "danger")
        return redirect(url_for(".detail", org_id=org_id))

    @expose("/<int:org_id>/disable", methods=["POST"])
    def disable(self, org_id: int):
        org = self._org(org_id)
        return self._done(org_id, lambda: suborgs.set_enabled(current_user, org, False, ip=request.remote_addr)
                          or f"已停用“{org.name}”，其及下级单位的管理员已无法继续使用系统。")

    @expose("/<int:org_id>/enable", methods=["POST"])
    def enable(self, org_id: int):
        org = self._org(org_id)
        return self._done(org_id, lambda: suborgs.set_enabled(current_user, org, True, ip=request.remote_addr)
                          or f"已重新启用“{org.name}”。")

    @expose("/<int:org_id>/move", methods=["POST"])
    def move(self, org_id: int):
        org = self._org(org_id)
        target = db.session.get(Organisation, request.form.get("new_parent_id", type=int) or 0)
        return self._done(org_id, lambda: suborgs.move(current_user, org, target, ip=request.remote_addr)
                          or f"已将“{org.name}”调整到“{target.name}”之下。")

    @expose("/<int:org_id>/accounts", methods=["POST"])
    def add_account(self, org_id: int):
        org = self._org(org_id, allow_own=True)
        form = AccountForm()
        if not form.validate_on_submit():
            flash("请填写用户名。", "danger")
            return redirect(url_for(".detail", org_id=org_id))
        try:
            user, password = suborgs.add_account(current_user, org, username=form.username.data,
                                                 display_name=form.display_name.data or "", role=form.role.data,
                                                 ip=request.remote_addr)
        except suborgs.SubOrgError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".detail", org_id=org_id))
        return self._show_password(user, password, "账号已创建")

    @expose("/users/<int:user_id>/reset", methods=["POST"])
    def reset_password(self, user_id: int):
        user = db.session.get(AdminUser, user_id)
        if user is None:
            abort(404)
        self._org(user.org_id)  # 404 outside the subtree (an admin resets their own on the password page)
        try:
            password = suborgs.reset_password(current_user, user, ip=request.remote_addr)
        except suborgs.SubOrgError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".detail", org_id=user.org_id))
        return self._show_password(user, password, "密码已重置")

    def _show_password(self, user: AdminUser, password: str, title: str):
        # Rendered in the POST response and never stored in clear: it is shown exactly once.
        return self.render("onboarding/admin/one_time_password.html", user=user, password=password, title=title)
