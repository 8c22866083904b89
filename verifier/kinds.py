"""Document kinds, the checks each reports, and the expected values those compare with: plain tables the
back office reads without loading the pipeline (OpenCV, the models)."""
from __future__ import annotations

# Checks each kind reports besides `readable`; used to fill in 'unsure' when the image is unreadable.
KIND_CHECKS = {
    "application_form": ["photo_present", "seal_present"],
    "id_card_front": ["id_number_valid", "id_number_match", "name_match"],
    "id_card_back": ["validity_not_expired"],
    "bank_card": ["card_number_valid"],
    "diploma": ["name_match"],
    "diploma_registration": ["name_match"],
    "student_status_report": ["name_match"],
    "tuition_receipt": ["name_match"],
}
KINDS = tuple(KIND_CHECKS)
# The expected value each check compares the document with: a kind's result depends on these besides the image.
CHECK_EXPECTS = {"id_number_valid": "id_number", "id_number_match": "id_number", "name_match": "name",
                 "card_number_valid": "card_number"}


def expected_keys(kind: str) -> list[str]:
    """The expected values (contract §5 `expected`) a kind's checks compare with, e.g. ["id_number", "name"]."""
    return sorted({CHECK_EXPECTS[c] for c in KIND_CHECKS[kind] if c in CHECK_EXPECTS})
