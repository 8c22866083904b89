"""JSON errors: {"error": CODE, "detail": English text}, plus the Chinese message people read."""
from flask import jsonify

DETAILS = {
    "unauthorized": "A valid bearer token is required.",
    "invalid_credentials": "ID number or password is wrong.",
    "account_locked": "Too many wrong passwords in a row: the account is locked for a while; try again after "
                      "retry_after seconds.",
    "invalid_json": "The request body must be a JSON object.",
    "invalid_input": "Some fields are missing or invalid.",
    "already_registered": "This ID number is already registered.",
    "not_found": "No such resource (or it is not yours).",
    "batch_closed": "The batch is not open for applications.",
    "invalid_org": "org_id must be an active grassroots union or enterprise.",
    "application_exists": "You already have an application in this batch.",
    "invalid_state": "The application is not in a state that allows this.",
    "not_eligible": "The application does not meet the batch's rules; see reasons.",
    "batch_full": "Quota and waitlist are both used up.",
    "deadline_passed": "The deadline for resubmission has passed.",
    "unknown_kind": "Unknown document kind.",
    "missing_file": "Send the file as multipart field 'file'.",
    "empty_file": "The file is empty.",
    "file_too_large": "The file exceeds the per-file size limit.",
    "unsupported_type": "Only JPEG, PNG and PDF files are accepted (by content).",
    "too_many_pixels": "The image has too many pixels.",
    "corrupt_file": "The file is damaged, truncated or cannot be rendered.",
    "pdf_no_page": "The PDF has no page.",
    "pdf_blank_page": "The PDF's first page is blank (or its page tree leads nowhere); put the document first.",
    "not_available": "This function is not available yet.",
}


def error(code: str, status: int, *, message: str | None = None, reasons=None, **extra):
    body = {"error": code, "detail": DETAILS.get(code, code.replace("_", " ")), "message": message}
    if reasons:
        body["reasons"] = [{"code": r.code, "message": r.message} for r in reasons]
    body.update({k: v for k, v in extra.items() if v})
    return jsonify(body), status
