"""发放管理: payment batches (locked snapshots), the bank file, the bank's results, the paid lists."""
import io

from sqlalchemy import select

from ..domain import payments as rules
from ..domain.enums import AppealStatus, PaymentStatus
from ..domain.enums import ApplicationState as S
from ..domain.enums import ReviewDecision as A
from ..domain.notifications import Event
from ..domain.permissions import Permission
from ..extensions import db
from ..models import Appeal, Application, Batch, Disbursement, FundingLine, PaymentBatch
from ..models.base import utcnow
from . import audit, notifications, permissions, verification
from .notice import ended_notice_ids
from .transitions import apply_transition

BANK_HEADERS = ["流水号", "姓名", "身份证号", "银行卡号", "金额", "资金来源", "状态", "失败原因"]


class PaymentError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _paying_org(batch: Batch, funding_line: FundingLine | None) -> int:
    return funding_line.org_id if funding_line else batch.programme.org_id


def candidates(batch: Batch, funding_line: FundingLine | None = None, now=None) -> list[Application]:
    """Applications this payer owes now: notice over, no open appeal, not paid or pending for this line."""
    ended = ended_notice_ids(batch.id, now)
    fl_id = funding_line.id if funding_line else None
    stmt = select(Application).where(Application.batch_id == batch.id, Application.id.in_(ended or [0]))
    if funding_line:
        stmt = stmt.where(Application.funding_line_id == fl_id,
                          Application.state.in_([S.APPROVED, S.PAID, S.PAYMENT_FAILED]))
    rows = db.session.execute(stmt.order_by(Application.quota_rank, Application.id)).scalars().all()
    return [a for a in rows if _payable(a, fl_id, line_only=funding_line is not None)]


def _payable(application: Application, fl_id, line_only: bool) -> bool:
    own = db.session.execute(select(Disbursement.status, Disbursement.bank_card).where(
        Disbursement.application_id == application.id, Disbursement.funding_line_id.is_(fl_id)
        if fl_id is None else Disbursement.funding_line_id == fl_id)).all()
    open_appeal = db.session.execute(select(Appeal.id).where(
        Appeal.application_id == application.id, Appeal.status == AppealStatus.OPEN)).first() is not None
    state = application.state
    if line_only:  # a matching line pays whatever the city's own payment did; its failures are its own
        failed = any(s == PaymentStatus.FAILED for s, _ in own)
        state = S.PAYMENT_FAILED if failed else S.APPROVED
    return rules.payable(state, in_ended_notice=True, open_appeal=open_appeal,
                         has_open_or_paid=any(s != PaymentStatus.FAILED for s, _ in own),
                         card=application.applicant.bank_card,
                         failed_cards={rules.normalise_card(c) for s, c in own if s == PaymentStatus.FAILED})


def preview(batch: Batch, admin, funding_line: FundingLine | None = None, first: int = 10, now=None) -> dict:
    """What creating the batch would lock: count, total and the first rows (cards masked), nothing stored."""
    from ..domain.masking import mask_card
    _check_payer(admin, _paying_org(batch, funding_line))
    apps = candidates(batch, funding_line, now)
    amount = funding_line.amount if funding_line else None
    amounts = [float(amount or a.amount or batch.amount) for a in apps]
    return {"count": len(apps), "amount": sum(amounts),
            "rows": [{"n": n, "name": a.applicant.name, "org": a.org.name, "amount": amounts[n - 1],
                      "card": mask_card(rules.normalise_card(a.applicant.bank_card) or "")}
                     for n, a in enumerate(apps[:first], start=1)]}


def _check_payer(admin, paying_org_id: int) -> None:
    permissions.require(admin, Permission.CREATE_PAYMENT_BATCH)
    if admin.org_id != paying_org_id:
        raise PaymentError("not_payer", "只有出资单位可以创建该发放批次。")


def create_batch(batch: Batch, admin, funding_line: FundingLine | None = None, name: str = "",
                 now=None, expected: int | None = None) -> PaymentBatch:
    """A locked snapshot: the rows and amounts are fixed now and never recomputed; `expected` is the count the
    admin confirmed on the preview."""
    _check_payer(admin, _paying_org(batch, funding_line))
    apps = candidates(batch, funding_line, now)
    if not apps:
        raise PaymentError("nothing_to_pay", "当前没有可发放的名单（须公示期满、无未结申诉、银行卡号有效）。")
    if expected is not None and expected != len(apps):
        raise PaymentError("changed", f"确认后名单有变化（现为 {len(apps)} 人），请重新核对后再创建。")
    amount = funding_line.amount if funding_line else None
    pb = PaymentBatch(batch_id=batch.id, org_id=admin.org_id, funding_line_id=getattr(funding_line, "id", None),
                      name=(name or "").strip()[:120] or f"{batch} {'配套 ' + funding_line.name if funding_line else ''}"
                      f"发放 {utcnow():%Y%m%d%H%M}", created_by_id=admin.id, status="locked")
    db.session.add(pb)
    for a in apps:
        pb.disbursements.append(Disbursement(application_id=a.id, funding_line_id=pb.funding_line_id,
                                             amount=amount or a.amount or batch.amount,
                                             bank_card=rules.normalise_card(a.applicant.bank_card)))
    pb.total_amount, pb.people = sum(d.amount for d in pb.disbursements), len(apps)
    db.session.flush()
    audit.record("payment_batch_created", actor=admin, target=pb, detail={"rows": len(apps)})
    db.session.commit()
    return pb


def cancel_batch(pb: PaymentBatch, admin, reason: str) -> PaymentBatch:
    """作废 a batch whose bank file was never exported: its rows are released and may be paid in another batch."""
    permissions.require(admin, Permission.CREATE_PAYMENT_BATCH)
    if admin.org_id != pb.org_id:
        raise PaymentError("not_payer", "只有创建发放批次的单位可以作废。")
    if pb.status != "locked" or pb.exported_at is not None:
        raise PaymentError("exported", "银行发放文件已导出，不能作废（请以银行返回结果为准）。")
    reason = (reason or "").strip()[:200]
    if not reason:
        raise PaymentError("reason_required", "请填写作废原因。")
    rows = len(pb.disbursements)
    for d in list(pb.disbursements):
        db.session.delete(d)
    pb.status, pb.total_amount = "cancelled", 0
    audit.record("payment_batch_cancelled", actor=admin, target=pb, detail={"rows": rows, "reason": reason})
    db.session.commit()
    return pb


def bank_rows(pb: PaymentBatch):
    from ..domain.masking import shown
    source = pb.funding_line.name if pb.funding_line else "市总工会补助"
    for d in pb.disbursements:  # the bank needs the name and the full card; the ID number is not its business
        yield [d.id, d.application.applicant.name, shown("id_number", d.application.applicant.id_number),
               d.bank_card, float(d.amount), source, "", ""]


def export_bank_file(pb: PaymentBatch, admin) -> bytes:
    """The bank's payment file; the bank fills 状态 (成功/失败) and 失败原因 and sends it back. It carries full
    card numbers (the bank pays into them), so only the payer's holders of the payment permission get it."""
    from .exports import xlsx_bytes
    permissions.require(admin, Permission.CREATE_PAYMENT_BATCH)
    if admin.org_id != pb.org_id:
        raise PaymentError("not_payer", "只有出资单位可以下载该批次的银行发放文件。")
    data = xlsx_bytes(BANK_HEADERS, bank_rows(pb), sheet="发放名单")
    pb.exported_at = pb.exported_at or utcnow()
    if pb.status == "locked":
        pb.status = "exported"
    audit.record("payment_file_exported", actor=admin, target=pb, detail={"rows": len(pb.disbursements)})
    db.session.commit()
    return data


def read_result_file(data: bytes, filename: str) -> list[rules.BankResult]:
    rows = _table(data, filename)
    if not rows:
        raise PaymentError("empty_file", "文件是空的。")
    header = [str(c or "").strip() for c in rows[0]]
    try:
        i_id, i_status = header.index("流水号"), header.index("状态")
    except ValueError:
        raise PaymentError("bad_header", "文件第一行须包含“流水号”和“状态”两列。") from None
    i_reason = header.index("失败原因") if "失败原因" in header else None
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue
        out.append(rules.read_result_row(n, _cell(row, i_id), _cell(row, i_status), _cell(row, i_reason)))
    return out


def _cell(row: list, i: int | None):
    return row[i] if i is not None and i < len(row) else None


def _table(data: bytes, filename: str) -> list[list]:
    if filename.lower().endswith(".csv"):
        import csv
        text = data.decode("utf-8-sig", errors="replace")
        return [list(r) for r in csv.reader(io.StringIO(text))]
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is the user's mistake, not a crash
        raise PaymentError("bad_file", "无法读取该文件，请上传银行返回的 xlsx 或 csv 文件。") from None
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def import_results(pb: PaymentBatch, admin, data: bytes, filename: str, now=None) -> list[dict]:
    """Apply the bank's results row by row; bad rows are reported, good rows still count."""
    now = now or utcnow()
    by_id = {d.id: d for d in pb.disbursements}
    report = []
    for r in read_result_file(data, filename):
        d = by_id.get(r.disbursement_id)
        if r.paid is None or d is None:
            report.append({"row": r.row, "ok": False, "message": r.reason or "流水号不属于本发放批次"})
            continue
        report.append({"row": r.row, "ok": True, **_apply_result(d, r, admin, now)})
    pb.results_imported_at = now
    if all(d.status != PaymentStatus.PENDING for d in pb.disbursements):
        pb.status = "closed"
    audit.record("payment_results_imported", actor=admin, target=pb,
                 detail={"rows": len(report), "ok": sum(1 for x in report if x["ok"])})
    db.session.commit()
    return report


def _apply_result(d: Disbursement, r: rules.BankResult, admin, now) -> dict:
    if d.status != PaymentStatus.PENDING:
        return {"message": f"流水号 {d.id} 已处理过，忽略"}
    application = d.application
    d.status = PaymentStatus.PAID if r.paid else PaymentStatus.FAILED
    d.paid_at = now if r.paid else None
    d.failure_reason = None if r.paid else r.reason
    if d.funding_line_id is None:  # the city's own payment decides the application's state
        apply_transition(application, A.PAY if r.paid else A.PAY_FAIL, admin=admin, now=now,
                         values={} if r.paid else {"last_reason": f"银行发放失败：{r.reason}。请核对并更新银行卡号。"},
                         history={"org_id": admin.org_id, "reason": None if r.paid else r.reason})
    if r.paid:  # told once the import commits
        notifications.announce(Event.PAID, application, d.id, amount=f"{d.amount:.2f}",
                               card_tail=(d.bank_card or "")[-4:])
    else:
        notifications.announce(Event.PAYMENT_FAILED, application, d.id,
                               detail=f"银行退回原因：{r.reason}。更正银行卡号后将在下一批次重新发放。")
    return {"message": f"流水号 {d.id}：{'发放成功' if r.paid else '发放失败：' + r.reason}"}


def paid_rows(org, programme_id: int | None = None):
    """已发放名单 (a statement): pre-registration, application and payment times, for the org subtree."""
    from ..models import Batch as B
    from .scope import scope_clause
    stmt = select(Disbursement).join(Application, Application.id == Disbursement.application_id).where(
        Disbursement.status == PaymentStatus.PAID, scope_clause(Application, org.path))
    if programme_id:
        stmt = stmt.join(B, B.id == Application.batch_id).where(B.programme_id == programme_id)
    return stmt.order_by(Disbursement.paid_at, Disbursement.id)


def update_bank_card(applicant, card: str, *, actor=None):
    """The applicant (or an admin for them) stores the card to pay into; a failed payment is retried with it."""
    clean = rules.normalise_card(card)
    if not rules.card_valid(clean):
        raise PaymentError("invalid_card", "银行卡号应为 12 到 19 位数字。")
    old = applicant.bank_card
    applicant.bank_card = clean
    audit.record("bank_card_changed", actor=actor or applicant, target=applicant, org_id=applicant.org_id,
                 detail={"old_last4": (old or "")[-4:], "new_last4": clean[-4:]})
    db.session.commit()
    # The uploaded card was compared with the old number: compare it with the new one.
    if old != clean:
        verification.follow_expected(list(applicant.applications), actor=actor or applicant, via="card_changed")
    return applicant
