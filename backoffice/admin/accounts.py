"""The account pages' permission part: the checkboxes an admin may tick, saving them through the service, and the
grant/revoke history on the account page."""
from flask import flash
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from wtforms import SelectMultipleField

from ..domain import permissions as rules
from ..domain.clock import beijing
from ..domain.enums import AdminRole
from ..domain.permissions import PERMISSION_LABELS, Permission
from ..extensions import db
from ..services import permissions


def _checkboxes(field, **kwargs):
    """Bootstrap checkboxes, one per line (flask-admin's form-control class would draw them as a text box)."""
    rows = []
    for choice in field.iter_choices():
        value, label, checked = choice[0], choice[1], choice[2]
        box_id = f"{field.id}-{value}"
        rows.append(Markup('<div class="form-check"><input class="form-check-input" type="checkbox" name="{}" '
                           'id="{}" value="{}"{}><label class="form-check-label" for="{}">{}</label></div>')
                    .format(field.name, box_id, value, Markup(" checked") if checked else "", box_id, label))
    return Markup('<div class="permission-boxes mb-1">') + Markup("").join(rows) + Markup("</div>")


class CheckboxesField(SelectMultipleField):
    widget = staticmethod(_checkboxes)

    def pre_validate(self, form):
        # Only what the form offered may come back (a forged value is refused here, and by the service anyway).
        offered = {value for value, _ in self.choices}
        if any(value not in offered for value in self.data or []):
            from wtforms.validators import ValidationError
            raise ValidationError("只能选择您可以授予的权限。")


def permission_field() -> CheckboxesField:
    return CheckboxesField("权限", choices=[], coerce=str,
                           description="只列出您可以授予或收回的权限；每次授予和收回都会记入操作日志。")


def permission_labels(user) -> str:
    return "、".join(PERMISSION_LABELS[p] for p in Permission if p in user.permissions) or "—"


class AccountPermissionsMixin:
    """For the admin-user view: offers only grantable permissions and saves them through services.permissions."""

    def create_form(self, obj=None):
        return self._offer(super().create_form(obj), None)

    def edit_form(self, obj=None):
        return self._offer(super().edit_form(obj), obj)

    def _offer(self, form, obj):
        actor = current_user._get_current_object()
        offered = permissions.offered(actor, obj)
        form.grants.choices = [(p.value, PERMISSION_LABELS[p]) for p in offered]
        if not form.is_submitted():  # what the boxes show: the account's own, or a new admin's defaults
            held = _held(obj) if obj is not None else rules.DEFAULTS[AdminRole.ADMIN]  # a new admin's
            form.grants.data = [p.value for p in offered if p in held]
        kept = [PERMISSION_LABELS[p] for p in Permission if obj is not None and p in _held(obj) and p not in offered]
        notes = ([f"另有您不能修改的权限：{'、'.join(kept)}。"] if kept else []) + \
            ([] if offered else ["您不能修改该账号的权限。"])
        form.grants.description = "".join(notes) or form.grants.description
        return form

    def is_accessible(self) -> bool:
        return super().is_accessible() and Permission.MANAGE_ACCOUNTS in current_user.permissions

    def check_account_change(self, actor, model, is_created, password_set: bool) -> None:
        """Creating an account, or changing its role, org, state or password, needs the manage-accounts
        permission over its org; nobody does this to their own account here (their superior does; a password
        is changed on the password page)."""
        changed = is_created or password_set or any(sa_inspect(model).attrs[name].history.has_changes()
                                                    for name in ("role", "org", "org_id", "active"))
        if changed:
            permissions.require_account_change(actor, model.org, None if is_created else model)

    def apply_permissions(self, actor, model, ticked, is_created) -> None:
        """The account ends up with what was ticked (within what its role and level allow) plus what the form
        could not offer; each change is checked and audited by the service."""
        if is_created:
            db.session.flush()  # grants are audited against the new account's id
        else:
            permissions.drop_beyond_ceiling(actor, model)
        offered = set(permissions.offered(actor, None if is_created else model))
        ticked = {Permission(v) for v in ticked} & offered
        allowed = rules.ceiling(model.role, model.holder.level)
        skipped = [PERMISSION_LABELS[p] for p in Permission if p in ticked - allowed]
        if skipped:
            flash(f"该账号的角色和单位层级不能拥有：{'、'.join(skipped)}，未授予。", "warning")
        permissions.set_permissions(actor, model, (ticked & allowed) | (_held(model) - offered))

    def permission_summary(self, user) -> dict:
        """What the account page shows: current permissions and their grant/revoke history."""
        return {"current": [PERMISSION_LABELS[p] for p in Permission if p in user.permissions],
                "history": permissions.history(user)}

    def render(self, template, **kwargs):
        return super().render(template, beijing=beijing, via_labels=VIA_LABELS, **kwargs)


VIA_LABELS = {"cli": "命令行", "seed-demo": "演示数据", "role_or_org_changed": "角色或单位变更", "migration": "升级迁移"}


def _held(user) -> set:
    return {Permission(r.permission) for r in user.permission_rows}
