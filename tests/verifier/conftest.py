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
