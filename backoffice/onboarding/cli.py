"""`xuebu create-invite`: an invitation link from the command line (contract §2)."""
import click
from flask.cli import with_appcontext


@click.command("create-invite")
@click.option("--org-code", required=True, help="发放邀请的组织代码")
@click.option("--kind", type=click.Choice(["union", "enterprise"]), required=True, help="邀请下级工会或企业")
@click.option("--max", "max_uses", type=click.IntRange(min=1), default=None, help="最多可注册数量（默认不限）")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True, help="有效天数")
@with_appcontext
def create_invite(org_code, kind, max_uses, days):
    """Create an invitation link for an organisation and print its /join/ URL."""
    from ..services import invitations, orgs
    org = orgs.find_by_code(org_code)
    if org is None:
        raise click.ClickException(f"找不到组织代码 {org_code}")
    try:
        invitation, token = invitations.create_invitation(org, kind=kind, days=days, max_uses=max_uses)
    except invitations.InvitationError as exc:
        raise click.ClickException(str(exc))
    click.echo(invitations.join_url(token))
    click.echo(f"邀请 #{invitation.id}：{org.name}，有效期至 {invitation.expires_at:%Y-%m-%d %H:%M}（UTC），"
               f"可注册 {max_uses or '不限'} 家。链接只显示这一次，请妥善保存。", err=True)


COMMANDS = [create_invite]
