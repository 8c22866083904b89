"""Console pages for onboarding: invitation links, the join approval queue (入网审核), sub-organisations."""
from flask import abort, flash, redirect, request, session, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from ..admin.base import SecuredView
from ..domain import invitations as rules
from ..domain.enums import ORG_KIND_LABELS, ORG_STATUS_LABELS
from ..extensions import db
from ..models import Invitation, Organisation
from ..models.base import utcnow
from ..services import invitations, suborgs
from ..services.scope import scope_clause
from .forms import InvitationForm, RejectForm
from .suborg_admin import SubOrgView

CATEGORY = "入网与下级单位"
SHOWN_TOKENS = "onboarding_tokens"  # this login session's raw tokens, so the share page can be re-opened


def add_views(admin) -> None:
    admin.add_view(InvitationView(name="邀请链接", category=CATEGORY, endpoint="invitations"))
    admin.add_view(JoinQueueView(name="入网审核", category=CATEGORY, endpoint="join_requests"))
    admin.add_view(SubOrgView(name="下级单位", category=CATEGORY, endpoint="suborgs"))


def _ip() -> str | None:
    return request.remote_addr


def remember_token(invitation_id: int, token: str) -> None:
    tokens = dict(session.get(SHOWN_TOKENS, {}))
    tokens[str(invitation_id)] = token
    session[SHOWN_TOKENS] = dict(list(tokens.items())[-5:])


class InvitationView(SecuredView):
    admin_only = True

    def _one(self, invitation_id: int) -> Invitation:
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.id == invitation_id, scope_clause(Invitation, current_user.org.path)))
        if invitation is None:
            abort(404)
        return invitation

    @expose("/")
    def index(self):
        rows = list(db.session.scalars(select(Invitation).where(scope_clause(Invitation, current_user.org.path))
                                       .order_by(Invitation.created_at.desc(), Invitation.id.desc())))
        counts = invitations.registration_counts([i.id for i in rows])
        return self.render("onboarding/admin/invitations.html", rows=rows, counts=counts, now=utcnow(),
                           kind_labels=rules.INVITE_KIND_LABELS, problem=invitations.link_problem)

    @expose("/new", methods=["GET", "POST"])
    def create(self):
        form = InvitationForm()
        if form.validate_on_submit():
            try:
                invitation, token = invitations.create_invitation(
                    current_user.org, kind=form.kind.data, note=form.note.data, days=form.days.data,
                    max_uses=form.max_uses.data, actor=current_user, ip=_ip())
            except invitations.InvitationError as exc:
                flash(str(exc), "danger")
            else:
                remember_token(invitation.id, token)
                flash("邀请链接已生成。链接只在本次登录期间显示，请及时复制、下载二维码或打印海报。", "success")
                return redirect(url_for(".share", invitation_id=invitation.id))
        return self.render("onboarding/admin/invitation_new.html", form=form)

    @expose("/<int:invitation_id>/")
    def share(self, invitation_id: int):
        invitation = self._one(invitation_id)
        token = session.get(SHOWN_TOKENS, {}).get(str(invitation_id))
        url = invitations.join_url(token, request.host_url) if token else None
        return self.render("onboarding/admin/invitation_share.html", invitation=invitation, token=token, url=url,
                           kind_labels=rules.INVITE_KIND_LABELS, problem=invitations.link_problem(invitation),
                           counts=invitations.registration_counts([invitation.id])[invitation.id],
                           problem_labels=rules.LINK_PROBLEMS)

    @expose("/<int:invitation_id>/revoke", methods=["POST"])
    def revoke(self, invitation_id: int):
        invitations.revoke(self._one(invitation_id), actor=current_user, ip=_ip())
        flash("链接已作废，之后扫码或打开链接都无法再注册。", "success")
        return redirect(url_for(".index"))

    @expose("/<int:invitation_id>/reissue", methods=["POST"])
    def reissue(self, invitation_id: int):
        try:
            token = invitations.reissue(self._one(invitation_id), actor=current_user, ip=_ip())
        except invitations.InvitationError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".index"))
        remember_token(invitation_id, token)
        flash("已重新生成链接和二维码，旧链接和旧二维码已失效。", "success")
        return redirect(url_for(".share", invitation_id=invitation_id))


class JoinQueueView(SecuredView):
    admin_only = True

    def _pending(self, org_id: int) -> Organisation:
        try:
            return suborgs.below(current_user, db.session.get(Organisation, org_id))
        except suborgs.SubOrgError:
            abort(404)

    @expose("/")
    def index(self):
        return self.render("onboarding/admin/join_queue.html", rows=suborgs.pending_queue(current_user),
                           kind_labels=ORG_KIND_LABELS, status_labels=ORG_STATUS_LABELS, reject_form=RejectForm())

    @expose("/<int:org_id>/approve", methods=["POST"])
    def approve(self, org_id: int):
        org = self._pending(org_id)
        try:
            suborgs.approve(current_user, org, ip=_ip())
            flash(f"已通过“{org.name}”的入网申请，其管理员现在可以登录。", "success")
        except suborgs.SubOrgError as exc:
            flash(str(exc), "danger")
        return redirect(url_for(".index"))

    @expose("/<int:org_id>/reject", methods=["POST"])
    def reject(self, org_id: int):
        org = self._pending(org_id)
        form = RejectForm()
        try:
            if not form.validate_on_submit():
                raise suborgs.SubOrgError("驳回时请填写原因，申请单位会看到它。")
            suborgs.reject(current_user, org, form.reason.data, ip=_ip())
            flash(f"已驳回“{org.name}”的入网申请。", "success")
        except suborgs.SubOrgError as exc:
            flash(str(exc), "danger")
        return redirect(url_for(".index"))
