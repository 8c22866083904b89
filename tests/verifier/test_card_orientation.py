"""Up or down of a card whose raised digits have no foil: they are the card's own colour, and the first quick
read sees nothing card-like either way up. A deeper look (four more views of the number band, each way up)
settles it then (bench/exact_crops.py seed 781, #39: a red card cropped exactly and turned 270 degrees, 900 px;
the code before left it upside down and could not read it)."""
from pathlib import Path

import cv2
import numpy as np

from verifier import document, pipeline
from verifier.result import DocImage, PASS

CARD = Path(__file__).parent / "data" / "card_unfoiled_sideways.jpg"


def test_unfoiled_card_turned_sideways_is_read():
    checks = {c.name: c for c in pipeline.run_checks(cv2.imread(str(CARD)), "bank_card", {})}
    assert checks["card_number_valid"].status == PASS
    assert checks["card_number_valid"].value == "6212268109721534"


def _view(mark: int) -> DocImage:
    img = np.zeros((4, 4), np.uint8)
    img[0, 0] = mark                  # top left: 1 as is; after a half turn it is bottom right
    return DocImage(original=img, doc=img, to_original=np.eye(3), notes=[])


def _turned(doc: np.ndarray) -> bool:
    return doc[3, 3] == 1


def test_deeper_score_decides_only_when_neither_quick_score_reaches_the_floor():
    calls = []

    def deeper(doc):
        calls.append(_turned(doc))
        return 30 if _turned(doc) else 0

    # Neither quick score reaches the floor: the deeper one turns the view.
    view = document.orient(_view(1), lambda d: 4 if _turned(d) else 0, 20, floor=10, deeper=deeper)
    assert _turned(view.doc) and calls == [False, True]
    # One quick score reaches it: the deeper score is not asked.
    calls.clear()
    view = document.orient(_view(1), lambda d: 0 if _turned(d) else 12, 20, floor=10, deeper=deeper)
    assert not _turned(view.doc) and calls == []
    # The deeper score must reach the floor too.
    view = document.orient(_view(1), lambda d: 0, 20, floor=10, deeper=lambda d: 8 if _turned(d) else 0)
    assert not _turned(view.doc)
