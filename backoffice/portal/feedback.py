"""What a worker is told about each uploaded document: the automatic checks in plain words, as soon as done."""
from ..domain.enums import DOCUMENT_KIND_LABELS
from ..domain.enums import VerificationStatus as VS
from ..domain.flags import FAILED_FLAG
from ..services.verification import latest_result

# check name → what to do about it, addressed to the worker (the console has the reviewer's wording).
ADVICE = {
    "readable": "照片不够清晰，请在光线充足处正对材料重新拍摄，四角完整、文字清楚",
    "photo_present": "申请表上未检测到本人照片，请贴好照片后重新上传",
    "seal_present": "未检测到工会公章，请上传盖章后的申请表",
    "id_number_valid": "未能读出有效的身份证号，请避开反光重新拍摄人像面",
    "id_number_match": "读出的身份证号与预报名名单不一致，请确认上传的是本人身份证",
    "name_match": "读出的姓名与预报名名单不一致，请确认上传的是本人材料",
    "validity_not_expired": "身份证已过有效期，请上传有效期内的身份证",
    "card_number_valid": "未能读出有效的银行卡号，或与您填写的卡号不一致：请重新拍摄有卡号的一面，或核对填写的卡号",
    FAILED_FLAG: "自动检查未能完成，工会审核人员会人工核对",
}
WAITING = {VS.PENDING, VS.QUEUED, VS.VERIFYING}


def document_feedback(document) -> dict:
    """{"state": "checking" | "ok" | "problems", "problems": [plain sentences]} for one document."""
    if document.verification_status in WAITING:
        return {"state": "checking", "problems": [], "text": "正在自动检查，请稍候……"}
    if document.verification_status == VS.FAILED:
        return {"state": "problems", "problems": [ADVICE[FAILED_FLAG]], "text": ""}
    result = latest_result(document)
    names = [c.get("name") for c in (result.result.get("checks", []) if result else [])
             if c.get("status") != "pass"]
    problems = [ADVICE.get(n, "自动检查有提示，审核人员会人工核对") for n in names]
    return {"state": "problems" if problems else "ok", "problems": problems,
            "text": "" if problems else "自动检查未发现问题"}


def application_feedback(application) -> dict:
    """kind → feedback, for the page and for its polling."""
    return {d.kind.value: document_feedback(d) | {"label": DOCUMENT_KIND_LABELS[d.kind]}
            for d in application.documents}
