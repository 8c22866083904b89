"""Thin RQ jobs: deliver one notification; mark it failed once RQ has used up the retries."""
from ..verification.jobs import app_context


def deliver_notification(notification_id: int) -> str:
    from ..services import notifications
    with app_context():
        return notifications.deliver(notification_id)


def on_delivery_failure(job, connection, exc_type, exc_value, tb) -> None:
    if job.retries_left:
        return
    from ..services import notifications
    with app_context():
        notifications.mark_failed(job.args[0], f"多次发送失败：{exc_value}")
