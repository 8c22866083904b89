"""List actions "重新核验" for the document and application views (mixed into their ModelView classes)."""
from flask import flash
from flask_admin.actions import action
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Document
from ..services import verification


def _requeue_and_tell(documents) -> None:
    count = verification.requeue(documents, actor=current_user, via="console") if documents else 0
    flash(f"已重新提交 {count} 份材料进行自动核验。" if count else "所选材料都已核验完成，无需重新核验。",
          "success" if count else "info")


class DocumentRequeueMixin:
    @action("verify_requeue", "重新自动核验", "确定要对选中的材料重新进行自动核验吗？")
    def action_verify_requeue(self, ids):
        # get_query() is scoped to the admin's subtree, so foreign ids are simply not found.
        pk = self.model.id
        _requeue_and_tell(self.get_query().filter(pk.in_([int(i) for i in ids])).all())


class ApplicationRequeueMixin:
    @action("verify_requeue", "重新自动核验材料", "确定要对选中申请中未完成核验的材料重新进行自动核验吗？")
    def action_verify_requeue(self, ids):
        application_ids = [a.id for a in self.get_query().filter(self.model.id.in_([int(i) for i in ids]))]
        documents = db.session.execute(select(Document).where(
            Document.application_id.in_(application_ids))).scalars().all()
        _requeue_and_tell(documents)
