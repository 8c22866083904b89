"""Intake commands: `xuebu import-roster` (contract §2)."""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..domain.idcard import mask_id_number


@click.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--roster-batch", "roster_batch", required=True, help="预报名批次名称，如 2016年秋季")
@click.option("--org-code", default=None, help="发布名单的组织代码（新建批次时使用，默认市总工会）")
@click.option("--report-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把逐行结果另存为 XLSX")
@with_appcontext
def import_roster_cmd(file: Path, roster_batch: str, org_code, report_out):
    """Import a pre-registration list (XLSX or CSV); prints one line per row."""
    from ..services import orgs
    from ..services.roster_import import (
        STATUS_LABELS,
        ImportFileError,
        import_roster,
        report_xlsx,
    )
    owner = orgs.find_by_code(org_code) if org_code else None
    if org_code and owner is None:
        raise click.ClickException(f"找不到组织代码 {org_code}")
    try:
        report = import_roster(file.name, file.read_bytes(), roster_batch, owner=owner)
    except ImportFileError as exc:
        click.echo(f"无法导入：{exc}", err=True)
        sys.exit(2)
    for r in report.rows:
        note = "；".join(r.messages)
        click.echo(f"第{r.row}行\t{STATUS_LABELS[r.status]}\t{r.name}\t{mask_id_number(r.id_number)}\t{note}".rstrip())
    click.echo(report.summary())
    if report_out:
        report_out.write_bytes(report_xlsx(report))
        click.echo(f"报告已保存：{report_out}")


COMMANDS = [import_roster_cmd]
