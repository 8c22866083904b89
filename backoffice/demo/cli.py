"""Demo commands: `xuebu seed-demo` and `xuebu seed-load` (contract §2); both refuse to run in production."""
import os
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .loadworld import build
from .seed import seed_demo_world


def refuse_in_production(message: str) -> None:
    if current_app.config.get("XUEBU_ENV") == "production" or os.environ.get("XUEBU_ENV") == "production":
        click.echo(message, err=True)
        sys.exit(2)


@click.command("seed-demo")
@click.option("--showcase", default=8, show_default=True,
              help="how many in-review applications get realistic, automatically verified uploads")
@with_appcontext
def seed_demo(showcase):
    """Load the demo world of contract §3 (idempotent; refused in production)."""
    refuse_in_production("拒绝执行：生产环境（XUEBU_ENV=production）不能加载演示数据。")
    summary = seed_demo_world(showcase=showcase)
    for line in summary:
        click.echo(line)


@click.command("seed-load")
@click.option("--applicants", "n", type=click.IntRange(1, 200000), required=True)
@click.option("--quota", type=click.IntRange(1), required=True)
@click.option("--waitlist-cap", type=click.IntRange(0), default=None, help="默认 N − Q（人人都能排上候补）")
@click.option("--tokens-out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=None)
@with_appcontext
def seed_load_cmd(n, quota, waitlist_cap, tokens_out, seed):
    """A load-test world: one open batch with quota Q and N complete drafts; writes id<TAB>token lines."""
    refuse_in_production("拒绝执行：生产环境不能生成压测数据。")
    started = time.perf_counter()
    world = build(n, quota, waitlist_cap, seed)
    with open(tokens_out, "w", encoding="utf-8") as fh:
        fh.writelines(f"{app_id}\t{token}\n" for app_id, token in zip(world.application_ids, world.tokens))
    click.echo(f"batch_id={world.batch_id} applications={len(world.application_ids)} quota={quota} "
               f"seconds={time.perf_counter() - started:.1f} tokens={tokens_out}")


COMMANDS = [seed_demo, seed_load_cmd]
