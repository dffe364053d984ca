"""Steps of the model rules (``workflow/rules/model.smk``): history files -> state, drift, TEM.

Each step reads the ``model`` config sections its rule passes as params and
calls the library with explicit keyword arguments:

* :func:`model_synthetic_history` - the embedded default: synthetic WACCM
  history files and their planted truth (:mod:`estransport.synthetic.waccm`);
  with ``model.source: files`` the rule does not exist and the files placed by
  hand are the input, checked with every other real source before any job
  (:func:`estransport.steps.preflight.model_history_files`);
* :func:`model_state` - history files -> ``results/model/state.nc``
  (:func:`estransport.model.state.build_model_state`);
* :func:`model_drift` - state -> ``results/drift/drift.nc``
  (:func:`estransport.model.drift.compute_drift`);
* :func:`model_tem` - history files -> ``results/model/tem.nc``
  (:func:`estransport.model.circulation.tem_from_history`).

The figures of these products (Fig. 1, Fig. 2c,d) are steps of
:mod:`estransport.steps.figures`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..synthetic.waccm import SyntheticWaccmParameters
from . import RuleJob

if TYPE_CHECKING:  # xarray, dask and netCDF4 are imported by the steps that run: the
    import xarray as xr  # workflow imports this module while the DAG is built (resources)

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Years covered by IGRF-14 (definitive and secular-variation coefficients;
#: Alken et al. 2025, Earth Planets Space: main field 1900-2025, secular
#: variation to 2030).
IGRF_YEARS = (1900, 2030)


# --------------------------------------------------------------------------------------
# config -> library arguments
# --------------------------------------------------------------------------------------


def synthetic_waccm_parameters(
    synthetic: Mapping, msis: Mapping, **overrides
) -> SyntheticWaccmParameters:
    """The generator's parameters from config ``model.synthetic`` and ``model.msis``.

    Parameters
    ----------
    synthetic : mapping
        ``model.synthetic`` (validated: every key of the schema present).
    msis : mapping
        ``model.msis`` (``f107``, ``f107a``, ``ap``), for the MSIS background.
    **overrides
        Further fields (``months``, for a shorter test run).

    Returns
    -------
    SyntheticWaccmParameters
    """
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in synthetic.items()}
    values.update(f107=float(msis["f107"]), f107a=float(msis["f107a"]), ap=float(msis["ap"]))
    values.update(overrides)
    return SyntheticWaccmParameters(**values)


def parse_igrf_date(value) -> dt.date | None:
    """``model.igrf_date`` -> a date (None = the middle of the model period).

    Parameters
    ----------
    value : str, datetime.date or None
        ISO date ``YYYY-MM-DD`` (YAML may already have made it a date).

    Returns
    -------
    datetime.date or None

    Raises
    ------
    ConfigError
        Naming ``model.igrf_date``: not ``YYYY-MM-DD``, not a calendar date, or
        outside IGRF-14 (1900-2030).
    """
    key = "model.igrf_date"
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value).strip()
        if not _ISO_DATE.match(text):
            raise ConfigError(key, f"{value!r} is not an ISO date YYYY-MM-DD (e.g. '2008-07-01')")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError as err:
            raise ConfigError(key, f"{text!r} is not a calendar date ({err})") from None
    if not IGRF_YEARS[0] <= value.year <= IGRF_YEARS[1]:
        raise ConfigError(
            key, f"{value.isoformat()} is outside IGRF-14 ({IGRF_YEARS[0]}-{IGRF_YEARS[1]})"
        )
    return value


def _scale_height(value) -> str | float:
    """``model.scale_height``: "local" or a number of metres."""
    return value if value == "local" else float(value)


def _msis(model: Mapping) -> dict[str, float]:
    """``model.msis`` as the keyword arguments of the MSIS calls."""
    m = model["msis"]
    return {"f107": float(m["f107"]), "f107a": float(m["f107a"]), "ap": float(m["ap"])}


def _float32_encoding(ds: xr.Dataset) -> dict:
    """Encodings for :func:`estransport.io.atomic.write_netcdf`: float32 data variables
    (model output precision) and one chunk per time step (so later steps can stream by
    time); write_netcdf adds zlib level 4."""
    encoding = {}
    for name, da in ds.data_vars.items():
        enc = {}
        if da.dtype.kind == "f":
            enc["dtype"] = "float32"
        if da.ndim:
            enc["chunksizes"] = tuple(
                1 if d in ("time", "driver") else n for d, n in zip(da.dims, da.shape, strict=True)
            )
        encoding[name] = enc
    return encoding


# --------------------------------------------------------------------------------------
# steps
# --------------------------------------------------------------------------------------


def model_synthetic_history(job: RuleJob) -> None:
    """Rule model_synthetic_history: write the synthetic WACCM history files and planted truth.

    Reads ``job.params.synthetic`` (``model.synthetic``) and ``job.params.msis``
    (``model.msis``); writes ``job.output.history`` (names as
    :func:`estransport.synthetic.waccm.history_file_names`, all in one
    directory) and ``job.output.truth`` (``planted_truth.nc`` beside them).
    """
    from ..synthetic.waccm import history_file_names, write_synthetic_history

    params = synthetic_waccm_parameters(job.params.synthetic, job.params.msis)
    outputs = [Path(p) for p in job.output.history]
    outdir = outputs[0].parent
    names = history_file_names(
        case=params.case,
        year=params.year,
        samples_per_day=params.samples_per_day,
        months=params.months,
    )
    if sorted(p.name for p in outputs) != sorted(names):
        raise ValueError(
            f"expected outputs {sorted(p.name for p in outputs)} do not match the generator's {names}"
        )
    truth = Path(job.output.truth)
    if truth.parent != outdir:
        raise ValueError(f"the planted truth {truth} must be beside the history files in {outdir}")
    t0 = time.perf_counter()
    write_synthetic_history(outdir, params, truth_name=truth.name)
    log.info(
        "wrote %d synthetic history files to %s in %.1f s",
        len(names),
        outdir,
        time.perf_counter() - t0,
    )


def model_state(job: RuleJob) -> xr.Dataset:
    """Rule model_state: history files -> ``state.nc`` on fixed geometric altitudes.

    Reads ``job.input.history`` and ``job.params.model`` (the ``model`` keys
    ``altitude_km``, ``scale_height``, ``composition``, ``electric_field``,
    ``ps_fallback``, ``msis``; hashed into the provenance); writes
    ``job.output.state`` (float32, one chunk per time step) with
    ``job.threads`` dask threads.

    Returns
    -------
    xarray.Dataset
        The (lazy) state that was written.
    """
    from ..daskutil import dask_threads
    from ..io.atomic import write_netcdf
    from ..model.state import build_model_state

    model = job.params.model
    t0 = time.perf_counter()
    state = build_model_state(
        [os.fspath(p) for p in job.input.history],
        altitude_km=model["altitude_km"],
        scale_height=_scale_height(model["scale_height"]),
        composition=model["composition"],
        electric_field=model["electric_field"],
        ps_fallback=model["ps_fallback"],
        config=model,
        **_msis(model),
    )
    out = job.output.state
    with dask_threads(job.threads):
        write_netcdf(state, out, encoding=_float32_encoding(state))
    log.info("wrote %s %s in %.1f s", out, dict(state.sizes), time.perf_counter() - t0)
    return state


def model_drift(job: RuleJob) -> xr.Dataset:
    """Rule model_drift: ``state.nc`` -> ``drift.nc`` (Fe+ drift and its parts by driver).

    Reads ``job.input.state`` and ``job.params.model`` (``drift`` and
    ``igrf_date``; hashed into the provenance); writes ``job.output.drift``.
    ``model.igrf_date`` is checked before any work (:func:`parse_igrf_date`).

    Returns
    -------
    xarray.Dataset
        The (lazy) drift dataset that was written.
    """
    from ..daskutil import dask_threads
    from ..io.atomic import write_netcdf
    from ..io.datasets import open_dataset
    from ..model.drift import compute_drift
    from ..provenance import provenance_attrs

    model = job.params.model
    drift_cfg = model["drift"]
    igrf_date = parse_igrf_date(model["igrf_date"])  # before any work
    state_path = job.input.state
    t0 = time.perf_counter()
    with open_dataset(state_path, chunks={"time": 1}) as state:
        ds = compute_drift(
            state,
            igrf_date=igrf_date,
            momentum_transfer=bool(drift_cfg["momentum_transfer"]),
            project_E=bool(drift_cfg["project_E"]),
            use_E=bool(drift_cfg["electric_field"]),
        )
        attrs = provenance_attrs(model, [state_path], step="model_drift")
        ds.attrs = {
            **attrs,
            "title": "Fe+ drift from the generalized wind-shear theory (Yu et al. 2021, A2-A5)",
            **ds.attrs,
        }
        with dask_threads(job.threads):
            write_netcdf(ds, job.output.drift, encoding=_float32_encoding(ds))
    log.info("wrote %s %s in %.1f s", job.output.drift, dict(ds.sizes), time.perf_counter() - t0)
    return ds


def model_tem(job: RuleJob) -> xr.Dataset:
    """Rule model_tem: history files -> ``tem.nc`` (TEM residual circulation).

    Reads ``job.input.history`` and ``job.params.model`` (``altitude_km``,
    ``scale_height``, ``ps_fallback``, ``msis``; hashed into the provenance);
    writes ``job.output.tem``.

    Returns
    -------
    xarray.Dataset
        The TEM dataset that was written.
    """
    from ..daskutil import dask_threads
    from ..io.atomic import write_netcdf
    from ..model.circulation import tem_from_history

    model = job.params.model
    t0 = time.perf_counter()
    with dask_threads(job.threads):
        tem = tem_from_history(
            [os.fspath(p) for p in job.input.history],
            altitude_km=model["altitude_km"],
            scale_height=_scale_height(model["scale_height"]),
            ps_fallback=model["ps_fallback"],
            config=model,
            **_msis(model),
        ).compute()
    write_netcdf(tem, job.output.tem, encoding=_float32_encoding(tem))
    log.info("wrote %s in %.1f s", job.output.tem, time.perf_counter() - t0)
    return tem
