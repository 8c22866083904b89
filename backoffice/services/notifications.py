"""The notification outbox: `announce` writes one row per channel in the caller's transaction; after the commit the
rows are queued (RQ, with retries) or, without Redis, sent at once; `deliver` sends one row exactly once."""
from __future__ import annotations

import logging
from datetime import UTC, timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..domain import notifications as rules
from ..domain.clock import beijing_today, to_beijing
from ..domain.notifications import Event
from ..extensions import db
from ..models import AdminUser, Applicant, Application, Notification
from ..models.base import utcnow
from ..notifications.channels import CHANNELS, SendError
from .queue import bulk_queue_name, get_queue

log = logging.getLogger("xuebu.notify")
JOB_FUNC = "backoffice.notifications.jobs.deliver_notification"
FAILURE_CALLBACK = "backoffice.notifications.jobs.on_delivery_failure"
RETRY_INTERVALS = [30, 120, 600]   # seconds: an SMTP or SMS outage of a few minutes loses nothing
STALE_SENDING = 600                # a row left "sending" this long: the sender died mid-way, result unknown
_OUTBOX = "xuebu_outbox"
ENQUEUE_CHUNK = 500                # delivery jobs sent to Redis per round trip


def channels() -> list[str]:
    configured = current_app.config.get("NOTIFY_CHANNELS") or "log"
    names = [c.strip() for c in configured.split(",")] if isinstance(configured, str) else list(configured)
    return [c for c in names if c in CHANNELS]


def portal_link() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/") + "/portal/"


def console_link() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/") + "/admin/"


def announce(event: Event, application: Application, occurrence, *, detail: str = "", told=None, **values) -> None:
    """Tell the application's worker about `event` (once per `occurrence`), on every configured channel."""
    programme = application.batch.programme if application.batch is not None else None
    tell(event, application.applicant, occurrence, org_id=application.org_id, application_id=application.id,
         sms_on=programme is None or programme.sms_enabled, detail=detail, told=told, app=f"#{application.id}",
         **values)


def announce_many(event: Event, applications: list[Application], occurrence, *, detail: str = "", **values) -> None:
    """The same event for many workers at once (a public notice of thousands): what was told already is read in
    one statement instead of one per message, so the rows are written in one flush."""
    keys = [_key(event, a.id, occurrence) for a in applications]
    told = set(db.session.execute(select(Notification.key, Notification.recipient_id, Notification.channel).where(
        Notification.recipient_type == "applicant", Notification.key.in_(keys))).tuples())
    for application in applications:
        announce(event, application, occurrence, detail=detail, told=told, **values)


def _key(event: Event, subject_id: int, occurrence) -> str:
    return f"{event.value}:{subject_id}:{occurrence}"


def tell(event: Event, applicant: Applicant, occurrence, *, org_id=None, application_id=None, sms_on: bool = True,
         detail: str = "", told=None, **values) -> None:
    """Tell a worker about `event`, whether or not it concerns one application (a transfer does not)."""
    message = rules.compose(event, values, portal_link(), detail)
    addresses = {"sms": applicant.mobile if sms_on else None, "email": applicant.email,
                 "log": f"applicant:{applicant.id}"}
    _queue_rows(event, _key(event, application_id or applicant.id, occurrence), "applicant", applicant.id,
                org_id if org_id is not None else applicant.org_id, application_id, message, addresses, values, told)


def announce_admin(event: Event, admin: AdminUser, occurrence, message: rules.Message) -> None:
    addresses = {"email": admin.email, "log": f"admin:{admin.id}"}
    _queue_rows(event, f"{event.value}:{admin.id}:{occurrence}", "admin", admin.id, admin.org_id, None, message,
                addresses, {})


def _queue_rows(event, key, recipient_type, recipient_id, org_id, application_id, message, addresses, values,
                told=None):
    session = db.session()
    for channel in channels():
        address = addresses.get(channel)
        if not address:
            continue
        if told is not None:  # announce_many read what was told already
            exists = (key, recipient_id, channel) in told
        else:
            exists = session.execute(select(Notification.id).filter_by(
                key=key, recipient_type=recipient_type, recipient_id=recipient_id, channel=channel)).first()
        if exists:  # the same occurrence announced twice (a retried request): told once
            continue
        row = Notification(event=event.value, key=key, recipient_type=recipient_type, recipient_id=recipient_id,
                           org_id=org_id, application_id=application_id, channel=channel, subject=message.subject,
                           body=message.sms if channel == "sms" else message.email,
                           params={k: str(v) for k, v in values.items()})
        session.add(row)
        session.info.setdefault(_OUTBOX, []).append((row, values))


@event.listens_for(Session, "after_commit")
def _dispatch(session: Session) -> None:
    pending = session.info.pop(_OUTBOX, [])
    if not pending or not has_app_context():
        return
    _send_or_queue([row.id for row, _ in pending if row.id is not None])


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction) -> None:
    if not getattr(previous_transaction, "nested", False):
        session.info.pop(_OUTBOX, None)


def enqueue_all(queue, notification_ids: list[int]) -> bool:
    """One delivery job per row (its own retries and claim), sent to Redis in one round trip per chunk."""
    from redis.exceptions import RedisError
    from rq import Callback, Queue, Retry
    try:
        jobs = [Queue.prepare_data(JOB_FUNC, (nid,), job_id=f"{job_prefix()}-{nid}", timeout=60,
                                   retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                                   on_failure=Callback(FAILURE_CALLBACK), failure_ttl=7 * 24 * 3600,
                                   result_ttl=3600) for nid in notification_ids]
        with queue.connection.pipeline() as pipe:
            queue.enqueue_many(jobs, pipeline=pipe)
            pipe.execute()
        return True
    except RedisError as exc:
        log.warning("could not queue %d notifications (%s); the sweep will", len(notification_ids), exc)
        return False


def job_prefix() -> str:
    return current_app.config.get("NOTIFY_JOB_PREFIX") or "notify"


def deliver(notification_id: int) -> str:
    """Send one row unless it was sent already; raise SendError on a failure worth retrying."""
    with Session(db.engine) as session:
        claimed = session.execute(update(Notification).where(
            Notification.id == notification_id, Notification.status == "pending")
            .values(status="sending", attempts=Notification.attempts + 1)).rowcount
        session.commit()
        if not claimed:
            return "not pending"
        row = session.get(Notification, notification_id)
        if row.channel == "sms" and not rules.sms_allowed(_sms_sent_today(session, row),
                                                          current_app.config.get("SMS_PER_DAY", rules.SMS_PER_DAY)):
            return _close(session, row, "limited", "已达到每日短信上限，未发送（可在平台查看）")
        try:
            address, values = _address(session, row), _values(row)
            CHANNELS[row.channel](current_app.config).send(address, row.subject, row.body, event=row.event,
                                                           values=values)
        except SendError as exc:
            final = exc.permanent or row.attempts > len(RETRY_INTERVALS)
            _close(session, row, "failed" if final else "pending", str(exc))
            if not final:
                raise
            return "failed"
        return _close(session, row, "sent", None)


def _close(session, row, status: str, error: str | None) -> str:
    row.status, row.last_error = status, error
    if status == "sent":
        row.sent_at = utcnow()
    session.commit()
    return status


def _address(session, row) -> str:
    if row.channel == "log":
        return f"{row.recipient_type}:{row.recipient_id}"
    person = session.get(Applicant if row.recipient_type == "applicant" else AdminUser, row.recipient_id)
    address = getattr(person, "mobile" if row.channel == "sms" else "email", None)
    if not address:
        raise SendError("没有可用的手机号或邮箱", permanent=True)
    return address


def _values(row) -> dict:
    """The template parameters an SMS provider needs: the event's short values, kept with the row."""
    return dict(row.params or {})


def _sms_sent_today(session, row) -> int:
    """SMS sent to this person since midnight, Beijing time."""
    midnight = to_beijing(utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    start_utc = midnight.astimezone(UTC).replace(tzinfo=None)
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.recipient_type == row.recipient_type, Notification.recipient_id == row.recipient_id,
        Notification.channel == "sms", Notification.status == "sent", Notification.sent_at >= start_utc)) or 0


def mark_failed(notification_id: int, error: str) -> None:
    with Session(db.engine) as session:
        session.execute(update(Notification).where(Notification.id == notification_id,
                                                   Notification.status.in_(("pending", "sending")))
                        .values(status="failed", last_error=error[:500]))
        session.commit()


def resend(rows: list[Notification]) -> int:
    """Admins send failed (or limited) rows again; sent ones never go twice."""
    ids = [r.id for r in rows if r.status in ("failed", "limited")]
    if ids:
        db.session.execute(update(Notification).where(Notification.id.in_(ids)).values(status="pending",
                                                                                           last_error=None))
        db.session.commit()
        _send_or_queue(ids)
    return len(ids)


def sweep(now=None) -> dict:
    """Queue rows left pending (Redis was down), and close rows whose sender died mid-send."""
    now = now or utcnow()
    stale = list(db.session.execute(select(Notification.id).where(
        Notification.status == "sending", Notification.created_at < now - timedelta(seconds=STALE_SENDING))).scalars())
    for notification_id in stale:
        mark_failed(notification_id, "发送过程中断，无法确认是否送达；如需要请重新发送")
    waiting = list(db.session.execute(select(Notification.id).where(
        Notification.status == "pending", Notification.created_at < now - timedelta(seconds=120))
        .order_by(Notification.id).limit(500)).scalars())
    return {"requeued": _send_or_queue(waiting), "interrupted": len(stale)}


def _send_or_queue(ids: list[int]) -> int:
    """Queue delivery jobs, ENQUEUE_CHUNK per round trip; without Redis (the demo) send now, each on a session of
    its own. Returns how many were handed on; with Redis down the rest stay pending for the worker's sweep."""
    queue = get_queue(current_app, bulk_queue_name(current_app))
    if queue is None:
        for notification_id in ids:
            try:
                deliver(notification_id)
            except SendError:
                pass  # left pending with its error: the sweep sends it again
        return len(ids)
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        if not enqueue_all(queue, ids[start:start + ENQUEUE_CHUNK]):
            return start
    return len(ids)


def history(applicant: Applicant, limit: int = 50) -> list[Notification]:
    """What the worker was told, newest first, one row per message (the log copy stands for the others)."""
    rows = db.session.execute(select(Notification).where(
        Notification.recipient_type == "applicant", Notification.recipient_id == applicant.id)
        .order_by(Notification.id.desc()).limit(limit * 3)).scalars().all()
    seen, out = set(), []
    for row in rows:
        if row.key not in seen:
            seen.add(row.key)
            out.append(row)
    return out[:limit]


def today(now=None):
    return beijing_today(now or utcnow())
