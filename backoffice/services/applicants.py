"""Applicant accounts: registration, password login, signed bearer tokens."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from ..crypto import lookup_hash
from ..domain import auth as rules
from ..domain.auth import password_problems
from ..domain.idcard import id_number_problem, normalise_id_number
from ..extensions import db
from ..models import Applicant
from ..models.base import utcnow
from . import audit
from .accounts import _DUMMY_HASH, hash_password

TOKEN_MAX_AGE = 7 * 24 * 3600
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class AccountError(ValueError):
    def __init__(self, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields or {}


@dataclass
class Registration:
    name: str
    id_number: str
    mobile: str
    password: str


def registration_problems(reg: Registration) -> dict[str, str]:
    """Field → Chinese message for everything wrong with the form."""
    problems = {}
    if not (1 < len(reg.name.strip()) <= 30):
        problems["name"] = "请填写与身份证一致的姓名。"
    id_problem = id_number_problem(reg.id_number)
    if id_problem:
        problems["id_number"] = id_problem + "。"
    if not _MOBILE.match(reg.mobile.strip()):
        problems["mobile"] = "请填写11位手机号码。"
    pw = password_problems(reg.password, reg.id_number)
    if pw:
        problems["password"] = "；".join(pw)
    return problems


def register(reg: Registration, ip: str | None = None) -> Applicant:
    reg = Registration(reg.name.strip(), normalise_id_number(reg.id_number), reg.mobile.strip(), reg.password)
    problems = registration_problems(reg)
    if problems:
        raise AccountError("invalid_input", "；".join(problems.values()), problems)
    if find_by_id_number(reg.id_number):
        raise AccountError("already_registered", "该身份证号已注册，请直接登录。", {"id_number": "该身份证号已注册。"})
    applicant = Applicant(name=reg.name, id_number=reg.id_number, mobile=reg.mobile,
                          password_hash=hash_password(reg.password))
    db.session.add(applicant)
    db.session.flush()
    audit.record("applicant_registered", actor=applicant, ip=ip)
    db.session.commit()
    return applicant


def find_by_id_number(id_number: str) -> Applicant | None:
    """Exact match through the keyed hash: the number itself is stored encrypted."""
    stmt = db.select(Applicant).filter_by(id_number_hash=lookup_hash(id_number))
    return db.session.execute(stmt).scalar_one_or_none()


@dataclass
class LoginResult:
    applicant: Applicant | None
    error: str | None = None    # "invalid_credentials" | "account_locked"
    message: str | None = None  # Chinese, for the person
    retry_after: int = 0        # seconds until a locked account may try again


WRONG = "身份证号或密码错误。"


def locked_message(minutes: int) -> str:
    return f"连续输错密码次数过多，账号已临时锁定，请 {minutes} 分钟后再试；忘记密码请联系所在单位工会。"


def authenticate(id_number: str, password: str, ip: str | None = None) -> LoginResult:
    """Password login with the admins' lockout rule (domain.auth): 5 wrong passwords in a row lock the account
    for 15 minutes, whoever tries from wherever (the per-IP rate limit does not stop a slow, spread guess)."""
    from .accounts import policy
    applicant = find_by_id_number(normalise_id_number(id_number))
    if applicant is None:
        check_password_hash(_DUMMY_HASH, password)  # same time for unknown numbers
        return LoginResult(None, "invalid_credentials", WRONG)
    now = utcnow()
    if rules.is_locked(applicant.locked_until, now):
        audit.record("applicant_login_locked", actor=applicant, org_id=applicant.org_id, ip=ip)
        db.session.commit()
        return _locked(applicant, now)
    if not check_password_hash(applicant.password_hash, password):
        applicant.failed_logins, applicant.locked_until = rules.after_failure(applicant.failed_logins or 0, now,
                                                                              policy())
        audit.record("applicant_login_failed", actor=applicant, org_id=applicant.org_id, ip=ip)
        db.session.commit()
        return _locked(applicant, now) if applicant.locked_until else LoginResult(None, "invalid_credentials", WRONG)
    if applicant.failed_logins or applicant.locked_until:  # a write only after failures: logins stay read-only
        applicant.failed_logins, applicant.locked_until = 0, None
        db.session.commit()
    return LoginResult(applicant)


def _locked(applicant: Applicant, now) -> LoginResult:
    seconds = max(int((applicant.locked_until - now).total_seconds()), 1)
    return LoginResult(None, "account_locked", locked_message(-(-seconds // 60)), seconds)


def _serializer() -> URLSafeTimedSerializer:
    # One serializer per app: building it per request cost a noticeable share of a surge submit.
    cached = current_app.extensions.get("xuebu_token_serializer")
    if cached is None or cached[0] != current_app.config["SECRET_KEY"]:
        cached = (current_app.config["SECRET_KEY"],
                  URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="xuebu-applicant-token"))
        current_app.extensions["xuebu_token_serializer"] = cached
    return cached[1]


def issue_token(applicant_id: int, token_version: int) -> str:
    return _serializer().dumps([applicant_id, token_version])


def token_claims(token: str) -> tuple[int, int] | None:
    """(applicant id, token version) from a valid, unexpired token; no database needed."""
    try:
        applicant_id, version = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
        return int(applicant_id), int(version)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None


def applicant_for_token(token: str) -> Applicant | None:
    claims = token_claims(token)
    if claims is None:
        return None
    applicant = db.session.get(Applicant, claims[0])
    if applicant is None or applicant.token_version != claims[1]:
        return None
    return applicant


def revoke_tokens(applicant: Applicant) -> None:
    applicant.token_version += 1
