"""Model-slice test helpers: the test configuration and one small synthetic run per session.

The library takes every setting as an explicit keyword argument; here those
arguments come from the same place as in the workflow, the validated
configuration ``config/config.yaml`` + ``config/test/model.yaml`` (a 10 x 30
degree synthetic grid), so the tests exercise the defaults of the schema.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path

import xarray as xr

from estransport.config import validate_config
from estransport.model.state import build_model_state
from estransport.steps.model import synthetic_waccm_parameters
from estransport.synthetic.waccm import SyntheticWaccmParameters, write_synthetic_history

from .workflow_helpers import deep_update, default_config, test_config

#: IGRF epoch of the drift tests (July 2008, the month docs/science.md 4 quotes).
IGRF_DATE = dt.date(2008, 7, 1)


@functools.lru_cache(maxsize=1)
def _model_section() -> dict:
    cfg = validate_config(deep_update(default_config(), test_config("model")))
    return cfg["model"]


def model_config() -> dict:
    """The validated ``model`` section of the model test configuration (a fresh copy)."""
    return deep_update(_model_section(), {})


def state_options(**overrides) -> dict:
    """Keyword arguments of :func:`~estransport.model.state.build_model_state` from the config."""
    m = model_config()
    opts = {
        "altitude_km": m["altitude_km"],
        "scale_height": m["scale_height"],
        "composition": m["composition"],
        "electric_field": m["electric_field"],
        "ps_fallback": m["ps_fallback"],
        **m["msis"],
    }
    opts.update(overrides)
    return opts


def tem_options(**overrides) -> dict:
    """Keyword arguments of :func:`~estransport.model.circulation.tem_from_history`."""
    m = model_config()
    opts = {
        "altitude_km": m["altitude_km"],
        "scale_height": m["scale_height"],
        "ps_fallback": m["ps_fallback"],
        **m["msis"],
    }
    opts.update(overrides)
    return opts


def drift_options(**overrides) -> dict:
    """Keyword arguments of :func:`~estransport.model.drift.compute_drift` (IGRF July 2008)."""
    d = model_config()["drift"]
    opts = {
        "igrf_date": IGRF_DATE,
        "momentum_transfer": d["momentum_transfer"],
        "project_E": d["project_E"],
        "use_E": d["electric_field"],
    }
    opts.update(overrides)
    return opts


def synthetic_parameters(**overrides) -> SyntheticWaccmParameters:
    """The generator's parameters of the test configuration (as the workflow builds them)."""
    m = model_config()
    return synthetic_waccm_parameters(m["synthetic"], m["msis"], **overrides)


@functools.lru_cache(maxsize=4)
def synthetic_run(
    samples_per_day: int = 0,
) -> tuple[list[Path], xr.Dataset, SyntheticWaccmParameters]:
    """Write (once per session) a small synthetic run; return its files, truth and parameters."""
    params = synthetic_parameters(samples_per_day=samples_per_day)
    outdir = Path(tempfile.mkdtemp(prefix="estransport_waccm_"))
    atexit.register(shutil.rmtree, outdir, ignore_errors=True)
    paths, truth = write_synthetic_history(outdir, params)
    return paths, truth, params


@functools.lru_cache(maxsize=2)
def synthetic_state(composition: str = "auto") -> xr.Dataset:
    """The model state of :func:`synthetic_run` (computed, cached)."""
    paths, _, _ = synthetic_run()
    return build_model_state(paths, **state_options(composition=composition)).compute()
