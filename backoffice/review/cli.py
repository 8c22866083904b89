"""Daily review commands: expire overdue returns, list open appeals per level."""
import click
from flask.cli import with_appcontext

from ..domain.enums import AppealStatus
from ..extensions import db
from ..models import Appeal, Organisation
from ..models.base import utcnow


@click.command("release-overdue-returns")
@with_appcontext
def release_overdue_returns_cmd():
    """驳回后逾期未重新提交的申请释放名额，候补依次递补（建议每天运行）。"""
    from ..services.review import release_overdue_returns
    ids = release_overdue_returns()
    click.echo(f"释放名额 {len(ids)} 个" + (f"：申请 {', '.join(map(str, ids))}" if ids else "。"))


@click.command("appeals-digest")
@with_appcontext
def appeals_digest_cmd():
    """每日申诉提醒：各单位待答复及逾期的申诉数量。"""
    from sqlalchemy import func, select

    now = utcnow()
    rows = db.session.execute(select(Organisation.name, func.count(Appeal.id),
                                     func.sum(db.case((Appeal.due_at < now, 1), else_=0)))
                              .join(Appeal, Appeal.to_org_id == Organisation.id)
                              .where(Appeal.status == AppealStatus.OPEN).group_by(Organisation.name)).all()
    if not rows:
        click.echo("没有待答复的申诉。")
    for name, count, overdue in rows:
        click.echo(f"{name}：待答复 {count} 件，其中逾期 {overdue or 0} 件")


COMMANDS = [release_overdue_returns_cmd, appeals_digest_cmd]
