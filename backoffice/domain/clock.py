"""Time at the edges: stored as naive UTC, shown to people as Beijing time (UTC+8, no daylight saving)."""
from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
MINUTES = "%Y-%m-%d %H:%M"


def to_beijing(value: datetime) -> datetime:
    """A stored UTC time (naive, or aware in any zone) as a Beijing wall-clock time."""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(BEIJING)


def beijing(value: datetime | date | None, fmt: str = MINUTES) -> str:
    """What a person reads: minutes, not microseconds; a plain date stays as it is; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_beijing(value).strftime(fmt)
    return value.strftime("%Y-%m-%d")


def beijing_today(now_utc: datetime) -> date:
    return to_beijing(now_utc).date()


def from_beijing(value: datetime) -> datetime:
    """A Beijing wall-clock time a person typed, as the naive UTC the database stores."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.astimezone(timezone.utc).replace(tzinfo=None)
