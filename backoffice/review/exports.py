"""Export column sets for the review lists (the masking kind of each personal column is declared here)."""
from sqlalchemy.orm import joinedload

from ..admin.exporting import export_response, wants_unmasked
from ..domain.flags import flag_label
from ..models import Appeal, Application, Batch, Disbursement, PaymentBatch, RosterEntry, Transfer
from ..services.exports import Column


def _roster_time(a):
    rb = a.roster_entry.roster_batch if a.roster_entry else None
    return rb.published_at if rb and rb.published_at else (rb.name if rb else "")


APPLICATION_COLUMNS = [
    Column("申请编号", lambda a: a.id),
    Column("姓名", lambda a: a.applicant.name, "name"),
    Column("身份证号", lambda a: a.applicant.id_number, "id_number"),
    Column("手机号", lambda a: a.applicant.mobile, "mobile"),
    Column("所属工会", lambda a: a.org.name),
    Column("批次", lambda a: str(a.batch)),
    Column("状态", lambda a: a.state),
    Column("当前审核单位", lambda a: a.reviewing_org.name if a.reviewing_org else ""),
    Column("名额序号", lambda a: a.quota_rank),
    Column("候补序号", lambda a: a.waitlist_position),
    Column("提交时间", lambda a: a.submitted_at),
    Column("核验提示", lambda a: "、".join(flag_label(f) for f in a.flags or [])),
    Column("最近原因", lambda a: a.last_reason),
]

PAID_COLUMNS = [
    Column("流水号", lambda d: d.id),
    Column("项目", lambda d: d.application.batch.programme.name),
    Column("批次", lambda d: d.application.batch.name),
    Column("姓名", lambda d: d.application.applicant.name, "name"),
    Column("身份证号", lambda d: d.application.applicant.id_number, "id_number"),
    Column("所属工会", lambda d: d.application.org.name),
    Column("资金来源", lambda d: d.payment_batch.funding_line.name if d.payment_batch.funding_line else "市总工会补助"),
    Column("金额", lambda d: d.amount),
    Column("银行卡号", lambda d: d.bank_card, "card"),
    Column("预报名时间", lambda d: _roster_time(d.application)),
    Column("申请时间", lambda d: d.application.first_submitted_at or d.application.submitted_at),
    Column("发放时间", lambda d: d.paid_at),
]

APPEAL_COLUMNS = [
    Column("申诉编号", lambda x: x.id),
    Column("申请编号", lambda x: x.application_id),
    Column("姓名", lambda x: x.application.applicant.name, "name"),
    Column("来源", lambda x: "公示异议" if x.source == "objection" else "申请人申诉"),
    Column("受理单位", lambda x: x.to_org.name),
    Column("内容", lambda x: x.text),
    Column("状态", lambda x: x.status),
    Column("答复", lambda x: x.reply),
    Column("提交时间", lambda x: x.created_at),
    Column("答复期限", lambda x: x.due_at),
]

TRANSFER_COLUMNS = [
    Column("编号", lambda t: t.id),
    Column("姓名", lambda t: t.applicant.name, "name"),
    Column("身份证号", lambda t: t.applicant.id_number, "id_number"),
    Column("迁出单位", lambda t: t.from_org.name),
    Column("迁入单位", lambda t: t.to_org.name),
    Column("状态", lambda t: t.status),
    Column("申请人", lambda t: t.requested_by),
    Column("申请时间", lambda t: t.created_at),
    Column("办结时间", lambda t: t.decided_at),
]



# What each column set reads from related rows, loaded with the rows themselves (one query per 500 rows, not one
# per row and relation: a 100k-row export is minutes shorter).
APPLICATION_LOADS = (joinedload(Application.applicant), joinedload(Application.org),
                joinedload(Application.reviewing_org), joinedload(Application.batch).joinedload(Batch.programme))
PAID_LOADS = (joinedload(Disbursement.application).joinedload(Application.applicant),
         joinedload(Disbursement.application).joinedload(Application.org),
         joinedload(Disbursement.application).joinedload(Application.batch).joinedload(Batch.programme),
         joinedload(Disbursement.application).joinedload(Application.roster_entry).joinedload(RosterEntry.roster_batch),
         joinedload(Disbursement.payment_batch).joinedload(PaymentBatch.funding_line))
_APPEAL = (joinedload(Appeal.application).joinedload(Application.applicant), joinedload(Appeal.to_org))
_TRANSFER = (joinedload(Transfer.applicant), joinedload(Transfer.from_org), joinedload(Transfer.to_org))


def applications(stmt, fmt):
    """`stmt`: the list's statement, run when the file is written (see admin.exporting)."""
    return export_response("申请列表", fmt, APPLICATION_COLUMNS, stmt.options(*APPLICATION_LOADS), unmask=wants_unmasked(),
                           what="review_queue")


def paid(stmt, fmt):
    return export_response("已发放名单", fmt, PAID_COLUMNS, stmt.options(*PAID_LOADS), unmask=wants_unmasked(), what="paid")


def appeals(stmt, fmt):
    return export_response("申诉列表", fmt, APPEAL_COLUMNS, stmt.options(*_APPEAL), unmask=wants_unmasked(),
                           what="appeals")


def transfers(stmt, fmt):
    return export_response("迁入迁出列表", fmt, TRANSFER_COLUMNS, stmt.options(*_TRANSFER), unmask=wants_unmasked(),
                           what="transfers")
