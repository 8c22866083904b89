"""A card turned sideways whose raised digits have no foil (they are the card's own colour)."""
from pathlib import Path

import cv2

from verifier import pipeline

CARD = Path(__file__).parent / "data" / "card_unfoiled_sideways.jpg"


def test_unfoiled_card_turned_sideways_is_read_by_both_readers():
    checks = {c.name: c for c in pipeline.run_checks(cv2.imread(str(CARD)), "bank_card", {})}
    assert checks["readable"].status == "pass"
    # Tesseract reads the raised digits only on the views of their difference from the card's background.
    assert (checks["card_number_valid"].status, checks["card_number_valid"].value) == ("pass", "6212268109721534")
