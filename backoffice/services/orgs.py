"""Organisation tree operations: create under a parent, move a subtree."""
from sqlalchemy import String, func, literal, update

from ..domain.enums import OrgKind, OrgStatus
from ..extensions import db
from ..models import Organisation


def create_org(parent: Organisation | None, *, code: str, name: str, kind: OrgKind,
               status: OrgStatus = OrgStatus.ACTIVE, **fields) -> Organisation:
    org = Organisation(parent=parent, code=code, name=name, kind=kind, status=status, path="", **fields)
    db.session.add(org)
    db.session.flush()  # the id is part of the path
    org.path = (parent.path if parent else "/") + f"{org.id}/"
    org.depth = (parent.depth + 1) if parent else 0
    return org


def move_subtree(org: Organisation, new_parent: Organisation) -> None:
    """Re-parent an org; every descendant's path is rewritten in one UPDATE, in the caller's transaction."""
    if new_parent.path.startswith(org.path):
        raise ValueError("不能把组织移动到它自己的下级单位之下。")
    old_path, new_path = org.path, new_parent.path + f"{org.id}/"
    depth_delta = new_parent.depth + 1 - org.depth
    db.session.execute(
        update(Organisation)
        .where(Organisation.path.startswith(old_path))
        .values(path=literal(new_path, String) + func.substr(Organisation.path, len(old_path) + 1),
                depth=Organisation.depth + depth_delta)
        .execution_options(synchronize_session=False))
    org.parent_id = new_parent.id
    db.session.flush()
    from . import tally  # the subtree's applications now count for its new ancestors
    tally.moved(new_path, old_path[: old_path.rstrip("/").rfind("/") + 1], new_parent.path)
    db.session.expire_all()


def find_by_code(code: str) -> Organisation | None:
    return db.session.execute(db.select(Organisation).filter_by(code=code)).scalar_one_or_none()
