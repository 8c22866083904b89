"""Self-registration through an invitation link: a pending organisation and its first admin, in one transaction.

The link's use count is taken with one conditional UPDATE in that transaction, so concurrent registrations
on a link with N places never produce more than N organisations.
"""
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..domain import credit_code
from ..domain import invitations as rules
from ..domain.auth import password_problems
from ..domain.enums import ORG_KIND_LABELS, OrgKind, OrgStatus
from ..extensions import db
from ..models import AdminUser, Invitation, Organisation
from ..models.base import utcnow
from . import accounts, audit, orgs
from .invitations import find_by_token, link_problem


@dataclass
class RegistrationData:
    name: str
    kind: str
    credit_code: str
    address: str
    contact_name: str
    contact_mobile: str
    username: str
    password: str


class RegistrationError(ValueError):
    """Refused registration: `messages` are Chinese; `link` is a LINK_PROBLEMS key when the link is at fault."""

    def __init__(self, messages: list[str], link: str | None = None):
        super().__init__("；".join(messages))
        self.messages, self.link = messages, link


def usable_invitation(token: str) -> Invitation:
    invitation = find_by_token(token)
    problem = link_problem(invitation)
    if problem:
        raise RegistrationError([rules.LINK_PROBLEMS[problem]], link=problem)
    return invitation


def register(token: str, data: RegistrationData, ip: str | None = None) -> Organisation:
    """Create the pending org and its admin, or raise RegistrationError; nothing is half-stored."""
    invitation = usable_invitation(token)
    data.credit_code = credit_code.normalize(data.credit_code)
    data.name, data.username = data.name.strip(), data.username.strip()
    problems = _field_problems(invitation, data) or _duplicate_problems(invitation.org_id, data)
    if problems:
        raise RegistrationError(problems)
    try:
        org = _store(invitation, data, ip)
        db.session.commit()
    except IntegrityError:  # a concurrent registration took the same code, name or username
        db.session.rollback()
        raise RegistrationError(_duplicate_problems(invitation.org_id, data) or ["提交冲突，请重新提交。"])
    return org


def _field_problems(invitation: Invitation, data: RegistrationData) -> list[str]:
    problems = []
    if not data.name:
        problems.append("请填写组织名称。")
    allowed = rules.allowed_org_kinds(invitation.kind, invitation.org.kind)
    if data.kind not in {k.value for k in allowed}:
        labels = "、".join(_kind_label(k) for k in allowed)
        problems.append(f"该邀请链接只能用于注册：{labels}。")
    if p := credit_code.problem(data.credit_code):
        problems.append(p)
    problems += rules.contact_problems(data.contact_mobile.strip(), data.username)
    problems += password_problems(data.password, data.username)
    return problems


def _kind_label(kind: OrgKind) -> str:
    return ORG_KIND_LABELS[kind]


def _duplicate_problems(parent_id: int, data: RegistrationData) -> list[str]:
    problems = []
    same_code = db.session.scalar(select(Organisation).where(Organisation.credit_code == data.credit_code))
    if same_code is not None:
        problems.append("该统一社会信用代码已经注册过" + _rejected_hint(same_code) + "。")
    same_name = db.session.scalar(select(Organisation.id).where(
        Organisation.parent_id == parent_id, Organisation.name == data.name))
    if same_name is not None:
        problems.append("上级单位下已有同名组织，请核对名称。")
    if db.session.scalar(select(AdminUser.id).where(AdminUser.username == data.username)) is not None:
        problems.append("该用户名已被使用，请换一个。")
    return problems


def _rejected_hint(org: Organisation) -> str:
    return "（此前的申请未通过审核，请联系上级工会处理）" if org.status == OrgStatus.REJECTED else ""


def _take_place(invitation: Invitation) -> bool:
    """Count one registration, atomically, only while the link is still open."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow(),
               or_(Invitation.max_uses.is_(None), Invitation.used_count < Invitation.max_uses))
        .values(used_count=Invitation.used_count + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _store(invitation: Invitation, data: RegistrationData, ip: str | None) -> Organisation:
    parent = invitation.org
    if not _take_place(invitation):
        db.session.rollback()
        raise RegistrationError([rules.LINK_PROBLEMS["used_up"]], link="used_up")
    org = orgs.create_org(parent, code=_free_code(parent.code), name=data.name, kind=OrgKind(data.kind),
                          status=OrgStatus.PENDING, credit_code=data.credit_code, address=data.address.strip(),
                          contact_name=data.contact_name.strip(), contact_mobile=data.contact_mobile.strip(),
                          invitation_id=invitation.id)
    user = accounts.create_admin(org, data.username, data.password, "admin", display_name=data.contact_name.strip())
    db.session.flush()
    audit.record("org_registered", actor_type="registrant", org_id=org.id, target=org, ip=ip,
                 detail={"invitation_id": invitation.id, "parent_id": parent.id, "admin": user.username})
    return org


def _free_code(parent_code: str) -> str:
    for _ in range(10):
        code = rules.child_code(parent_code, rules.code_suffix())
        if orgs.find_by_code(code) is None:
            return code
    raise RegistrationError(["系统繁忙，请重新提交。"])


# ---- the registrant's status page ----------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="join-status")


def status_token(org: Organisation) -> str:
    return _serializer().dumps(org.id)


def org_for_status_token(value: str) -> Organisation | None:
    try:
        org_id = _serializer().loads(value)
    except BadSignature:
        return None
    return db.session.get(Organisation, org_id) if isinstance(org_id, int) else None
