"""Fixtures for the verifier tests: deterministic seeds and a fixed 'today'."""
import datetime as dt
import sys
from pathlib import Path

# pytest puts this directory's parent (tests/) on sys.path, where this directory is a namespace package
# named `verifier` that shadows the real one for `import verifier` under .venv/bin/pytest (the editable
# install's finder comes after the path finder). Put the project root first and drop the shadow.
_ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)
if "verifier" in sys.modules and getattr(sys.modules["verifier"], "__file__", None) is None:
    del sys.modules["verifier"]

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
