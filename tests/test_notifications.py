"""Notifications people receive: the texts (one SMS, the portal link, no ID or card number), a real SMTP server and a
local stand-in for the SMS provider's HTTP API receiving them, retries without loss or duplicates, the daily SMS
limit, the per-programme switch, and nothing sent for a change that was rolled back."""
import base64
import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta

import pytest
from factories import applicant_with_application
from local_servers import configure_channels, mail_text

from backoffice.domain.notifications import SMS_CHARS, Event, compose, short_date
from backoffice.extensions import db
from backoffice.models import Notification
from backoffice.models.base import utcnow
from backoffice.notifications.channels import percent
from backoffice.services import notifications

LONGEST = {"app": "#1234567", "due": "12月31日23:59", "rank": "20000", "until": "12月31日23:59", "amount": "1500.00",
           "card_tail": "1234", "outcome": "申诉成立，退回上一级重审", "summary": "待审核申请120份，待答复申诉3件（逾期1件）"}


@pytest.mark.parametrize("event", list(Event))
def test_every_sms_fits_one_message_with_the_link_and_carries_no_identity_number(event):
    message = compose(event, LONGEST, "https://xuebu.example-union.org.cn/portal/", detail="退回原因：身份证照片不清晰")
    assert len(message.sms) <= SMS_CHARS
    assert not re.search(r"\d{12,}", message.sms + message.email)
    assert message.subject.startswith("【学补】")


def test_a_long_site_address_is_dropped_rather_than_split_the_sms():
    message = compose(Event.RETURNED, LONGEST, "https://" + "x" * 60 + ".cn/portal/")
    assert len(message.sms) <= SMS_CHARS and "请登录" in message.sms


def test_short_dates_are_beijing_time():
    assert short_date(datetime(2026, 12, 9, 16, 0)) == "12月10日00:00"


# ---- channels against real local servers ----------------------------------------------------------------

def _returned(application, occurrence=1):
    notifications.announce(Event.RETURNED, application, occurrence, due=short_date(utcnow() + timedelta(days=7)),
                           detail="需修改：身份证人像面（照片不清晰）")


def test_email_reaches_a_real_smtp_server(app, orgs, smtp_server):
    configure_channels(app, "email,log", smtp=smtp_server)
    person, application = applicant_with_application(orgs, email="worker@example.cn")
    _returned(application)
    db.session.commit()
    (rcpt, content), = smtp_server.messages
    assert rcpt == ["worker@example.cn"]
    text = mail_text(content)
    assert "需修改" in text and "身份证人像面（照片不清晰）" in text and "https://xuebu.example.cn/portal/" in text
    rows = db.session.execute(db.select(Notification).order_by(Notification.channel)).scalars().all()
    assert [(r.channel, r.status) for r in rows] == [("email", "sent"), ("log", "sent")]


def test_sms_posts_a_signed_request_to_the_provider(app, orgs, sms_server):
    provider, endpoint = sms_server
    configure_channels(app, "sms", sms=endpoint)
    person, application = applicant_with_application(orgs)
    _returned(application)
    db.session.commit()
    (sent,) = provider.received
    assert sent["PhoneNumbers"] == person.mobile and sent["TemplateCode"] == "SMS_1001"
    assert sent["SignName"] == "广州市总工会" and json.loads(sent["TemplateParam"])["app"] == f"#{application.id}"
    signature = sent.pop("Signature")
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(sent.items()))
    expected = base64.b64encode(hmac.new(b"s3cret&", f"POST&%2F&{percent(canonical)}".encode(),
                                         hashlib.sha1).digest()).decode()
    assert signature == expected
    row = db.session.execute(db.select(Notification)).scalar_one()
    assert row.status == "sent" and len(row.body) <= SMS_CHARS and person.id_number not in row.body


def test_a_rolled_back_change_is_never_told(app, orgs, sms_server):
    provider, endpoint = sms_server
    configure_channels(app, "sms", sms=endpoint)
    _, application = applicant_with_application(orgs)
    _returned(application)
    db.session.rollback()
    assert provider.received == [] and db.session.execute(db.select(Notification)).first() is None


def test_the_same_occurrence_is_told_once(app, orgs, sms_server):
    provider, endpoint = sms_server
    configure_channels(app, "sms", sms=endpoint)
    _, application = applicant_with_application(orgs)
    for _ in range(2):
        _returned(application, occurrence=7)
        db.session.commit()
    assert len(provider.received) == 1


def test_the_daily_sms_limit_holds_and_the_rest_is_kept(app, orgs, sms_server):
    provider, endpoint = sms_server
    configure_channels(app, "sms", sms=endpoint)
    app.config["SMS_PER_DAY"] = 2
    _, application = applicant_with_application(orgs)
    for n in range(3):
        _returned(application, occurrence=n)
        db.session.commit()
    assert len(provider.received) == 2
    statuses = db.session.execute(db.select(Notification.status).order_by(Notification.id)).scalars().all()
    assert statuses == ["sent", "sent", "limited"]


def test_sms_switched_off_for_the_programme_sends_none(app, orgs, sms_server):
    provider, endpoint = sms_server
    configure_channels(app, "sms,log", sms=endpoint)
    _, application = applicant_with_application(orgs)
    application.batch.programme.sms_enabled = False
    db.session.commit()
    _returned(application)
    db.session.commit()
    assert provider.received == []
    assert db.session.execute(db.select(Notification.channel)).scalars().all() == ["log"]


def _sms_over_redis(redis_app, sms_server):
    """(SMS provider stand-in, the notifications' RQ queue, the demo orgs) on an app with Redis and SMS."""
    from backoffice.demo.seed import ensure_demo_orgs
    from backoffice.services.queue import bulk_queue_name, get_queue
    provider, endpoint = sms_server
    app = redis_app(NOTIFY_JOB_PREFIX=f"notify-{id(provider)}")
    configure_channels(app, "sms", sms=endpoint)
    orgs = ensure_demo_orgs()
    db.session.commit()
    return provider, get_queue(app, bulk_queue_name(app)), orgs


@pytest.mark.redis
def test_a_failing_provider_is_retried_by_the_worker_without_loss_or_duplicates(redis_app, sms_server):
    from rq import SimpleWorker

    provider, queue, orgs = _sms_over_redis(redis_app, sms_server)
    _, application = applicant_with_application(orgs)
    provider.answers = [(500, {"Code": "ServiceUnavailable", "Message": "busy"}),
                        (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"})]
    notifications.RETRY_INTERVALS[:] = [0, 0, 0]
    try:
        _returned(application)
        db.session.commit()
        SimpleWorker([queue], connection=queue.connection).work(burst=True, max_jobs=10)
    finally:
        notifications.RETRY_INTERVALS[:] = [30, 120, 600]
    assert len(provider.received) == 3  # two failures, then one message
    row = db.session.execute(db.select(Notification)).scalar_one()
    assert (row.status, row.attempts) == ("sent", 3)
    assert notifications.deliver(row.id) == "not pending" and len(provider.received) == 3


def test_a_permanent_failure_is_shown_to_admins_who_can_send_again(app, orgs, sms_server, login_as, client):
    provider, endpoint = sms_server
    configure_channels(app, "sms", sms=endpoint)
    _, application = applicant_with_application(orgs)
    provider.answers = [(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "号码格式错误"})]
    _returned(application)
    db.session.commit()
    row = db.session.execute(db.select(Notification)).scalar_one()
    assert row.status == "failed" and "MOBILE_NUMBER_ILLEGAL" in row.last_error
    assert notifications.resend([row]) == 1
    assert len(provider.received) == 2
    assert db.session.get(Notification, row.id).status == "sent"


def test_the_daily_digest_lists_what_waits_at_each_level_and_nothing_else(app, orgs, smtp_server):
    from backoffice.domain.enums import AppealStatus
    from backoffice.models import AdminUser, Appeal
    from backoffice.services.digests import send_digests
    configure_channels(app, "email", smtp=smtp_server)
    for user in db.session.execute(db.select(AdminUser)).scalars():
        user.email = f"{user.username}@example.cn"
    now = utcnow()
    for _ in range(2):
        _, waiting = applicant_with_application(orgs)
        waiting.reviewing_org_id = orgs["YX-METRO"].id
        waiting.batch.review_closes_at = now + timedelta(days=1)
    _, refused = applicant_with_application(orgs, state="refused")
    db.session.add(Appeal(application=refused, to_org_id=orgs["YX"].id, text="申诉", status=AppealStatus.OPEN,
                          due_at=now - timedelta(days=1)))
    db.session.commit()
    assert send_digests(now) == {"admins": 5, "digests": 2}
    assert send_digests(now)["digests"] == 2 and len(smtp_server.messages) == 2  # once a day, however often run
    got = {rcpt[0]: mail_text(content) for rcpt, content in smtp_server.messages}
    assert set(got) == {"yxmetro_admin@example.cn", "yx_admin@example.cn"}
    assert "待审核申请2份" in got["yxmetro_admin@example.cn"] and "审核截止" in got["yxmetro_admin@example.cn"]
    assert "待答复申诉1件（逾期1件）" in got["yx_admin@example.cn"]
    assert "/admin/" in got["yx_admin@example.cn"]


def test_the_worker_reads_what_they_were_told_and_sets_an_email(app, orgs, client):
    from support import csrf_token
    from werkzeug.security import generate_password_hash
    configure_channels(app, "log")
    person, application = applicant_with_application(orgs)
    person.password_hash = generate_password_hash("Worker-2026-ok", method="pbkdf2:sha256:1000")
    _returned(application)
    db.session.commit()
    page = client.get("/portal/login")
    client.post("/portal/login", data={"id_number": person.id_number, "password": "Worker-2026-ok",
                                       "csrf_token": csrf_token(page.text)})
    text = client.get("/portal/notifications").text
    assert "申请被退回修改" in text and f"补助申请#{application.id}需修改" in text
    page = client.get("/portal/notifications")
    bad = client.post("/portal/notifications", data={"email": "not-an-address", "csrf_token": csrf_token(page.text)})
    assert "邮箱格式不正确" in bad.text
    ok = client.post("/portal/notifications", data={"email": "me@example.cn", "csrf_token": csrf_token(page.text)})
    assert ok.headers["Location"].endswith("/portal/notifications")
    assert db.session.get(type(person), person.id).email == "me@example.cn"


def test_admins_see_failed_sends_in_their_subtree_and_resend(app, orgs, client, login_as, sms_server):
    from support import csrf_token
    provider, endpoint = sms_server
    configure_channels(app, "sms", sms=endpoint)
    _, application = applicant_with_application(orgs)
    provider.answers = [(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "号码格式错误"})]
    _returned(application)
    db.session.commit()
    row = db.session.execute(db.select(Notification)).scalar_one()
    login_as("HZ")
    assert "发送失败" not in client.get("/admin/notifications/").text  # another district's worker
    login_as("YX")
    listing = client.get("/admin/notifications/").text
    assert "发送失败" in listing and "申请被退回修改" in listing
    resp = client.post("/admin/notifications/action/", data={"action": "resend", "rowid": [str(row.id)],
                                                           "csrf_token": csrf_token(listing)})
    assert resp.status_code == 302
    assert db.session.get(Notification, row.id).status == "sent" and len(provider.received) == 2


def test_many_workers_told_at_once_each_once(app, orgs, sms_server):
    """A public notice tells thousands in one go: one message per worker and channel, none twice if repeated."""
    provider, endpoint = sms_server
    configure_channels(app, "sms,log", sms=endpoint)
    listed = [applicant_with_application(orgs, name=f"王{n}")[1] for n in range(3)]
    for _ in range(2):
        notifications.announce_many(Event.ON_NOTICE, listed, 41, until="12月20日00:00")
        db.session.commit()
    rows = db.session.execute(db.select(Notification).order_by(Notification.id)).scalars().all()
    assert sorted((r.application_id, r.channel, r.status) for r in rows) == sorted(
        (a.id, channel, "sent") for a in listed for channel in ("sms", "log"))
    assert sorted(m["PhoneNumbers"] for m in provider.received) == sorted(a.applicant.mobile for a in listed)


@pytest.mark.redis
def test_rows_left_pending_while_redis_was_down_are_queued_by_the_sweep(redis_app, sms_server):
    from rq import SimpleWorker

    provider, queue, orgs = _sms_over_redis(redis_app, sms_server)
    listed = [applicant_with_application(orgs, name=f"李{n}")[1] for n in range(3)]
    for application in listed:
        _returned(application)
    db.session.info.pop(notifications._OUTBOX)  # as if Redis had refused every enqueue at the commit
    db.session.commit()
    assert queue.count == 0 and provider.received == []
    later = utcnow() + timedelta(minutes=5)
    assert notifications.sweep(now=later) == {"requeued": 3, "interrupted": 0}
    SimpleWorker([queue], connection=queue.connection).work(burst=True, max_jobs=10)
    assert sorted(m["PhoneNumbers"] for m in provider.received) == sorted(a.applicant.mobile for a in listed)
    statuses = db.session.execute(db.select(Notification.status)).scalars().all()
    assert statuses == ["sent"] * 3
