"""`xuebu verify-sweep`, `xuebu verify-requeue`, `xuebu verify-status`: operate document verification."""
import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..domain.enums import VerificationStatus as VS
from ..extensions import db
from ..models import Document


@click.command("verify-sweep")
@with_appcontext
def verify_sweep():
    """Queue again documents stuck in verification (dead worker, Redis down at upload)."""
    from .sweeper import sweep_stuck
    counts = sweep_stuck()
    click.echo(f"卡住的核验 {counts['stuck']} 份，待入队 {counts['waiting']} 份，已重新提交 {counts['requeued']} 份。")


@click.command("verify-requeue")
@click.argument("document_ids", nargs=-1, type=int)
@click.option("--failed", is_flag=True, help="所有核验失败的材料")
@click.option("--application", "application_ids", multiple=True, type=int, help="某个申请的全部材料（可重复）")
@with_appcontext
def verify_requeue(document_ids, failed, application_ids):
    """Verify documents again: by id, all FAILED ones, or all of an application's."""
    from ..services import verification
    conditions = []
    if document_ids:
        conditions.append(Document.id.in_(document_ids))
    if failed:
        conditions.append(Document.verification_status == VS.FAILED)
    if application_ids:
        conditions.append(Document.application_id.in_(application_ids))
    if not conditions:
        raise click.UsageError("请指定材料编号、--failed 或 --application。")
    from sqlalchemy import or_
    documents = db.session.execute(select(Document).where(or_(*conditions))).scalars().all()
    count = verification.requeue(documents, via="cli")
    click.echo(f"已重新提交 {count} 份材料进行自动核验（共选中 {len(documents)} 份）。")


@click.command("verify-status")
@with_appcontext
def verify_status():
    """How many documents are in each verification state."""
    rows = db.session.execute(select(Document.verification_status, func.count(Document.id))
                              .group_by(Document.verification_status)).all()
    counts = dict(rows)
    for status in VS:
        click.echo(f"{status.value}\t{counts.get(status, 0)}")


COMMANDS = [verify_sweep, verify_requeue, verify_status]
