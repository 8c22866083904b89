"""What people are told, and when: the events that matter to a worker, their texts (short enough for one SMS,
with the portal link, never an ID or card number), the daily SMS limit and an admin's daily digest (pure)."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from .clock import beijing

SMS_CHARS = 70        # one SMS in Chinese (UCS-2); a longer text is split and billed as two or more
SMS_PER_DAY = 3       # per worker: a busy day (returned, fixed, approved) fits; a loop never spams anyone


class Event(str, enum.Enum):
    RETURNED = "returned"
    REFUSED = "refused"
    PROMOTED = "promoted"
    APPROVED = "approved"
    ON_NOTICE = "on_notice"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"
    APPEAL_ANSWERED = "appeal_answered"
    TRANSFER_DECIDED = "transfer_decided"
    DIGEST = "digest"  # an admin's daily summary


EVENT_LABELS = {
    Event.RETURNED: "申请被退回修改", Event.REFUSED: "申请未通过", Event.PROMOTED: "候补递补成功",
    Event.APPROVED: "申请审核通过", Event.ON_NOTICE: "进入公示", Event.PAID: "补助已发放",
    Event.PAYMENT_FAILED: "补助发放失败", Event.APPEAL_ANSWERED: "申诉已答复", Event.TRANSFER_DECIDED: "工会迁移已办结",
    Event.DIGEST: "每日待办提醒",
}

# One line each, filled with short values only (an application number, a date, a place, a yes/no): with the link
# they stay within SMS_CHARS; the e-mail adds the longer detail (reasons) below the same line.
SHORT = {
    Event.RETURNED: "补助申请{app}需修改，请于{due}前重新提交",
    Event.REFUSED: "补助申请{app}未通过审核，可在15日内申诉",
    Event.PROMOTED: "补助申请{app}已递补获得第{rank}号名额",
    Event.APPROVED: "补助申请{app}已审核通过",
    Event.ON_NOTICE: "补助申请{app}已进入公示，至{until}止",
    Event.PAID: "补助{amount}元已发放至尾号{card_tail}的银行卡",
    Event.PAYMENT_FAILED: "补助发放失败，请登录更正银行卡号",
    Event.APPEAL_ANSWERED: "申请{app}的申诉已答复：{outcome}",
    Event.TRANSFER_DECIDED: "工会迁移申请{outcome}",
    Event.DIGEST: "今日待办：{summary}",
}
WITHOUT_LINK = "。请登录学补平台查看"  # when a long site address would make the SMS two messages


@dataclass(frozen=True)
class Message:
    subject: str
    sms: str       # the whole SMS: the short line, then the link
    email: str     # the short line, the detail, the link


def compose(event: Event, values: dict, link: str, detail: str = "") -> Message:
    """The texts for one event; the SMS always fits one message (the link goes before the line is cut)."""
    line = SHORT[event].format(**values)
    sms = f"{line}。详见{link}" if link else line + WITHOUT_LINK
    if len(sms) > SMS_CHARS:
        sms = (line + WITHOUT_LINK)[:SMS_CHARS]
    email = "\n\n".join(part for part in (line + "。", detail, f"请登录查看：{link}" if link else "") if part)
    return Message(subject=f"【学补】{EVENT_LABELS[event]}", sms=sms, email=email)


def short_date(value: datetime | date | None) -> str:
    """12月10日18:00 in Beijing time: short enough for an SMS, unambiguous within a year."""
    if value is None:
        return ""
    return beijing(value, "%m月%d日%H:%M").lstrip("0").replace("月0", "月")


def sms_allowed(sent_today: int, limit: int = SMS_PER_DAY) -> bool:
    return sent_today < limit


@dataclass
class Digest:
    """What waits for one admin's level today; empty means no message at all."""
    waiting: int = 0             # applications whose turn is at the admin's level
    appeals_open: int = 0
    appeals_overdue: int = 0
    deadlines: list[tuple[str, datetime]] = field(default_factory=list)  # (what, when) within two days

    def __bool__(self) -> bool:
        return bool(self.waiting or self.appeals_open or self.deadlines)

    def summary(self) -> str:
        parts = []
        if self.waiting:
            parts.append(f"待审核申请{self.waiting}份")
        if self.appeals_open:
            parts.append(f"待答复申诉{self.appeals_open}件" + (f"（逾期{self.appeals_overdue}件）"
                                                             if self.appeals_overdue else ""))
        if self.deadlines:
            parts.append(f"{len(self.deadlines)}项截止日期临近")
        return "，".join(parts)

    def detail(self) -> str:
        return "\n".join(f"· {what}：{beijing(when)} 截止" for what, when in self.deadlines)
