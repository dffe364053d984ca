"""Lazy reader of CAM/WACCM/WACCM-X history files (FORMATS.md section 4).

What it does, per FORMATS.md:

* **Pressure** on hybrid levels, p = hyam P0 + hybm PS (4.2). Old CCM/CAM
  files have no ``P0``; their ``hyam`` is already a fraction of 1e5 Pa (e.g.
  ``vinth2p.nc``), so P0 = 1e5 Pa is used. A missing ``PS`` is an error unless
  ``ps_fallback="reference"``, which takes PS = P0: exact on pure-pressure
  levels (hybm = 0, in WACCM everything above about 100 hPa, i.e. all of the
  mesosphere and thermosphere) and approximate below.
* **Geometric altitude** from ``Z3`` with WACCM-X's conversion (4.4):
  z_s = PHIS/g, a = 1 + z_s/R_E, z = (z_s + a (Z3 - z_s)) / (1 - a (Z3 - z_s)/R_E),
  which is R_E Z3 / (R_E - Z3) without PHIS. ``Z3GM`` (WACCM-X geometric
  height) is used instead when the file has it.
* **Vertical wind** w = -omega H / p (4.5), with H either a fixed value
  (CAM FV TEM diagnostics use 7 km) or the local scale height
  R* T / (m g(z)); see :func:`omega_to_w`.
* **Time** from the midpoint of ``time_bnds`` (4.1): the stamp of an averaged
  tape is the end of its interval (the January mean is stamped 1 February).
* **Number densities** n = vmr p / (k_B T) for mixing ratios such as ``Fep``.

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
from ..physics.constants import (
    BOLTZMANN,
    CESM_EARTH_RADIUS,
    CESM_GRAVITY,
    CESM_P0,
    GAS_CONSTANT_KMOL,
    MASS_N2_U,
    MASS_O2_U,
    MASS_O_U,
)

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


def hybrid_pressure(hyam, hybm, ps, p0: float = CESM_P0):
    """Mid-level pressure of hybrid sigma-pressure levels, p = hyam P0 + hybm PS.

    Parameters
    ----------
    hyam, hybm : array_like
        Hybrid A and B coefficients at midpoints (dimensionless).
    ps : array_like
        Surface pressure, Pa.
    p0 : float
        Reference pressure, Pa (1e5 in CAM).

    Returns
    -------
    array_like
        Pressure, Pa (broadcast of the inputs).
    """
    return hyam * p0 + hybm * ps


def geometric_altitude(
    z3, phis=None, *, earth_radius: float = CESM_EARTH_RADIUS, gravity: float = CESM_GRAVITY
):
    """Geometric altitude from CAM's geopotential height Z3 (FORMATS.md 4.4).

    Parameters
    ----------
    z3 : array_like
        Geopotential height above sea level, m (CAM ``Z3``).
    phis : array_like, optional
        Surface geopotential, m2 s-2 (CAM ``PHIS``). Omitted: z_s = 0, which
        differs from the exact form by about z_s^2 / R_E (0.16 m for 1 km).
    earth_radius : float
        R_E, m (CESM 6.37122e6).
    gravity : float
        g, m s-2 (CESM 9.80616).

    Returns
    -------
    array_like
        Geometric altitude above sea level, m. At Z3 = 110 km it exceeds Z3 by
        about 1.9 km.

    Notes
    -----
    WACCM-X ``geometric_hgt``: z_s = PHIS/g, z_gp = Z3 - z_s, a = 1 + z_s/R_E,
    z = (z_s + a z_gp) / (1 - a z_gp / R_E).
    """
    if phis is None:
        return earth_radius * z3 / (earth_radius - z3)
    zs = phis / gravity
    zgp = z3 - zs
    a = 1.0 + zs / earth_radius
    return (zs + a * zgp) / (1.0 - a * zgp / earth_radius)


def gravity_at(z_m, *, earth_radius: float = CESM_EARTH_RADIUS, g0: float = CESM_GRAVITY):
    """Gravitational acceleration at geometric altitude z (inverse-square law).

    Parameters
    ----------
    z_m : array_like
        Geometric altitude, m.

    Returns
    -------
    array_like
        g(z) = g0 (R_E / (R_E + z))^2, m s-2.
    """
    return g0 * (earth_radius / (earth_radius + z_m)) ** 2


def scale_height(temperature, mean_mass_u, z_m):
    """Local pressure scale height H = R* T / (m g(z)).

    Parameters
    ----------
    temperature : array_like
        K.
    mean_mass_u : array_like
        Mean molecular mass, u (kg kmol-1); 28.96 for air below the turbopause.
    z_m : array_like
        Geometric altitude, m (for g(z)).

    Returns
    -------
    array_like
        H, m.
    """
    return GAS_CONSTANT_KMOL * temperature / (mean_mass_u * gravity_at(z_m))


def omega_to_w(omega, pressure, scale_height_m):
    """Vertical wind from the pressure velocity, w = -omega H / p (FORMATS.md 4.5).

    Parameters
    ----------
    omega : array_like
        Pressure vertical velocity, Pa s-1 (CAM ``OMEGA``, positive downward motion).
    pressure : array_like
        Pa.
    scale_height_m : array_like or float
        H in m: the local scale height (:func:`scale_height`, as WACCM-X
        ``calc_wn``) or a constant (7000 m in CAM's FV TEM diagnostics).

    Returns
    -------
    array_like
        w, m s-1, positive upward.
    """
    return -omega * scale_height_m / pressure


def air_number_density(pressure, temperature):
    """Total number density n = p / (k_B T).

    Parameters
    ----------
    pressure : array_like
        Pa.
    temperature : array_like
        K.

    Returns
    -------
    array_like
        m-3.
    """
    return pressure / (BOLTZMANN * temperature)


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
    ps_fallback: str = "error",
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
        "comment": f"from {how} (FORMATS.md 4.4)",
    }
    return z


def open_run(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    variables: Iterable[str],
    *,
    optional: Iterable[str] = (),
    ps_fallback: str = "error",
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


def mean_molecular_mass(x_o, x_o2):
    """Mean molecular mass of an N2/O2/O mixture, N2 being the remainder 1 - x(O) - x(O2).

    He, Ar, H and N are below about 1 % at 80-150 km and are neglected.

    Parameters
    ----------
    x_o, x_o2 : array_like
        Mole (volume mixing) fractions of O and O2.

    Returns
    -------
    array_like
        m = (1 - x_O - x_O2) m_N2 + x_O2 m_O2 + x_O m_O, in u (kg kmol-1).
    """
    return (1.0 - x_o - x_o2) * MASS_N2_U + x_o2 * MASS_O2_U + x_o * MASS_O_U


# --------------------------------------------------------------------------------------
# column interpolation to fixed altitudes
# --------------------------------------------------------------------------------------


def _interp_columns(z, *fields, targets, log_flags):
    """Linear interpolation of each field along the last axis to target altitudes.

    z and fields have shape (..., nlev); z must be monotonic along the last
    axis (either direction). Targets outside a column's range give NaN.
    Fields flagged in ``log_flags`` are interpolated in log space.
    """
    z = np.asarray(z, float)
    if z.shape[-1] >= 2 and np.nanmean(z[..., 0] - z[..., -1]) > 0:  # top first (CAM order)
        z = z[..., ::-1]
        fields = tuple(np.asarray(f)[..., ::-1] for f in fields)
    n = z.shape[-1]
    lead = z.shape[:-1]
    nt = len(targets)
    idx = np.empty(lead + (nt,), dtype=np.intp)
    for k, t in enumerate(targets):
        idx[..., k] = (z < t).sum(axis=-1)
    i1 = np.clip(idx, 1, n - 1)
    i0 = i1 - 1
    z0 = np.take_along_axis(z, i0, -1)
    z1 = np.take_along_axis(z, i1, -1)
    tt = np.broadcast_to(np.asarray(targets, float), lead + (nt,))
    with np.errstate(invalid="ignore", divide="ignore"):
        w = (tt - z0) / (z1 - z0)
    valid = (w >= 0.0) & (w <= 1.0)
    out = []
    for f, use_log in zip(fields, log_flags, strict=True):
        f = np.asarray(f, float)
        if use_log:  # positive quantities; zeros (and round-off negatives) become ~0
            f = np.log(np.maximum(f, 1e-300))
        f0 = np.take_along_axis(f, i0, -1)
        f1 = np.take_along_axis(f, i1, -1)
        res = f0 + w * (f1 - f0)
        if use_log:
            res = np.exp(res)
        out.append(np.where(valid, res, np.nan))
    return tuple(out) if len(out) > 1 else out[0]


def interpolate_columns(
    fields: dict[str, xr.DataArray],
    column_coord: xr.DataArray,
    targets: Sequence[float],
    *,
    new_dim: str,
    new_coord: Sequence[float] | None = None,
    log_interp: Iterable[str] = (),
    level_dim: str = "lev",
) -> dict[str, xr.DataArray]:
    """Interpolate fields column by column to fixed values of a monotonic column coordinate.

    Lazy with dask-backed inputs (``level_dim`` is made a single chunk).

    Parameters
    ----------
    fields : dict of str to xarray.DataArray
        Fields with the dimensions of ``column_coord`` (including ``level_dim``).
    column_coord : xarray.DataArray
        The coordinate that varies monotonically along ``level_dim`` in every
        column (geometric altitude, ln p, ...), in the units of ``targets``.
    targets : sequence of float
        Values of ``column_coord`` to interpolate to.
    new_dim : str
        Name of the dimension replacing ``level_dim`` (placed last).
    new_coord : sequence of float, optional
        Coordinate values of ``new_dim`` (default ``targets``).
    log_interp : iterable of str
        Fields to interpolate in log space (pressure, densities).
    level_dim : str
        Vertical dimension of the inputs.

    Returns
    -------
    dict of str to xarray.DataArray
        Interpolated fields, NaN where a target lies outside a column.
    """
    names = list(fields)
    targets = np.asarray(targets, float)
    flags = tuple(n in set(log_interp) for n in names)

    def _single(da):
        return da.chunk({level_dim: -1}) if da.chunks else da

    result = xr.apply_ufunc(
        _interp_columns,
        _single(column_coord),
        *[_single(fields[n]) for n in names],
        kwargs={"targets": targets, "log_flags": flags},
        input_core_dims=[[level_dim]] * (1 + len(names)),
        output_core_dims=[[new_dim]] * len(names),
        dask="parallelized",
        output_dtypes=[float] * len(names),
        dask_gufunc_kwargs={"output_sizes": {new_dim: len(targets)}},
    )
    if len(names) == 1:
        result = (result,)
    coord = targets if new_coord is None else np.asarray(new_coord, float)
    out = {}
    for name, da in zip(names, result, strict=True):
        da = da.assign_coords({new_dim: (new_dim, coord)})
        da.attrs = dict(fields[name].attrs)
        out[name] = da
    return out


def interpolate_to_altitude(
    fields: dict[str, xr.DataArray],
    altitude_m: xr.DataArray,
    altitudes_km: Sequence[float],
    *,
    log_interp: Iterable[str] = (),
    level_dim: str = "lev",
) -> dict[str, xr.DataArray]:
    """Interpolate model-level fields to fixed geometric altitudes, column by column.

    Lazy: with dask-backed inputs each chunk is interpolated when computed.

    Parameters
    ----------
    fields : dict of str to xarray.DataArray
        Fields on the same dimensions as ``altitude_m`` (including ``level_dim``).
    altitude_m : xarray.DataArray
        Geometric altitude of every level, m.
    altitudes_km : sequence of float
        Target altitudes, km.
    log_interp : iterable of str
        Names of the fields to interpolate in log space (pressure, densities).
    level_dim : str
        Name of the vertical dimension.

    Returns
    -------
    dict of str to xarray.DataArray
        The fields with ``level_dim`` replaced by ``altitude`` (km, last
        dimension); NaN outside each column's altitude range.
    """
    alts = np.asarray(altitudes_km, float)
    return interpolate_columns(
        fields,
        altitude_m,
        alts * 1e3,
        new_dim="altitude",
        new_coord=alts,
        log_interp=log_interp,
        level_dim=level_dim,
    )
