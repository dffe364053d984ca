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


# --- lidar slice (metal ion clouds, docs/science.md §9) ------------------------------------

#: Targets of the lidar slice's workflow tests (config/test/lidar.yaml).
LIDAR_TARGETS = (
    "results/figures/fig_mic_time_altitude.png",
    "results/figures/fig_mic_descent_rates.png",
    "results/figures/fig_mic_es_epoch.png",
    "results/lidar/convergence_nodes.csv",
    "resources/lidar/model/synthetic/planted_column.nc",
)


@pytest.fixture(scope="session")
def lidar_run(tmp_path_factory):
    """One run of the lidar slice on config/test/lidar.yaml (shared by the lidar workflow tests)."""
    from .workflow_helpers import make_workdir, snakemake

    wd = make_workdir(tmp_path_factory.mktemp("lidar_wf"), "lidar")
    snakemake(wd, "--cores", "2", *LIDAR_TARGETS)
    return wd
