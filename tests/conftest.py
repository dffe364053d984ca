"""Shared fixtures: paths to the repository and to the real sample files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .realdata import resolver

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def realdata() -> Callable[[str], Path]:
    """Path of one real sample file of the registry ``tests/data/realdata.tsv``.

    Call it with the registry name, e.g. ``realdata("sao/test.sao")``. A file with
    the wrong sha256 fails the test; a missing file skips it (how to get it is in the
    skip reason), or fails it where ``ESTRANSPORT_REQUIRE_REALDATA=1``. Where the
    files are looked for is in ``tests/realdata.py``.
    """
    return resolver()
