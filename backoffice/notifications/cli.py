"""`xuebu send-digests` (daily, from cron or an RQ scheduler) and `xuebu notify-sweep`."""
import click
from flask.cli import with_appcontext


@click.command("send-digests")
@with_appcontext
def send_digests_cmd():
    """每日待办提醒：给每位管理员发送本级待审核、待答复申诉和临近截止的事项（没有待办则不发）。"""
    from ..services.digests import send_digests
    counts = send_digests()
    click.echo(f"管理员 {counts['admins']} 人，发送待办提醒 {counts['digests']} 份。")


@click.command("notify-sweep")
@with_appcontext
def notify_sweep_cmd():
    """重新排队未发出的通知（Redis 曾不可用时），并标记发送中断的通知。"""
    from ..services.notifications import sweep
    counts = sweep()
    click.echo(f"重新排队 {counts['requeued']} 条，发送中断 {counts['interrupted']} 条。")


@click.command("refresh-stats")
@click.option("--rebuild", is_flag=True, help="从申请表重新统计（需数秒至数分钟，期间提交会稍候）")
@with_appcontext
def refresh_stats_cmd(rebuild):
    """合并统计数据（worker 每次巡检都会做）；--rebuild 从申请表重新统计。"""
    from ..services import tally
    if not tally.kept():
        click.echo("SQLite 不保存统计表，页面直接统计申请表。")
        return
    tally.rebuild() if rebuild else tally.fold()
    click.echo("统计已重建。" if rebuild else "统计已合并。")


COMMANDS = [send_digests_cmd, notify_sweep_cmd, refresh_stats_cmd]
