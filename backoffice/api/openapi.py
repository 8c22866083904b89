"""The OpenAPI 3 description of /api/v1 (hand-written; a test checks it against the url_map)."""

KINDS = ["application_form", "id_card_front", "id_card_back", "bank_card", "diploma", "diploma_registration",
         "student_status_report", "tuition_receipt"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(c): {"$ref": "#/components/responses/Error"} for c in codes}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


APP_ID = {"name": "id", "in": "path", "required": True,
          "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}
SECURED = [{"bearer": []}]

SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "detail"], "properties": {
        "error": {"type": "string", "example": "batch_full"}, "detail": {"type": "string"},
        "message": {"type": "string", "nullable": True, "description": "Chinese text for people"},
        "reasons": {"type": "array", "items": _ref("Reason")}}},
    "Reason": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
    "Applicant": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "mobile": {"type": "string"},
        "org_id": {"type": "integer", "nullable": True}}},
    "Token": {"type": "object", "required": ["token", "token_type"], "properties": {
        "token": {"type": "string"}, "token_type": {"type": "string", "enum": ["bearer"]},
        "expires_in": {"type": "integer"}, "applicant": _ref("Applicant")}},
    "Batch": {"type": "object", "properties": {
        "id": {"type": "integer"}, "programme_id": {"type": "integer"}, "programme": {"type": "string"},
        "name": {"type": "string"}, "apply_opens_at": {"type": "string", "format": "date-time"},
        "apply_closes_at": {"type": "string", "format": "date-time"}, "quota": {"type": "integer"},
        "allocated": {"type": "integer"}, "waitlist_cap": {"type": "integer"}, "waitlisted": {"type": "integer"},
        "amount": {"type": "string"}, "required_documents": {"type": "array", "items": {"type": "object"}},
        "eligible": {"type": "boolean", "description": "only with a bearer token"},
        "reasons": {"type": "array", "items": _ref("Reason")}}},
    "Org": {"type": "object", "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}}},
    "ApplicationSummary": {"type": "object", "required": ["id", "state", "quota_rank", "waitlist_position"],
                           "properties": {
        "id": {"type": "integer"}, "batch_id": {"type": "integer"}, "org_id": {"type": "integer"},
        "state": {"type": "string", "enum": ["draft", "waitlisted", "in_review", "returned", "refused",
                                             "approved", "withdrawn", "paid"]},
        "state_label": {"type": "string"}, "quota_rank": {"type": "integer", "nullable": True},
        "waitlist_position": {"type": "integer", "nullable": True},
        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
        "reviewing_org_id": {"type": "integer", "nullable": True},
        "last_reason": {"type": "string", "nullable": True}}},
    "Application": {"allOf": [_ref("ApplicationSummary"), {"type": "object", "properties": {
        "education_level": {"type": "string", "nullable": True}, "study_year": {"type": "integer", "nullable": True},
        "amount": {"type": "string", "nullable": True}, "documents": {"type": "array", "items": _ref("Document")},
        "missing_documents": {"type": "array", "items": {"type": "string", "enum": KINDS}},
        "review_notes": {"type": "array", "items": {"type": "object"}},
        "return_items": {"type": "array", "items": _ref("ReturnItem"),
                         "description": "驳回: the documents to fix and why (empty unless state is returned)"},
        "resubmit_due_at": {"type": "string", "format": "date-time", "nullable": True,
                            "description": "UTC; resubmit before it to keep the quota slot (only when returned)"},
        "payment": {"allOf": [_ref("PaymentProblem")], "nullable": True,
                    "description": "set when the bank refused the payment (state payment_failed)"},
        "appeals": {"type": "array", "items": _ref("Appeal")},
        "warnings": {"type": "array", "items": _ref("Reason"),
                     "description": "e.g. bank_card_missing while the application can still be edited"}}}]},
    "ReturnItem": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": KINDS}, "kind_label": {"type": "string"},
        "code": {"type": "string", "enum": ["unclear", "mismatch", "wrong_document", "expired", "missing_seal",
                                            "other"]},
        "reason": {"type": "string", "description": "Chinese text of the code"}, "note": {"type": "string"}}},
    "PaymentProblem": {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["failed"]}, "reason": {"type": "string"},
        "retry_ready": {"type": "boolean", "description": "a new valid card is on file: paid in the next batch"},
        "action": {"type": "string", "nullable": True, "enum": ["update_bank_card", None],
                   "description": "PUT /api/v1/me/bank-card with a card the bank has not refused"}}},
    "Appeal": {"type": "object", "properties": {
        "id": {"type": "integer"}, "status": {"type": "string", "enum": ["open", "upheld", "dismissed"]},
        "text": {"type": "string"}, "reply": {"type": "string", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "due_at": {"type": "string", "format": "date-time", "nullable": True},
        "replied_at": {"type": "string", "format": "date-time", "nullable": True}}},
    "BankCard": {"type": "object", "properties": {
        "is_set": {"type": "boolean"}, "masked": {"type": "string", "nullable": True,
                                                  "example": "**** **** **** 1234"},
        "payment_failures": {"type": "array", "items": {"type": "object", "properties": {
            "application_id": {"type": "integer"}, "reason": {"type": "string"},
            "retry_ready": {"type": "boolean"}}}}}},
    "Transfer": {"type": "object", "properties": {
        "id": {"type": "integer"}, "status": {"type": "string", "enum": ["pending", "approved", "rejected",
                                                                         "cancelled"]},
        "from_org": _ref("Org"), "to_org": _ref("Org"), "batch_id": {"type": "integer", "nullable": True},
        "reason": {"type": "string", "nullable": True}, "from_approved": {"type": "boolean"},
        "to_approved": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"},
        "decided_at": {"type": "string", "format": "date-time", "nullable": True}}},
    "Document": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "enum": KINDS}, "kind_label": {"type": "string"},
        "mime": {"type": "string"}, "size": {"type": "integer"}, "width": {"type": "integer"},
        "height": {"type": "integer"}, "sha256": {"type": "string"}, "verification_status": {"type": "string"},
        "uploaded_at": {"type": "string", "format": "date-time"}}},
}

PATHS = {
    "/api/v1/auth/register": {"post": {
        "summary": "Register an applicant (name, GB 11643 ID number, mobile, password)", "security": [],
        "requestBody": _body({"type": "object", "required": ["name", "id_number", "mobile", "password"],
                              "properties": {k: {"type": "string"} for k in ("name", "id_number", "mobile",
                                                                             "password")}}),
        "responses": {"201": _json({"type": "object", "properties": {
            "applicant": _ref("Applicant"), "token": {"type": "string"}, "token_type": {"type": "string"}}},
            "Registered"), **_errors(400, 409, 422)}}},
    "/api/v1/auth/login": {"post": {
        "summary": "Log in with ID number and password; returns a bearer token", "security": [],
        "requestBody": _body({"type": "object", "required": ["id_number", "password"], "properties": {
            "id_number": {"type": "string"}, "password": {"type": "string"}}}),
        "description": "Five wrong passwords in a row lock the account for 15 minutes: 429 with error "
                       "account_locked, retry_after (seconds) and a Retry-After header.",
        "responses": {"200": _json(_ref("Token")), **_errors(400, 401, 429)}}},
    "/api/v1/batches": {"get": {
        "summary": "Batches open (or about to open) for applications; with a token, eligibility and reasons",
        "security": [{}, {"bearer": []}],
        "responses": {"200": _json({"type": "object", "properties": {
            "batches": {"type": "array", "items": _ref("Batch")}}})}}},
    "/api/v1/orgs": {"get": {
        "summary": "Active unit unions (grassroots/enterprise) to choose from", "security": [],
        "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}],
        "responses": {"200": _json({"type": "object", "properties": {
            "orgs": {"type": "array", "items": _ref("Org")}}})}}},
    "/api/v1/applications": {
        "get": {"summary": "The caller's applications", "security": SECURED,
                "responses": {"200": _json({"type": "object", "properties": {
                    "applications": {"type": "array", "items": _ref("ApplicationSummary")}}}),
                    **_errors(401)}},
        "post": {"summary": "Create a draft application in a batch for a unit union", "security": SECURED,
                 "requestBody": _body({"type": "object", "required": ["batch_id", "org_id"], "properties": {
                     "batch_id": {"type": "integer"}, "org_id": {"type": "integer"},
                     "education_level": {"type": "string"}, "study_year": {"type": "integer"}}}),
                 "responses": {"201": _json(_ref("Application"), "Created"), **_errors(400, 401, 404, 409, 422)}}},
    "/api/v1/applications/{id}": {"get": {
        "summary": "One of the caller's applications: state, rank, queue position, documents, return reasons",
        "security": SECURED, "parameters": [APP_ID],
        "responses": {"200": _json(_ref("Application")), **_errors(401, 404)}}},
    "/api/v1/applications/{id}/documents/{kind}": {"put": {
        "summary": "Upload (or replace) one document: jpg/png/pdf by content, at most 3 MB", "security": SECURED,
        "parameters": [APP_ID, {"name": "kind", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": KINDS}}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"], "properties": {"file": {"type": "string",
                                                                           "format": "binary"}}}}}},
        "responses": {"201": _json(_ref("Document"), "Stored"), **_errors(400, 401, 404, 409, 413, 422)}}},
    "/api/v1/applications/{id}/submit": {"post": {
        "summary": "Submit (or resubmit after a return). First come, first served: a quota rank or a waitlist "
                   "position; 409 batch_full when both are used up",
        "security": SECURED, "parameters": [APP_ID],
        "responses": {"200": _json(_ref("ApplicationSummary")), **_errors(401, 404, 409, 422)}}},
    "/api/v1/applications/{id}/withdraw": {"post": {
        "summary": "Withdraw; a held quota slot passes to the head of the waitlist", "security": SECURED,
        "parameters": [APP_ID],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"reason": {"type": "string"}}}}}},
        "responses": {"200": _json(_ref("ApplicationSummary")), **_errors(401, 404, 409)}}},
    "/api/v1/applications/{id}/appeals": {"post": {
        "summary": "Appeal against a return or refusal", "security": SECURED, "parameters": [APP_ID],
        "requestBody": _body({"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}),
        "responses": {"201": _json({"type": "object", "properties": {
            "id": {"type": "integer", "nullable": True}, "application_id": {"type": "integer"},
            "status": {"type": "string", "nullable": True}}}, "Filed"), **_errors(400, 401, 404, 409, 422, 503)}}},
    "/api/v1/me/bank-card": {
        "get": {"summary": "The card the subsidy is paid to (masked) and any payment the bank refused",
                "security": SECURED, "responses": {"200": _json(_ref("BankCard")), **_errors(401)}},
        "put": {"summary": "Set or replace the bank card number (12-19 digits, Luhn check digit). After a failed "
                           "payment a card the bank has not refused makes the application payable in the next "
                           "payment batch",
                "security": SECURED,
                "requestBody": _body({"type": "object", "required": ["card_number"], "properties": {
                    "card_number": {"type": "string", "example": "6222 0202 0011 2233 445"}}}),
                "responses": {"200": _json(_ref("BankCard")), **_errors(400, 401, 422)}}},
    "/api/v1/transfers": {
        "get": {"summary": "The caller's transfer requests (迁入迁出), newest first", "security": SECURED,
                "responses": {"200": _json({"type": "object", "properties": {
                    "transfers": {"type": "array", "items": _ref("Transfer")}}}), **_errors(401)}},
        "post": {"summary": "Ask to move to another unit union (an active grassroots union or enterprise from "
                            "GET /api/v1/orgs); both unions approve in the console",
                 "security": SECURED,
                 "requestBody": _body({"type": "object", "required": ["to_org_id"], "properties": {
                     "to_org_id": {"type": "integer"}, "reason": {"type": "string"},
                     "batch_id": {"type": "integer"}}}),
                 "responses": {"201": _json(_ref("Transfer"), "Requested"), **_errors(400, 401, 409, 422)}}},
    "/api/v1/openapi.json": {"get": {"summary": "This document", "security": [],
                                     "responses": {"200": _json({"type": "object"})}}},
}


# Answers any operation can give: input no database can store, too many requests, the database unavailable.
COMMON_ERRORS = (400, 429, 503)


def _with_common_errors(paths: dict) -> dict:
    out = {}
    for path, operations in paths.items():
        out[path] = {}
        for method, operation in operations.items():
            responses = dict(operation.get("responses", {}))
            for code in COMMON_ERRORS:
                responses.setdefault(str(code), {"$ref": "#/components/responses/Error"})
            out[path][method] = {**operation, "responses": responses}
    return out


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "学补 xuebu applicant API", "version": "1.0.0",
                 "description": "Errors are JSON {\"error\": CODE, \"detail\": TEXT} with a 4xx status."},
        "servers": [{"url": "/"}],
        "paths": _with_common_errors(PATHS),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": _json(_ref("Error"), "Error")},
        },
    }
