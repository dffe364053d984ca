"""Lazy reader of CAM/WACCM/WACCM-X history files (docs/formats.md section 4).

What it does, per docs/formats.md (the formulas are in :mod:`estransport.physics.vertical`):

* **Pressure** on hybrid levels, p = hyam P0 + hybm PS (4.2). Old CCM/CAM
  files have no ``P0``; their ``hyam`` is already a fraction of 1e5 Pa (e.g.
  ``vinth2p.nc``), so P0 = 1e5 Pa is used. A missing ``PS`` is an error unless
  ``ps_fallback="reference"``, which takes PS = P0: exact on pure-pressure
  levels (hybm = 0, in WACCM everything above about 100 hPa, i.e. all of the
  mesosphere and thermosphere) and approximate below.
* **Geometric altitude** from ``Z3`` with WACCM-X's conversion (4.4),
  :func:`~estransport.physics.vertical.geometric_altitude`; ``Z3GM`` (WACCM-X
  geometric height) is used instead when the file has it.
* **Time** from the midpoint of ``time_bnds`` (4.1): the stamp of an averaged
  tape is the end of its interval (the January mean is stamped 1 February).

The vertical wind (w = -omega H / p, 4.5) and number densities are formed by
the model state (:mod:`estransport.model.state`), the interpolation to fixed
altitudes is :mod:`estransport.model.interpolate`.

Files are opened with :func:`xarray.open_mfdataset` (one dask chunk per time
step), so many files and inputs larger than memory work; nothing is computed
until asked. Every error names the variable and the file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence

import numpy as np
import xarray as xr

from ..errors import InputFileError
from ..physics.constants import CESM_P0
from ..physics.vertical import geometric_altitude, hybrid_pressure

log = logging.getLogger(__name__)

#: Long names of the history variables the reader may need, for error messages.
VARIABLE_MEANING = {
    "T": "temperature",
    "U": "zonal wind",
    "V": "meridional wind",
    "OMEGA": "pressure vertical velocity",
    "Z3": "geopotential height",
    "Z3GM": "geometric height (WACCM-X)",
    "PS": "surface pressure",
    "PHIS": "surface geopotential",
    "Fep": "Fe+ mixing ratio",
    "O": "atomic oxygen mixing ratio",
    "O2": "molecular oxygen mixing ratio",
    "EX": "zonal electric field",
    "EY": "meridional electric field",
    "EZ": "vertical electric field",
    "ED1": "eastward electric field (magnetic)",
    "ED2": "equatorward electric field (magnetic)",
    "hyam": "hybrid A coefficient at midpoints",
    "hybm": "hybrid B coefficient at midpoints",
}

#: Variables the model state needs (besides PS and the hybrid coefficients).
STATE_VARIABLES = ("T", "U", "V", "OMEGA")
#: The Fe+ mixing ratio: optional (WACCM without metal chemistry has none). The
#: state then has no ``n_Fep``; Figs. 1 and 2c,d do not need it, the Fe+ flux does
#: (see :func:`estransport.model.state.require_fep`).
FE_ION_VARIABLE = "Fep"
#: Optional variables used when present.
OPTIONAL_VARIABLES = ("Z3GM", "PHIS", "O", "O2", "EX", "EY", "EZ", "ED1", "ED2", FE_ION_VARIABLE)


def _paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    out = [os.fspath(p) for p in paths]
    if not out:
        raise InputFileError("<no files>", "no model history files were given")
    return out


def file_variables(path: str | os.PathLike) -> dict[str, tuple[str, ...]]:
    """Variable names and dimensions in a netCDF file, from its header only.

    Parameters
    ----------
    path : path-like
        netCDF-3 or netCDF-4 file.

    Returns
    -------
    dict
        Variable name to its dimension names.

    Raises
    ------
    InputFileError
        If the file is missing or not netCDF.
    """
    import netCDF4

    path = os.fspath(path)
    if not os.path.exists(path):
        raise InputFileError(path, "model history file does not exist")
    try:
        with netCDF4.Dataset(path) as nc:
            return {name: tuple(v.dimensions) for name, v in nc.variables.items()}
    except OSError as err:
        raise InputFileError(path, f"cannot be read as netCDF ({err})") from None


def check_variables(
    paths: Sequence[str], required: Iterable[str], *, purpose: str = "the model state"
) -> dict[str, tuple[str, ...]]:
    """Check that every file holds every required variable; return the first file's table.

    Parameters
    ----------
    paths : sequence of str
        History files.
    required : iterable of str
        Variable names that must be present in every file.
    purpose : str
        What they are needed for (goes into the error message).

    Returns
    -------
    dict
        Variables and dimensions of the first file.

    Raises
    ------
    InputFileError
        Naming the first missing variable and the file that lacks it.
    """
    required = list(required)
    first = None
    for path in paths:
        have = file_variables(path)
        first = first if first is not None else have
        for name in required:
            if name not in have:
                meaning = VARIABLE_MEANING.get(name, "")
                meaning = f" ({meaning})" if meaning else ""
                raise InputFileError(
                    path, f"variable '{name}'{meaning} is required for {purpose} but is missing"
                )
    return first or {}


def _decode_time(ds: xr.Dataset, path: str) -> xr.Dataset:
    """Replace the raw time by the midpoint of time_bnds, decoded with the file's calendar."""
    import cftime

    if "time" not in ds.variables:
        raise InputFileError(path, "variable 'time' is missing")
    t = ds["time"]
    units = t.attrs.get("units")
    if units is None:
        raise InputFileError(path, "variable 'time' has no 'units' attribute")
    calendar = t.attrs.get("calendar", "standard")
    bounds = t.attrs.get("bounds", "time_bnds")
    if bounds in ds.variables:
        raw = np.asarray(ds[bounds].values, float).mean(axis=-1)
        how = f"midpoint of {bounds}"
    else:
        raw = np.asarray(t.values, float)
        how = "time stamps (no time_bnds: for averaged tapes these mark the END of the interval)"
        log.warning("%s: no time bounds; using the %s", path, how)
    times = cftime.num2date(raw, units, calendar=calendar, only_use_cftime_datetimes=True)
    ds = ds.drop_vars([v for v in (bounds, "time") if v in ds.variables])
    ds = ds.assign_coords(time=("time", np.asarray(times)))
    ds["time"].attrs = {"long_name": "time", "comment": f"from the {how} of the history file"}
    return ds


def open_history(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    variables: Iterable[str] | None = None,
    *,
    optional: Iterable[str] = (),
    ps_fallback: str,
    chunks: dict | None = None,
) -> xr.Dataset:
    """Open CAM/WACCM history files lazily, with pressure and decoded mid-interval time.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        One or many history files of the same run (concatenated along time
        and sorted by time).
    variables : iterable of str, optional
        History variables that must be present (error otherwise), e.g.
        ``["T"]``. Default: those of the model state, ``T U V OMEGA`` and
        ``Z3`` unless ``Z3GM`` is present (``Fep`` is optional).
    optional : iterable of str
        Variables read when present (e.g. ``PHIS``, ``O``, ``EX``).
    ps_fallback : {"error", "reference"}
        What to do without ``PS``: raise, or use PS = P0 (exact on levels with
        hybm = 0, approximate below; a warning is logged and the ``p``
        variable says so).
    chunks : dict, optional
        Dask chunks; default one chunk per time step.

    Returns
    -------
    xarray.Dataset
        The variables (dask-backed), the coordinates ``time`` (cftime, at the
        middle of each averaging interval), ``lev``, ``lat``, ``lon``, and
        ``p`` (Pa) on (time, lev, lat, lon), plus ``hyam``, ``hybm``, ``P0``.

    Raises
    ------
    InputFileError
        Naming the missing variable (or other defect) and the file.
    """
    files = _paths(paths)
    if variables is None:
        first = file_variables(files[0])
        variables = list(STATE_VARIABLES) + ([] if "Z3GM" in first else ["Z3"])
    variables = list(variables)
    table = check_variables(files, ["hyam", "hybm", *variables], purpose="reading the model fields")
    for name in variables:
        dims = table[name]
        if "lat" not in dims or "lon" not in dims:
            raise InputFileError(
                files[0],
                f"variable '{name}' has dimensions {dims}; only structured latitude-longitude "
                "grids (lat, lon) are supported (regrid unstructured SE output first)",
            )
    if ps_fallback not in ("error", "reference"):
        raise ValueError(f"ps_fallback must be 'error' or 'reference', not {ps_fallback!r}")
    has_ps = "PS" in table
    if not has_ps:
        if ps_fallback != "reference":
            raise InputFileError(
                files[0],
                "variable 'PS' (surface pressure) is required for the hybrid-level pressure "
                "p = hyam*P0 + hybm*PS but is missing; set model.ps_fallback: reference to use "
                "PS = P0 (exact on pure-pressure levels where hybm = 0)",
            )
    else:
        # every file must agree
        check_variables(files, ["PS"], purpose="the hybrid-level pressure")
    present_optional = [v for v in optional if v in table and v not in variables]
    keep = (
        set(variables)
        | set(present_optional)
        | {
            "hyam",
            "hybm",
            "P0",
            "PS",
            "time",
            "time_bnds",
            "lev",
            "lat",
            "lon",
        }
    )

    def _pre(ds: xr.Dataset) -> xr.Dataset:
        path = ds.encoding.get("source", files[0])
        tb = ds["time"].attrs.get("bounds", "time_bnds") if "time" in ds else "time_bnds"
        drop = [v for v in ds.variables if v not in keep and v != tb]
        ds = ds.drop_vars(drop)
        return _decode_time(ds, path)

    chunks = {"time": 1} if chunks is None else chunks
    ds = xr.open_mfdataset(
        files,
        engine="netcdf4",
        combine="nested",
        concat_dim="time",
        data_vars="minimal",
        coords="minimal",
        compat="override",
        join="override",
        decode_times=False,
        preprocess=_pre,
        chunks=chunks,
        parallel=False,
    )
    ds = ds.sortby("time")
    ds = ds.set_coords([c for c in ("hyam", "hybm", "P0") if c in ds])

    if "P0" in ds.variables:
        p0 = float(ds["P0"].values)
    else:
        p0 = CESM_P0
        log.info(
            "%s: no P0; hyam taken as a fraction of %g Pa (old CCM/CAM convention)", files[0], p0
        )
    hyam = ds["hyam"].astype(float)
    hybm = ds["hybm"].astype(float)
    if "time" in hyam.dims:
        hyam, hybm = hyam.isel(time=0, drop=True), hybm.isel(time=0, drop=True)
    if has_ps:
        ps = ds["PS"].astype(float)
        note = "p = hyam*P0 + hybm*PS"
    else:
        log.warning(
            "%s: no PS; using PS = P0 = %g Pa (exact where hybm = 0, i.e. on %d of %d levels)",
            files[0],
            p0,
            int((hybm.values == 0).sum()),
            hybm.size,
        )
        template = ds[variables[0]]
        if "lev" in template.dims:
            template = template.isel(lev=0, drop=True)
        ps = xr.zeros_like(template, dtype=float) + p0
        note = "p = hyam*P0 + hybm*P0 (PS missing: reference fallback, exact where hybm = 0)"
    p = hybrid_pressure(hyam, hybm, ps, p0).transpose("time", "lev", "lat", "lon")
    p.attrs = {"units": "Pa", "long_name": "air pressure at layer midpoints", "comment": note}
    ds["p"] = p
    ds.attrs["P0_used"] = p0
    ds.attrs["history_files"] = (
        " ".join(files) if len(files) <= 20 else f"{len(files)} files: {files[0]} ... {files[-1]}"
    )
    return ds


def altitude_from_history(ds: xr.Dataset) -> xr.DataArray:
    """Geometric altitude (m) of every model level: ``Z3GM`` if present, else from ``Z3``.

    Parameters
    ----------
    ds : xarray.Dataset
        As returned by :func:`open_history`, with ``Z3GM`` or ``Z3`` (and
        optionally ``PHIS``).

    Returns
    -------
    xarray.DataArray
        Geometric altitude above sea level, m, on (time, lev, lat, lon).
    """
    if "Z3GM" in ds:
        z = ds["Z3GM"].astype(float)
        how = "Z3GM (WACCM-X geometric height)"
    elif "Z3" in ds:
        phis = ds["PHIS"].astype(float) if "PHIS" in ds else None
        z = geometric_altitude(ds["Z3"].astype(float), phis)
        how = "Z3 with PHIS" if phis is not None else "Z3 (no PHIS: z_s = 0)"
    else:
        raise InputFileError(
            ds.attrs.get("history_files", "<model files>"),
            "variable 'Z3' (geopotential height) is required for geometric altitude but is missing",
        )
    z = z.transpose("time", "lev", "lat", "lon")
    z.attrs = {
        "units": "m",
        "long_name": "geometric altitude above sea level",
        "comment": f"from {how} (docs/formats.md 4.4)",
    }
    return z


def open_run(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    variables: Iterable[str],
    *,
    optional: Iterable[str] = (),
    ps_fallback: str,
) -> tuple[list[str], xr.Dataset]:
    """Open the history files of one run for a step that needs geometric altitude.

    The common prologue of the model state and the TEM step: the files are
    resolved, ``Z3GM`` (WACCM-X geometric height) is required when the first
    file has it and ``Z3`` otherwise, the files are opened with
    :func:`open_history` and the geometric altitude is added as ``z``.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        History files of one run.
    variables : iterable of str
        Variables that must be present besides the height (e.g. ``T``, ``V``).
    optional : iterable of str
        Variables read when present (``PHIS`` is always among them).
    ps_fallback : {"error", "reference"}
        See :func:`open_history`.

    Returns
    -------
    files : list of str
        The history file paths, in the order given.
    ds : xarray.Dataset
        As :func:`open_history`, plus ``z``, the geometric altitude in m on
        (time, lev, lat, lon) (see :func:`altitude_from_history`).

    Raises
    ------
    InputFileError
        A required variable is missing (the message names it and the file).
    """
    files = _paths(paths)
    zvar = "Z3GM" if "Z3GM" in file_variables(files[0]) else "Z3"
    optional = [v for v in dict.fromkeys([*optional, "PHIS"]) if v != zvar]
    ds = open_history(files, [*variables, zvar], optional=optional, ps_fallback=ps_fallback)
    ds["z"] = altitude_from_history(ds)
    return files, ds
