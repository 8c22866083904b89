"""Free-layout pages are flattened at up to 2600 px on their long side: small print on a 300 dpi scan or a
close phone photo keeps the detail that tells 蕾 from 菁, which a 1600 px flattening blurred away."""
import numpy as np
import pytest
from verifier_fixtures import registration_scan

from verifier import document, pipeline
from verifier.result import PASS


@pytest.fixture(scope="module")
def scan() -> np.ndarray:
    return registration_scan("董蕾瑶")


def test_flattened_page_keeps_up_to_2600_px(scan):
    doc = document.locate(scan, "diploma_registration")
    assert max(doc.doc.shape[:2]) == document.GENERIC_LONG_SIDE == 2600


def test_small_print_name_on_a_scan_passes(scan):
    checks = {r.name: r for r in pipeline.run_checks(scan, "diploma_registration", {"name": "董蕾瑶"})}
    assert checks["name_match"].status == PASS


@pytest.mark.parametrize("other", ["董雷瑶", "董蕾", "董蕾瑶明", "童蕾瑶"])
def test_near_misses_of_the_small_print_name_do_not_pass(scan, other):
    checks = {r.name: r for r in pipeline.run_checks(scan, "diploma_registration", {"name": other})}
    assert checks["name_match"].status != PASS
