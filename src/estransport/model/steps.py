"""One function per model workflow step; the rule scripts call these and nothing else.

Steps (workflow/rules/model.smk):

1. :func:`make_synthetic_history` - the embedded default: synthetic WACCM history files;
   or :func:`~estransport.model.sources.check_user_files` - real WACCM files placed by
   hand (NSSDC needs a login);
2. :func:`make_model_state` - history files -> ``results/model/state.nc``;
3. :func:`make_drift` - state -> ``results/drift/drift.nc`` (ion drift and its parts);
4. :func:`make_tem` - history files -> ``results/model/tem.nc`` (residual circulation).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from ..daskutil import dask_threads
from ..errors import ConfigError
from ..io.atomic import write_netcdf
from ..physics.collisions import collision_ratio, gyrofrequency, ion_neutral_collision_frequency
from ..physics.drift import DRIVERS, field_unit_vector, ion_drift_contributions
from ..physics.igrf import field_on_grid
from ..provenance import provenance_attrs
from .sources import check_user_files, history_inputs  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)


def _msis_kwargs(model_cfg: Mapping) -> dict:
    m = model_cfg.get("msis", {})
    return {
        "f107": float(m.get("f107", 68.0)),
        "f107a": float(m.get("f107a", 68.0)),
        "ap": float(m.get("ap", 4.0)),
    }


def _scale_height(model_cfg: Mapping):
    h = model_cfg.get("scale_height", "local")
    return h if h == "local" else float(h)


def make_synthetic_history(
    outputs: Sequence[str | os.PathLike],
    synthetic_cfg: Mapping | None,
    *,
    msis: Mapping | None = None,
) -> None:
    """Write the synthetic WACCM history files the workflow expects.

    Parameters
    ----------
    outputs : sequence of path-like
        Expected history file paths (all in one directory, names as
        :func:`estransport.synthetic.waccm.history_file_names`); the planted truth
        goes beside them as ``planted_truth.nc``.
    synthetic_cfg : mapping
        ``model.synthetic`` config (fields of
        :class:`~estransport.synthetic.waccm.SyntheticWaccmParameters`).
    msis : mapping, optional
        ``model.msis`` (f107, f107a, ap), used for the MSIS background.
    """
    from ..synthetic.waccm import (
        SyntheticWaccmParameters,
        history_file_names,
        write_synthetic_history,
    )

    cfg = dict(synthetic_cfg or {})
    if msis:
        cfg.setdefault("f107", msis.get("f107", 68.0))
        cfg.setdefault("f107a", msis.get("f107a", 68.0))
        cfg.setdefault("ap", msis.get("ap", 4.0))
    params = SyntheticWaccmParameters.from_config(cfg)
    outputs = [Path(p) for p in outputs]
    outdir = outputs[0].parent
    names = history_file_names(params)
    if sorted(p.name for p in outputs) != sorted(names):
        raise ValueError(
            f"expected outputs {sorted(p.name for p in outputs)} do not match the generator's {names}"
        )
    t0 = time.perf_counter()
    write_synthetic_history(outdir, params)
    log.info(
        "wrote %d synthetic history files to %s in %.1f s",
        len(names),
        outdir,
        time.perf_counter() - t0,
    )


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


#: ``collision_frequency`` attribute of drift.nc, by ``model.drift.momentum_transfer``.
COLLISION_FREQUENCY_NOTE = {
    True: "momentum-transfer frequency of Schunk and Nagy (2009, eq. 4.88), with the "
    "mass factor m_n/(m_i+m_n); r_i = 1 near 120 km",
    False: "Langevin rate without Schunk and Nagy's (2009, eq. 4.88) momentum-transfer mass "
    "factor m_n/(m_i+m_n) (model.drift.momentum_transfer: false; reproduces SCIENCE.md 4, "
    "r_i = 24 at 106 km): nu_in and r_i are (m_i+m_n)/m_n = 3.0 (N2), 2.7 (O2) and 4.5 (O) "
    "times the momentum-transfer values (3.0-3.2 for the 100-150 km mixture), and r_i = 1 is "
    "crossed near 132 km instead of about 120 km",
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Years covered by IGRF-14 (definitive and secular-variation coefficients).
_IGRF_YEARS = (1900, 2030)


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
    if not _IGRF_YEARS[0] <= value.year <= _IGRF_YEARS[1]:
        raise ConfigError(
            key, f"{value.isoformat()} is outside IGRF-14 ({_IGRF_YEARS[0]}-{_IGRF_YEARS[1]})"
        )
    return value


def make_model_state(
    paths: Sequence[str | os.PathLike],
    out_path: str | os.PathLike,
    model_cfg: Mapping,
    *,
    config: Mapping | None = None,
    threads: int | None = None,
) -> xr.Dataset:
    """History files -> ``state.nc`` (see :func:`estransport.model.state.build_model_state`).

    Parameters
    ----------
    paths : sequence of path-like
        History files.
    out_path : path-like
        Destination netCDF.
    model_cfg : mapping
        The ``model`` config section.
    config : mapping, optional
        Hashed into the provenance (default ``model_cfg``).
    threads : int, optional
        Dask threads (the rule's ``threads``); default dask's own choice.

    Returns
    -------
    xarray.Dataset
        The (lazy) state that was written.
    """
    from .state import build_model_state

    t0 = time.perf_counter()
    state = build_model_state(
        [os.fspath(p) for p in paths],
        altitude_km=model_cfg.get("altitude_km"),
        scale_height=_scale_height(model_cfg),
        composition=model_cfg.get("composition", "auto"),
        electric_field=model_cfg.get("electric_field", "auto"),
        ps_fallback=model_cfg.get("ps_fallback", "error"),
        config=config if config is not None else model_cfg,
        **_msis_kwargs(model_cfg),
    )
    with dask_threads(threads):
        write_netcdf(state, out_path, encoding=_float32_encoding(state))
    log.info("wrote %s %s in %.1f s", out_path, dict(state.sizes), time.perf_counter() - t0)
    return state


def _mid_time(times) -> dt.datetime:
    t0, t1 = times[0], times[-1]
    mid = t0 + (t1 - t0) / 2
    return dt.datetime(mid.year, mid.month, mid.day)


def _drift_kernel(
    U, V, W, n_n2, n_o2, n_o, inc, dec, B, *E, momentum_transfer, project_E, drivers, dtype
):
    """numpy block kernel of :func:`compute_drift`: drift parts (last axis = driver), r_i, nu_in."""
    nu = ion_neutral_collision_frequency(n_n2, n_o2, n_o, momentum_transfer=momentum_transfer)
    r = collision_ratio(nu, gyrofrequency(B))
    evec = None
    if E:
        evec = [np.asarray(e, float) for e in E]
        if project_E:
            b = field_unit_vector(inc, dec)
            par = evec[0] * b[0] + evec[1] * b[1] + evec[2] * b[2]
            evec = [evec[i] - par * b[i] for i in range(3)]
    parts = ion_drift_contributions(U, V, W, inc, dec, r, E=evec, B=B)
    shape = np.broadcast_shapes(np.shape(U), np.shape(r))
    out = []
    for i in range(3):
        arr = np.empty(shape + (len(drivers),), dtype=dtype)
        for k, d in enumerate(drivers):
            arr[..., k] = parts[d][i]
        out.append(arr)
    return (
        out[0],
        out[1],
        out[2],
        np.broadcast_to(r, shape).astype(dtype),
        np.broadcast_to(nu, shape).astype(dtype),
    )


def compute_drift(
    state: xr.Dataset,
    *,
    igrf_date: str | dt.date | None = None,
    momentum_transfer: bool = False,
    project_E: bool = True,
    use_E: bool = True,
    dtype: str = "float32",
) -> xr.Dataset:
    """Ion drift of Fe+ and its U, V, W (and E x B, Pedersen) parts from the model state.

    Parameters
    ----------
    state : xarray.Dataset
        Model state (U, V, W, n_N2, n_O2, n_O; optional E_east, E_north, E_up)
        on (time, altitude, lat, lon); may be dask-backed.
    igrf_date : str or date, optional
        Epoch of IGRF-14; default the middle of the state's time span.
    momentum_transfer : bool
        Collision-frequency form (see :mod:`estransport.physics.collisions`).
    project_E : bool
        Remove the component of E along B before computing the drift (the
        steady solution assumes E is perpendicular to B; a parallel E would
        accelerate ions without bound where r_i is small).
    use_E : bool
        Include the electric-field drifts when the state has E.
    dtype : str
        Precision of the 4-D outputs (computed in float64, stored as float32
        by default, the precision of model output).

    Returns
    -------
    xarray.Dataset
        ``u_ion``, ``v_ion``, ``w_ion`` (m s-1) on (driver, time, altitude,
        lat, lon), their totals ``*_total``, ``r_i``, ``nu_in`` (s-1), and
        ``inclination``, ``declination`` (degree), ``B`` (T), ``omega_i``
        (rad s-1) on (altitude, lat, lon). Lazy where the state is.
    """
    if not state.chunks:  # stream by time step: bounded temporaries, parallel chunks
        state = state.chunk({"time": 1})
    if isinstance(igrf_date, str):
        igrf_date = parse_igrf_date(igrf_date)
    when = igrf_date if igrf_date is not None else _mid_time(state["time"].values)
    field = field_on_grid(state["altitude"].values, state["lat"].values, state["lon"].values, when)
    inc, dec, B = field["inclination"], field["declination"], field["B"]
    omega_i = gyrofrequency(B)
    has_E = use_E and all(k in state for k in ("E_east", "E_north", "E_up"))
    drivers = [d for d in DRIVERS if has_E or d in ("U", "V", "W")]
    order = ("driver", "time", "altitude", "lat", "lon")
    args = [state[k] for k in ("U", "V", "W", "n_N2", "n_O2", "n_O")] + [inc, dec, B]
    if has_E:
        args += [state["E_east"], state["E_north"], state["E_up"]]
    # one fused numpy kernel per dask chunk: every temporary lives only inside it
    u, v, w, r, nu = xr.apply_ufunc(
        _drift_kernel,
        *args,
        kwargs={
            "momentum_transfer": momentum_transfer,
            "project_E": project_E,
            "drivers": tuple(drivers),
            "dtype": dtype,
        },
        output_core_dims=[["driver"], ["driver"], ["driver"], [], []],
        dask="parallelized",
        output_dtypes=[dtype] * 5,
        dask_gufunc_kwargs={"output_sizes": {"driver": len(drivers)}},
    )
    comps = {}
    for name, da in (("u_ion", u), ("v_ion", v), ("w_ion", w)):
        comps[name] = da.assign_coords(driver=("driver", drivers)).transpose(*order)
    ds = xr.Dataset(comps)
    long = {"u_ion": "eastward", "v_ion": "northward", "w_ion": "upward"}
    for name in ("u_ion", "v_ion", "w_ion"):
        ds[name].attrs = {
            "units": "m s-1",
            "long_name": f"{long[name]} Fe+ drift driven by each driver",
        }
        ds[f"{name}_total"] = ds[name].sum("driver")
        ds[f"{name}_total"].attrs = {"units": "m s-1", "long_name": f"total {long[name]} Fe+ drift"}
    ds["r_i"] = r.transpose(*order[1:])
    ds["r_i"].attrs = {
        "units": "1",
        "long_name": "ratio of Fe+-neutral collision frequency to Fe+ gyrofrequency",
    }
    ds["nu_in"] = nu.transpose(*order[1:])
    ds["nu_in"].attrs = {
        "units": "s-1",
        "long_name": "Fe+-neutral collision frequency (Langevin, N2+O2+O)",
    }
    ds["omega_i"] = omega_i
    ds["omega_i"].attrs = {"units": "rad s-1", "long_name": "Fe+ gyrofrequency e B / m"}
    for k in ("inclination", "declination", "B"):
        ds[k] = field[k]
    ds["driver"].attrs = {
        "long_name": "what drives this part of the drift",
        "comment": "U, V, W: zonal, meridional, vertical neutral wind; ExB: E x B drift; "
        "pedersen: Coulomb-force (Pedersen-direction) drift. Parts add up to the total.",
    }
    ds = ds.drop_vars(
        [c for c in ds.coords if c not in ("driver", "time", "altitude", "lat", "lon")]
    )
    for c in ("altitude", "lat", "lon", "time"):
        ds[c].attrs = dict(state[c].attrs)
    ds.attrs = {
        "igrf_epoch": field.attrs["igrf_epoch"],
        "collision_frequency": COLLISION_FREQUENCY_NOTE[bool(momentum_transfer)],
        "electric_field": "none"
        if not has_E
        else ("projected perpendicular to B" if project_E else "as in the state"),
        "ion": "Fe+ (55.845 u)",
    }
    return ds


def make_drift(
    state_path: str | os.PathLike,
    out_path: str | os.PathLike,
    model_cfg: Mapping,
    *,
    config: Mapping | None = None,
    threads: int | None = None,
) -> xr.Dataset:
    """``state.nc`` -> ``drift.nc`` (see :func:`compute_drift`).

    Parameters
    ----------
    state_path : path-like
        Model state netCDF.
    out_path : path-like
        Destination netCDF.
    model_cfg : mapping
        The ``model`` config section (``drift`` and ``igrf_date`` keys).
    config : mapping, optional
        Hashed into the provenance.
    threads : int, optional
        Dask threads (the rule's ``threads``); default dask's own choice.

    Returns
    -------
    xarray.Dataset
        The (lazy) drift dataset that was written.
    """
    t0 = time.perf_counter()
    d = model_cfg.get("drift", {})
    igrf_date = parse_igrf_date(model_cfg.get("igrf_date"))  # before any work
    with xr.open_dataset(state_path, chunks={"time": 1}) as state:
        ds = compute_drift(
            state,
            igrf_date=igrf_date,
            momentum_transfer=bool(d.get("momentum_transfer", False)),
            project_E=bool(d.get("project_E", True)),
            use_E=bool(d.get("electric_field", True)),
        )
        attrs = provenance_attrs(
            config if config is not None else model_cfg, [state_path], step="model_drift"
        )
        ds.attrs = {
            **attrs,
            "title": "Fe+ drift from the generalized wind-shear theory (Yu et al. 2021, A2-A5)",
            **ds.attrs,
        }
        with dask_threads(threads):
            write_netcdf(ds, out_path, encoding=_float32_encoding(ds))
    log.info("wrote %s %s in %.1f s", out_path, dict(ds.sizes), time.perf_counter() - t0)
    return ds


def make_tem(
    paths: Iterable[str | os.PathLike],
    out_path: str | os.PathLike,
    model_cfg: Mapping,
    *,
    config: Mapping | None = None,
    threads: int | None = None,
) -> xr.Dataset:
    """History files -> ``tem.nc`` (see :func:`estransport.model.circulation.tem_from_history`).

    Parameters
    ----------
    paths : iterable of path-like
        History files.
    out_path : path-like
        Destination netCDF.
    model_cfg : mapping
        The ``model`` config section.
    config : mapping, optional
        Hashed into the provenance.
    threads : int, optional
        Dask threads (the rule's ``threads``); default dask's own choice.

    Returns
    -------
    xarray.Dataset
        The TEM dataset that was written.
    """
    from .circulation import tem_from_history as _tem_from_history

    t0 = time.perf_counter()
    with dask_threads(threads):
        tem = _tem_from_history(
            [os.fspath(p) for p in paths],
            altitude_km=model_cfg.get("altitude_km"),
            scale_height=_scale_height(model_cfg),
            ps_fallback=model_cfg.get("ps_fallback", "error"),
            config=config if config is not None else model_cfg,
            **_msis_kwargs(model_cfg),
        ).compute()
    write_netcdf(tem, out_path, encoding=_float32_encoding(tem))
    log.info("wrote %s in %.1f s", out_path, time.perf_counter() - t0)
    return tem
