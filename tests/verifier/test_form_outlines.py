"""Three application forms from a fresh seed of the alternative generator (alt8484) whose face the photo check
missed because the page was not where the outline finder put it. Each is the original photo scaled down
(the size given), where the code before the fix fails the same way.

- form_scan_table.jpg (0248, a grey scan, 900 px): the page's edges lie at the frame, so it has no complete
  outline of its own; a region of its table, bounded by ruled lines, passed as one and was flattened on its
  side.
- form_shaken_soft_edge.jpg (0281, a shaken photo under a lamp, 1400 px): the page's right edge against the lit
  desk is too soft for the usual Canny thresholds, so no outline was found.
- form_small_sideways.jpg (0090, 1500 px): the page lies small and on its side, two phones touching it; no
  outline, and the photo box is not where it would be on a page filling the view.
"""
from pathlib import Path

import cv2
import numpy as np

from verifier import geometry, pipeline
from verifier.document import A4
from verifier.result import FAIL, PASS

DATA = Path(__file__).parent / "data"
PAGE = A4[0] / A4[1]


def _photo_check(name: str):
    checks = {c.name: c for c in pipeline.run_checks(cv2.imread(str(DATA / name)), "application_form", {})}
    return checks["photo_present"]


def test_ruled_lines_just_outside_a_region_are_no_outline():
    image = cv2.imread(str(DATA / "form_scan_table.jpg"))
    quad = geometry.find_quad(image, PAGE)
    # The page, whose edges are the frame's (give or take the scanner lid's shadow), not part of its table.
    assert quad is not None and cv2.contourArea(quad) > 0.9 * image.shape[0] * image.shape[1]


def test_side_contrast_beyond_tells_a_ruled_line_from_a_desk():
    # A light region whose outline has a dark ruled line just outside it and light paper beyond, beside the
    # same region lying on a dark desk.
    ruled = np.full((200, 200, 3), 235, np.float32)
    ruled[48:52, 40:160] = ruled[148:152, 40:160] = 120          # lines above and below the region
    ruled[40:160, 48:52] = ruled[40:160, 148:152] = 120
    desk = np.full((200, 200, 3), 120, np.float32)
    desk[56:145, 56:145] = 235
    quad = np.array([[56, 56], [144, 56], [144, 144], [56, 144]], np.float32)
    assert geometry.side_contrast(ruled, quad)[0] > 0.9                     # the usual test is fooled
    assert geometry.side_contrast(ruled, quad, beyond=14)[0] < 0.1
    assert geometry.side_contrast(desk, quad, beyond=14)[0] > 0.9


def test_scan_whose_table_was_taken_for_the_page_finds_the_face():
    assert _photo_check("form_scan_table.jpg").status == PASS


def test_soft_page_edge_of_a_shaken_photo_is_an_outline():
    image = cv2.imread(str(DATA / "form_shaken_soft_edge.jpg"))
    quad = geometry.find_quad(image, PAGE)
    assert quad is not None
    # The generator's corners, scaled to the fixture: all four within 3 % of the diagonal.
    truth = np.array([[483.1, 121.1], [1522.7, 237.3], [1507.0, 1739.0], [338.7, 1742.0]]) * 1400 / 2194
    assert np.linalg.norm(geometry.order_corners(quad) - truth, axis=1).max() < 0.03 * np.hypot(*image.shape[:2])
    assert _photo_check("form_shaken_soft_edge.jpg").status == PASS


def test_small_sideways_page_without_outline_finds_the_face():
    image = cv2.imread(str(DATA / "form_small_sideways.jpg"))
    assert geometry.find_quad(image, PAGE) is None          # the case this covers: no outline at all
    found = _photo_check("form_small_sideways.jpg")
    assert found.status == PASS
    # The box is the face in the upload: the page's top right lies right of and above its middle.
    x, y, w, h = found.box
    assert 0.6 * image.shape[1] < x + w / 2 < 0.8 * image.shape[1] and 0.2 * image.shape[0] < y < 0.4 * image.shape[0]


def test_empty_photo_box_still_fails_on_a_small_sideways_page():
    # The same photo with the portrait painted over in the paper's colour: the text-line views must not
    # find a face elsewhere on the page or the desk.
    image = cv2.imread(str(DATA / "form_small_sideways.jpg"))
    found = _photo_check("form_small_sideways.jpg")
    x, y, w, h = found.box
    pad = w // 2
    image[y - pad:y + h + pad, x - pad:x + w + pad] = np.median(image[y + h + pad:y + h + 3 * pad, x - pad:x + w + pad],
                                                               axis=(0, 1))
    checks = {c.name: c for c in pipeline.run_checks(image, "application_form", {})}
    assert checks["photo_present"].status == FAIL
