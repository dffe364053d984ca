"""Shared fixtures: paths to the repository and to the real sample files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Real third-party sample files, kept beside the clone (never copied into the repo).
REALDATA = REPO.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Directory of the real sample files; a missing directory is a failure, not a skip."""
    if not REALDATA.is_dir():
        pytest.fail(f"real sample files not found at {REALDATA}; CI must have ../shared beside the clone")
    return REALDATA
