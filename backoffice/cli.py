"""The `xuebu` command line: a Flask CLI group on backoffice.create_app (contract §2)."""
import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .domain.permissions import Permission

PERMISSION_NAMES = [p.value for p in Permission]


def _create_app():
    from . import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, load_dotenv=False)
def main():
    """学补 xuebu — management commands."""


def register(app) -> None:
    for command in (seed_demo, create_admin_cmd, grant_permission_cmd, revoke_permission_cmd, rotate_keys_cmd):
        app.cli.add_command(command)
    from .intake import cli as intake
    from .notifications import cli as notifications
    from .onboarding import cli as onboarding
    from .review import cli as review
    from .verification import cli as verification
    for feature in (onboarding, intake, review, verification, notifications):
        for command in feature.COMMANDS:
            app.cli.add_command(command)


@click.command("seed-demo")
@click.option("--showcase", default=8, show_default=True,
              help="how many in-review applications get realistic, automatically verified uploads")
@with_appcontext
def seed_demo(showcase):
    """Load the demo world of contract §3 (idempotent; refused in production)."""
    if current_app.config.get("XUEBU_ENV") == "production" or os.environ.get("XUEBU_ENV") == "production":
        click.echo("拒绝执行：生产环境（XUEBU_ENV=production）不能加载演示数据。", err=True)
        sys.exit(2)
    from .seed import seed_demo_world
    summary = seed_demo_world(showcase=showcase)
    for line in summary:
        click.echo(line)


@click.command("create-admin")
@click.option("--org-code", required=True)
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(["admin", "reviewer"]), default="admin", show_default=True)
@click.option("--grant", "grants", multiple=True, type=click.Choice(PERMISSION_NAMES),
              help="a permission beyond the role's defaults (repeatable), e.g. --grant unmask")
@with_appcontext
def create_admin_cmd(org_code, username, password, role, grants):
    """Create an admin or reviewer account for an organisation."""
    from .domain.auth import password_problems
    from .extensions import db
    from .models import AdminUser, Organisation
    from .services import accounts, audit
    org = db.session.execute(db.select(Organisation).filter_by(code=org_code)).scalar_one_or_none()
    if org is None:
        raise click.ClickException(f"找不到组织代码 {org_code}")
    if db.session.execute(db.select(AdminUser).filter_by(username=username)).scalar_one_or_none():
        raise click.ClickException(f"用户名 {username} 已存在")
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException("；".join(problems))
    from .services import permissions
    user = accounts.create_admin(org, username, password, role, via="cli")
    audit.record("admin_user_created", actor_type="system", org_id=org.id, target=user, detail={"via": "cli"})
    try:
        for name in grants:
            permissions.grant(None, user, name, via="cli")
    except permissions.PermissionDenied as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"已创建 {role} 账号 {username}（{org.name}），权限：{_permission_list(user)}")


def _permission_list(user) -> str:
    from .domain.permissions import label
    return "、".join(label(p) for p in sorted(user.permissions)) or "无"


def _change_permission(username, permission, grant: bool):
    """The operator's own grants and revokes (the root of every chain of grants), audited as the system's."""
    from .extensions import db
    from .models import AdminUser
    from .services import permissions
    user = db.session.execute(db.select(AdminUser).filter_by(username=username)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"找不到用户名 {username}")
    try:
        changed = (permissions.grant if grant else permissions.revoke)(None, user, permission, via="cli")
    except permissions.PermissionDenied as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(("已修改" if changed else "未变化") + f"：{username} 的权限为 {_permission_list(user)}")


@click.command("grant-permission")
@click.option("--username", required=True)
@click.option("--permission", required=True, type=click.Choice(PERMISSION_NAMES))
@with_appcontext
def grant_permission_cmd(username, permission):
    """Give an account a permission (unmask, manage_accounts, publish_notice, create_payment_batch)."""
    _change_permission(username, permission, True)


@click.command("revoke-permission")
@click.option("--username", required=True)
@click.option("--permission", required=True, type=click.Choice(PERMISSION_NAMES))
@with_appcontext
def revoke_permission_cmd(username, permission):
    """Take a permission away from an account."""
    _change_permission(username, permission, False)


@click.command("rotate-keys")
@click.option("--rehash", is_flag=True,
              help="also recompute every ID number's lookup hash (after XUEBU_LOOKUP_KEY changed)")
@click.option("--batch", default=1000, show_default=True, help="rows per transaction")
@with_appcontext
def rotate_keys_cmd(rehash, batch):
    """Re-encrypt personal data under the first key of XUEBU_DATA_KEYS (docs/operations.md, Keys)."""
    from .crypto import keyring
    from .services.keys import rotate
    report = rotate(rehash=rehash, batch=batch)
    click.echo(f"当前数据密钥：{keyring().current}")
    for name, n in report.reencrypted.items():
        click.echo(f"重新加密 {name}：{n} 行")
    for name, n in report.rehashed.items():
        click.echo(f"重新计算查找哈希 {name}：{n} 行")
    if not report.reencrypted and not report.rehashed:
        click.echo("所有数据已使用当前密钥加密，无需处理。")
