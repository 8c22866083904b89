"""Personal data on console screens: masked, unless an admin holding the permission asks for full values on one
page (?unmask=1); each such page view is audited, like an unmasked export."""
from flask import Flask, g, request
from flask_login import current_user

from ..domain.masking import shown
from ..extensions import db
from ..services import audit

SCREEN_KINDS = ("id_number", "card", "mobile", "text")  # names stay readable on screens (reviewers need them)


def screen_unmasked() -> bool:
    """True when this request asked for full values and the admin may see them; recorded once per request."""
    if request.args.get("unmask") != "1" or not getattr(current_user, "can_unmask", False):
        return False
    if not g.get("xuebu_unmask_recorded"):
        audit.record("personal_data_viewed", actor=current_user._get_current_object(),
                     detail={"path": request.path}, ip=request.remote_addr)
        db.session.commit()
        g.xuebu_unmask_recorded = True
    return True


def pii(value, kind: str):
    """A personal value as this page may show it (names are shown in full on screens)."""
    return shown(kind if kind in SCREEN_KINDS else None, value, screen_unmasked() if kind in SCREEN_KINDS else True)


def unmask_url() -> str:
    """This page again with full values (the link only holders of the permission see)."""
    args = request.args.to_dict(flat=False) | {"unmask": ["1"]}
    from urllib.parse import urlencode
    return request.path + "?" + urlencode(args, doseq=True)


def install(app: Flask) -> None:
    app.jinja_env.globals.update(pii=pii, unmask_url=unmask_url, screen_unmasked=screen_unmasked)
