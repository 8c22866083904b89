"""Two application forms from a fresh seed of the alternative generator (alt8484) whose face the photo check
missed because the page was not where the outline finder put it. Each is the original photo scaled down
(the size given), where the code before the fix fails the same way.

- form_scan_table.jpg (0248, a grey scan, 900 px): the page's edges lie at the frame, so it has no complete
  outline of its own; a region of its table, bounded by ruled lines, passed as one and was flattened on its
  side.
- form_shaken_soft_edge.jpg (0281, a shaken photo under a lamp, 1400 px): the page's right edge against the lit
  desk is too soft for the usual Canny thresholds, so no outline was found.
"""
from pathlib import Path

import cv2
import numpy as np

from verifier import geometry, pipeline
from verifier.document import A4
from verifier.result import PASS

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
