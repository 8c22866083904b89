"""Who may hold and who may hand out each console permission: a rule over role × organisation level (pure).

Permissions are data (one row per account and permission); these functions decide which rows may exist and who
may add or remove them. Granting is downward only: nobody grants what they lack, nobody grants to themselves,
and a unit union never hands out the right to see full personal data.
"""
import enum
from dataclasses import dataclass

from .enums import AdminRole, OrgKind


class Permission(str, enum.Enum):
    UNMASK = "unmask"                              # full ID numbers, cards and mobiles on screens and in files
    MANAGE_ACCOUNTS = "manage_accounts"            # create accounts, reset passwords, grant and revoke
    PUBLISH_NOTICE = "publish_notice"              # 公示
    CREATE_PAYMENT_BATCH = "create_payment_batch"  # 发放批次 and their bank files (full card numbers)


PERMISSION_LABELS = {
    Permission.UNMASK: "可查看完整信息",
    Permission.MANAGE_ACCOUNTS: "可管理账号",
    Permission.PUBLISH_NOTICE: "可发布公示",
    Permission.CREATE_PAYMENT_BATCH: "可创建发放批次",
}


class Level(str, enum.Enum):
    CITY = "city"
    DISTRICT = "district"  # district and industry unions
    UNIT = "unit"          # grassroots unions and enterprises


LEVEL_LABELS = {Level.CITY: "市总工会", Level.DISTRICT: "区（产业）工会", Level.UNIT: "基层工会"}

_LEVEL_OF_KIND = {OrgKind.CITY: Level.CITY, OrgKind.DISTRICT: Level.DISTRICT, OrgKind.INDUSTRY: Level.DISTRICT,
                  OrgKind.GRASSROOTS: Level.UNIT, OrgKind.ENTERPRISE: Level.UNIT}

P = Permission
# What an account may hold at all. A public notice is published by a programme's owner (city or district);
# a unit union may pay its own matching subsidy; reviewers only review, and may be trusted with full values.
CEILING = {
    (AdminRole.ADMIN, Level.CITY): frozenset(P),
    (AdminRole.ADMIN, Level.DISTRICT): frozenset(P),
    (AdminRole.ADMIN, Level.UNIT): frozenset({P.UNMASK, P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH}),
    (AdminRole.REVIEWER, Level.CITY): frozenset({P.UNMASK}),
    (AdminRole.REVIEWER, Level.DISTRICT): frozenset({P.UNMASK}),
    (AdminRole.REVIEWER, Level.UNIT): frozenset({P.UNMASK}),
}
# What a new admin starts with (within its ceiling and what its creator may grant): the city publishes notices; every
# level pays (the city its subsidy, a lower level its own matching subsidy). Reviewers start with nothing. Never
# UNMASK: full personal data is handed out one account at a time, on purpose.
DEFAULTS = {AdminRole.ADMIN: frozenset({P.MANAGE_ACCOUNTS, P.CREATE_PAYMENT_BATCH}),
            AdminRole.REVIEWER: frozenset()}
CITY_DEFAULTS = frozenset({P.PUBLISH_NOTICE})
# Permissions a level may hold but never hand out.
NEVER_GRANTED_BY = {Level.UNIT: frozenset({P.UNMASK})}


def level_of(kind: OrgKind | str) -> Level:
    return _LEVEL_OF_KIND[OrgKind(kind)]


@dataclass(frozen=True)
class Holder:
    """An account as the rules see it: plain values, no session."""
    id: int | None
    role: AdminRole
    level: Level
    org_path: str
    stored: frozenset = frozenset()  # the permission rows the account has
    active: bool = True

    @property
    def permissions(self) -> frozenset:
        """What the account may use: its rows, within what its role and level allow."""
        return effective(self.stored, self.role, self.level) if self.active else frozenset()


def ceiling(role: AdminRole | str, level: Level) -> frozenset:
    return CEILING[(AdminRole(role), level)]


def effective(stored, role: AdminRole | str, level: Level) -> frozenset:
    return frozenset(Permission(p) for p in stored) & ceiling(role, level)


def defaults(role: AdminRole | str, level: Level) -> frozenset:
    extra = CITY_DEFAULTS if level == Level.CITY and AdminRole(role) == AdminRole.ADMIN else frozenset()
    return (DEFAULTS[AdminRole(role)] | extra) & ceiling(role, level)


def label(permission: Permission | str) -> str:
    return PERMISSION_LABELS[Permission(permission)]


def account_refusal(actor: Holder, target_org_path: str, target_id: int | None = None) -> str | None:
    """Why `actor` may not create or change an account in the org at `target_org_path` (None: it may)."""
    if target_id is not None and target_id == actor.id:
        return "不能修改自己的账号角色、单位、状态或密码，请联系上级管理员（密码在“修改密码”页面修改）。"
    if P.MANAGE_ACCOUNTS not in actor.permissions:
        return "您没有管理账号的权限。"
    if not target_org_path.startswith(actor.org_path):
        return "只能管理本单位及下级单位的账号。"
    return None


def grant_refusal(granter: Holder, grantee: Holder, permission: Permission | str) -> str | None:
    """Why `granter` may not give `permission` to `grantee` (None: it may)."""
    permission = Permission(permission)
    return _change_refusal(granter, grantee, permission, "授予") or ceiling_refusal(grantee, permission)


def ceiling_refusal(grantee: Holder, permission: Permission | str) -> str | None:
    """Why an account of this role and level may not hold `permission` at all (None: it may)."""
    permission = Permission(permission)
    if permission not in ceiling(grantee.role, grantee.level):
        return f"{LEVEL_LABELS[grantee.level]}的{_role_label(grantee.role)}不能拥有“{label(permission)}”权限。"
    return None


def revoke_refusal(granter: Holder, grantee: Holder, permission: Permission | str) -> str | None:
    """Taking a permission away follows the same rule as giving it: only from below, only if you hold it."""
    return _change_refusal(granter, grantee, Permission(permission), "收回")


def may_grant(granter: Holder, grantee: Holder, permission: Permission | str) -> bool:
    return grant_refusal(granter, grantee, permission) is None


def _change_refusal(granter: Holder, grantee: Holder, permission: Permission, verb: str) -> str | None:
    if granter.id is not None and granter.id == grantee.id:
        return f"不能给自己{verb}权限。"
    refusal = account_refusal(granter, grantee.org_path)
    if refusal:
        return refusal
    if permission not in granter.permissions:
        return f"您自己没有“{label(permission)}”权限，不能{verb}。"
    if permission in NEVER_GRANTED_BY.get(granter.level, frozenset()):
        return f"{LEVEL_LABELS[granter.level]}不能{verb}“{label(permission)}”权限。"
    return None


def grantable(granter: Holder, grantee: Holder) -> list[Permission]:
    """The permissions an edit form may offer `granter` for `grantee`: those it could grant or take away."""
    return [p for p in Permission
            if (p in grantee.stored and revoke_refusal(granter, grantee, p) is None)
            or (p not in grantee.stored and grant_refusal(granter, grantee, p) is None)]


def offerable_to_new(granter: Holder) -> list[Permission]:
    """What a create form may offer before the new account's role and org are known (the service checks the
    ceiling once they are)."""
    if P.MANAGE_ACCOUNTS not in granter.permissions:
        return []
    return [p for p in Permission if p in granter.permissions
            and p not in NEVER_GRANTED_BY.get(granter.level, frozenset())]


def _role_label(role) -> str:
    return {AdminRole.ADMIN: "管理员", AdminRole.REVIEWER: "审核员"}[AdminRole(role)]
