"""Invitation rules: tokens, whether a link still works, what may register through it, org codes."""
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from .enums import OrgKind

TOKEN_BYTES = 24  # 192 random bits; the URL-safe text is 32 characters
DEFAULT_DAYS = 30
MAX_DAYS = 365
INVITE_KINDS = ("union", "enterprise")
INVITE_KIND_LABELS = {"union": "下级工会", "enterprise": "企业"}
REGISTRABLE_KINDS = (OrgKind.DISTRICT, OrgKind.INDUSTRY, OrgKind.GRASSROOTS, OrgKind.ENTERPRISE)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{2,39}$")

# Why a link stopped working, as the registrant reads it.
LINK_PROBLEMS = {
    "unknown": "该邀请链接无效，请确认链接完整，或联系发放链接的上级工会。",
    "revoked": "该邀请链接已被发放单位作废，请联系上级工会获取新的链接。",
    "expired": "该邀请链接已过期，请联系上级工会获取新的链接。",
    "used_up": "该邀请链接的注册名额已用完，请联系上级工会获取新的链接。",
    "org_inactive": "发放该链接的单位目前不能接收注册，请联系上级工会。",
}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Tokens carry 192 random bits, so one fast SHA-256 is enough: nothing to brute-force offline."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_problem(*, revoked_at: datetime | None, expires_at: datetime, max_uses: int | None,
                 used_count: int, now: datetime) -> str | None:
    """The LINK_PROBLEMS key for a link that no longer accepts registrations, or None."""
    if revoked_at is not None:
        return "revoked"
    if expires_at <= now:
        return "expired"
    if max_uses is not None and used_count >= max_uses:
        return "used_up"
    return None


def expiry(now: datetime, days: int | None) -> datetime:
    return now + timedelta(days=days or DEFAULT_DAYS)


def invite_problem(kind: str, days: int | None, max_uses: int | None) -> str | None:
    """Check what an admin asked for when creating a link."""
    if kind not in INVITE_KINDS:
        return "邀请类型只能是“下级工会”或“企业”。"
    if days is not None and not 1 <= days <= MAX_DAYS:
        return f"有效期应在 1 到 {MAX_DAYS} 天之间。"
    if max_uses is not None and max_uses < 1:
        return "可注册数量至少为 1（留空表示不限）。"
    return None


def allowed_org_kinds(invite_kind: str, parent_kind: OrgKind) -> tuple[OrgKind, ...]:
    """What may register through a link: enterprises, or unions one level below the inviting org."""
    if invite_kind == "enterprise":
        return (OrgKind.ENTERPRISE,)
    if parent_kind == OrgKind.CITY:
        return (OrgKind.DISTRICT, OrgKind.INDUSTRY)
    return (OrgKind.GRASSROOTS,)


def child_code(parent_code: str, suffix: str) -> str:
    """A readable, unique-enough org code under the parent (the column holds 40 characters)."""
    return f"{parent_code[:40 - len(suffix) - 1]}-{suffix}"


def code_suffix() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
    return "".join(secrets.choice(alphabet) for _ in range(5))


def contact_problems(mobile: str, username: str) -> list[str]:
    problems = []
    if not MOBILE.match(mobile):
        problems.append("手机号码应为 11 位数字，以 1 开头。")
    if not USERNAME.match(username):
        problems.append("用户名应以字母开头，3–40 位，只能包含字母、数字、下划线、点和减号。")
    return problems
