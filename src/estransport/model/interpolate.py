"""Column-by-column interpolation of model-level fields to fixed values of a vertical coordinate.

The model state interpolates every column to fixed geometric altitudes
(:func:`interpolate_to_altitude`); the TEM step puts hybrid-level fields on
reference pressure levels (in ln p) and its results on fixed altitudes
(:func:`interpolate_columns`). Linear in the coordinate; quantities that vary
exponentially (pressure, densities, mixing ratios) optionally in log space.
Lazy with dask-backed inputs: each chunk is interpolated when it is computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import xarray as xr

#: Floor applied before taking logs: zeros (and round-off negatives) of positive
#: quantities become exp(log(1e-300)) ~ 1e-300, i.e. zero for every practical
#: purpose, instead of -inf (1e-300 is above the float64 minimum normal 2.2e-308).
_LOG_FLOOR = 1e-300


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
            f = np.log(np.maximum(f, _LOG_FLOOR))
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
