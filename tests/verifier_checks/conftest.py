"""Fixtures for the verifier tests: deterministic seeds and a fixed 'today'."""
import datetime as dt

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def today():
    return dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def default_style():
    """The synthetic renderer keeps its typeface in a module global; other suites (the demo showcase)
    change it. Each test starts from the default style, whatever ran before."""
    from verifier.synth import common

    saved = dict(common.STYLE)
    common.STYLE.update(serif=False, digits="DejaVuSansMono")
    yield
    common.STYLE.clear()
    common.STYLE.update(saved)
