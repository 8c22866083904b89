"""消息通知 on the portal: what the worker was told, by which channel and when, and where e-mail notices go."""
import re

from flask import flash, g, redirect, render_template, request, url_for

from ..domain.notifications import EVENT_LABELS, Event
from ..extensions import db
from ..services import notifications
from .blueprint import bp, login_required

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CHANNEL_LABELS = {"sms": "短信", "email": "邮件", "log": "站内"}
STATUS_LABELS = {"pending": "发送中", "sending": "发送中", "sent": "已发送", "failed": "发送失败",
                 "limited": "超出每日短信条数，未发短信", "skipped": "未发送"}


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def messages():
    error = None
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        if email and not EMAIL.match(email):
            error = "邮箱格式不正确，例如 name@example.com。"
        else:
            g.applicant.email = email or None
            db.session.commit()
            flash("已保存：以后的通知也会发到这个邮箱。" if email else "已取消邮件通知。", "success")
            return redirect(url_for("portal.messages"))
    rows = notifications.history(g.applicant)
    return render_template("portal/notifications.html", rows=rows, error=error,
                           labels={e.value: label for e, label in EVENT_LABELS.items() if e != Event.DIGEST},
                           channels=CHANNEL_LABELS, statuses=STATUS_LABELS)
