"""Login throttling rules: how many failures lock an account and for how long."""
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_minutes: int = 15


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failures: int, now: datetime, policy: LockoutPolicy) -> tuple[int, datetime | None]:
    """Return the new failure count and lock deadline after one more wrong password."""
    failures += 1
    if failures >= policy.max_failures:
        return 0, now + timedelta(minutes=policy.lock_minutes)
    return failures, None


def password_problems(password: str, username: str = "") -> list[str]:
    """Reasons (in Chinese) a password is too weak; empty when it is acceptable."""
    problems = []
    if len(password) < 10:
        problems.append("密码至少需要 10 个字符")
    classes = sum(any(f(c) for c in password) for f in (str.isdigit, str.islower, str.isupper))
    classes += any(not c.isalnum() for c in password)
    if classes < 3:
        problems.append("密码需包含大写字母、小写字母、数字、符号中的至少三类")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    return problems
