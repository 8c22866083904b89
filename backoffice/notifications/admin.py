"""通知记录 in the console: every message to a worker or an admin in the subtree, failed ones first to hand, and
重新发送 for the ones that did not go out."""
from flask import flash
from flask_admin.actions import action

from ..admin.base import ScopedModelView
from ..domain.notifications import EVENT_LABELS
from ..extensions import db
from ..models import Notification
from ..portal.messages import CHANNEL_LABELS, STATUS_LABELS
from ..services import notifications

EVENTS = {e.value: label for e, label in EVENT_LABELS.items()}


def _label(mapping):
    return lambda v, c, m, p: mapping.get(getattr(m, p), getattr(m, p))


class NotificationView(ScopedModelView):
    column_list = ("created_at", "event", "recipient_type", "application_id", "channel", "status", "attempts",
                   "last_error", "sent_at")
    column_labels = {"created_at": "时间", "event": "事项", "recipient_type": "接收人", "application_id": "申请编号",
                     "channel": "方式", "status": "状态", "attempts": "尝试次数", "last_error": "失败原因",
                     "sent_at": "发出时间", "subject": "标题", "body": "内容", "key": "事件标识",
                     "recipient_id": "接收人编号", "org": "所属单位", "params": "参数"}
    column_formatters = {"event": _label(EVENTS), "channel": _label(CHANNEL_LABELS), "status": _label(STATUS_LABELS),
                         "recipient_type": _label({"applicant": "申请人", "admin": "管理员"})}
    column_filters = ("status", "channel", "event", "created_at")
    column_default_sort = ("id", True)
    column_details_exclude_list = ("params",)
    can_create = can_edit = can_delete = False

    @action("resend", "重新发送", "重新发送选中的失败通知？已发送的不会重复发送。")
    def action_resend(self, ids):
        keys = [k for k in map(self._key, ids) if k is not None]
        rows = self.get_query().filter(Notification.id.in_(keys)).all()
        count = notifications.resend(rows)
        db.session.commit()
        flash(f"已重新发送 {count} 条通知。" if count else "选中的通知没有需要重新发送的（已发送的不会重复发送）。",
              "success" if count else "info")


def add_views(admin) -> None:
    admin.add_view(NotificationView(Notification, db, name="通知记录", category="申报审核", endpoint="notifications"))
