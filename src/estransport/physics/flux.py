"""Fe+ flux Phi = n(Fe+) v_i, its zonal mean, its level at the map altitude and its divergence (paper Fig. 4).

The ion velocity **v**_i is the full steady solution of the ion momentum
equation (Yu et al. 2021, A2; :mod:`estransport.physics.drift`): the
neutral-wind-driven drift plus, when the model has an electric field, the
E x B and Coulomb-force (Pedersen) drifts. It is read from ``drift.nc``
(``v_ion_total``, ``w_ion_total``, the sum over every driver that the
``model_drift`` rule kept), and the Fe+ number
density from ``state.nc`` (``n_Fep``, the ``Fep`` mixing ratio times the air
number density). Every flux is a number flux in **m-2 s-1**; every flux
divergence in **m-3 s-1**.

Definitions
-----------
* Flux: Phi_north = n v_i, Phi_up = n w_i at every model point and time
  (m-2 s-1). Monthly means are means of the product over the history times of
  the calendar month (so tidal correlations of n and v_i are kept when the
  files hold several times a day).
* Zonal mean: the mean over longitude.
* Level: the field linearly interpolated in altitude to ``level_km``
  (config ``transport.flux.level_km``; the paper's 106 km, where the Es peak
  density is greatest; docs/science.md 6).
* Divergence of the zonal-mean flux on the sphere (the zonal-mean of the
  longitude derivative vanishes on a periodic domain), with r = a + z:

      D_merid = 1 / (r cos(phi)) d(cos(phi) Phi_north) / d(phi)
      D_vert  = d(Phi_up) / dz

  Convergence is the negative divergence. Derivatives are second-order
  centred differences (one-sided at the edges).
* Range of a field over a region (:func:`field_range`): either the
  ``percentile`` range (low to high percentile, optionally cos(latitude)
  area weighted) or ``minmax`` (minimum to maximum). The paper calls its
  flux ranges "typical", which the percentile range represents; ``minmax``
  is the strict reading. Config ``transport.range``.
* Convergence band (:func:`convergence_band` of :func:`convergence_profile`):
  in the summer hemisphere of a month, the contiguous latitudes around the
  maximum of the layer-mean zonal-mean convergence (of the meridional flux
  only, -D_merid, or the total -(D_merid + D_vert)) where the convergence is
  at least ``threshold`` times that maximum (0.5 = the half-maximum width),
  with edges interpolated linearly between grid latitudes. Layer, component
  and threshold: config ``transport.convergence``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from ..means import monthly_mean
from .constants import CESM_EARTH_RADIUS

#: Earth radius for the spherical divergence, m (CESM ``SHR_CONST_REARTH``, the
#: model's own radius; physics.constants).
EARTH_RADIUS_M = CESM_EARTH_RADIUS

#: Units of a number flux and of its divergence (every flux variable carries them).
FLUX_UNITS = "m-2 s-1"
DIVERGENCE_UNITS = "m-3 s-1"

#: Range definitions accepted by :func:`field_range`.
RANGE_METHODS = ("percentile", "minmax")


def fe_flux(n_fep, v_ion, w_ion):
    """Fe+ number flux from density and ion velocity, point by point.

    Parameters
    ----------
    n_fep : array_like
        Fe+ number density, m-3.
    v_ion, w_ion : array_like
        Northward and upward ion velocity, m s-1 (broadcast with ``n_fep``).

    Returns
    -------
    phi_north, phi_up : array_like
        Northward and upward Fe+ flux, m-2 s-1.
    """
    return n_fep * v_ion, n_fep * w_ion


def summer_hemisphere(month: int) -> str:
    """Hemisphere in summer in a calendar month: "N" for April-September, else "S".

    Parameters
    ----------
    month : int
        1-12.

    Returns
    -------
    str
        "N" or "S".
    """
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1-12, not {month}")
    return "N" if 4 <= int(month) <= 9 else "S"


#: cos(latitude) below which the spherical divergence is undefined (about 0.0006
#: degrees from a pole); pole rows of a model grid get NaN instead of ~1e17.
POLE_COS_MIN = 1e-5


def meridional_divergence(
    phi_north: xr.DataArray,
    *,
    earth_radius: float = EARTH_RADIUS_M,
    lat: str = "lat",
    altitude: str | None = "altitude",
) -> xr.DataArray:
    """Spherical divergence of a northward flux, (1/(r cos phi)) d(cos phi Phi)/d phi.

    Parameters
    ----------
    phi_north : xarray.DataArray
        Northward flux, m-2 s-1, with a latitude coordinate in degrees (and,
        if ``altitude`` is given, an altitude coordinate in km so that
        r = a + z).
    earth_radius : float
        a, m.
    lat, altitude : str
        Coordinate names; ``altitude=None`` uses r = a.

    Returns
    -------
    xarray.DataArray
        m-3 s-1. Exactly zero flux at the poles is not assumed: the edge
        latitudes use one-sided differences. Rows within
        :data:`POLE_COS_MIN` of a pole (grids with +-90 degree rows, as CESM FV)
        are NaN: the 1/cos(phi) factor is singular there.
    """
    cosphi = np.cos(np.deg2rad(phi_north[lat]))
    r = earth_radius
    if altitude is not None and altitude in phi_north.coords:
        r = earth_radius + phi_north[altitude] * 1e3
    dcos = (phi_north * cosphi).differentiate(lat, edge_order=2) * (180.0 / np.pi)
    out = (dcos / (r * cosphi)).where(cosphi > POLE_COS_MIN)
    out.attrs = {"units": DIVERGENCE_UNITS}
    return out


def vertical_divergence(phi_up: xr.DataArray, *, altitude: str = "altitude") -> xr.DataArray:
    """Vertical divergence d(Phi_up)/dz with the altitude coordinate in km.

    Parameters
    ----------
    phi_up : xarray.DataArray
        Upward flux, m-2 s-1.
    altitude : str
        Name of the altitude coordinate (km).

    Returns
    -------
    xarray.DataArray
        m-3 s-1.
    """
    out = phi_up.differentiate(altitude, edge_order=2) / 1e3
    out.attrs = {"units": DIVERGENCE_UNITS}
    return out


def level(da: xr.DataArray, level_km: float, *, altitude: str = "altitude") -> xr.DataArray:
    """A field at one altitude, linearly interpolated between the model levels.

    Parameters
    ----------
    da : xarray.DataArray
        Field with an altitude coordinate in km.
    level_km : float
        Altitude, km; must lie within the coordinate's range.

    Returns
    -------
    xarray.DataArray
        Without the altitude dimension; attribute ``level_km``.
    """
    z = da[altitude].values
    if not z.min() <= level_km <= z.max():
        raise ValueError(
            f"level {level_km} km lies outside the model altitudes {z.min()}-{z.max()} km"
        )
    out = da.interp({altitude: level_km}).drop_vars(altitude)
    out.attrs = {**da.attrs, "level_km": float(level_km)}
    return out


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantiles (0-1) of weighted samples (midpoint rule on the cumulative weights)."""
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cw = np.cumsum(w) - 0.5 * w
    cw /= w.sum()
    return np.interp(q, cw, v)


def field_range(
    values, weights=None, *, method: str, percentiles: Sequence[float]
) -> tuple[float, float]:
    """Range of a field over a region (see the module notes for the definitions).

    Parameters
    ----------
    values : array_like
        The field over the region, any shape, in its own units (NaN ignored).
    weights : array_like, optional
        Non-negative weights broadcast with ``values`` (e.g. cos latitude for
        area weighting); only used by ``percentile``.
    method : {"percentile", "minmax"}
        ``percentile``: the weighted ``percentiles`` (low, high), read off the
        sorted values linearly against their cumulative weight fractions at
        the sample midpoints, (cumsum(w) - w/2) / sum(w); ``minmax``: the
        minimum and maximum.
    percentiles : (float, float)
        Low and high percentiles, 0-100 (not used by ``minmax``).

    Returns
    -------
    low, high : float
        In the units of ``values``; NaN if there is no finite value.
    """
    if method not in RANGE_METHODS:
        raise ValueError(f"range method must be one of {RANGE_METHODS}, not {method!r}")
    v = np.asarray(values, float)
    w = np.ones_like(v) if weights is None else np.broadcast_to(np.asarray(weights, float), v.shape)
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    if not ok.any():
        return float("nan"), float("nan")
    v, w = v[ok], w[ok]
    if method == "minmax":
        return float(v.min()), float(v.max())
    lo, hi = _weighted_quantile(v, w, np.asarray(percentiles, float) / 100.0)
    return float(lo), float(hi)


def cos_lat_weights(da: xr.DataArray, lat: str = "lat") -> xr.DataArray:
    """cos(latitude) broadcast to the shape of ``da`` (area weights of a regular grid).

    Parameters
    ----------
    da : xarray.DataArray
        Field with a latitude coordinate in degrees.

    Returns
    -------
    xarray.DataArray
        Dimensionless weights.
    """
    return np.cos(np.deg2rad(da[lat])).broadcast_like(da)


def _crossing(x0: float, x1: float, y0: float, y1: float, level_: float) -> float:
    """x where the straight line through (x0, y0), (x1, y1) reaches ``level_``."""
    if y1 == y0:
        return x0
    return x0 + (level_ - y0) * (x1 - x0) / (y1 - y0)


def convergence_band(
    conv: xr.DataArray, hemisphere: str, *, threshold: float, lat: str = "lat"
) -> dict[str, float]:
    """Latitude band of strong convergence in one hemisphere (see the module notes).

    Parameters
    ----------
    conv : xarray.DataArray
        Convergence profile against latitude (e.g. m-3 s-1), 1-D in ``lat``.
    hemisphere : {"N", "S"}
        Hemisphere searched (poleward of the equator).
    threshold : float
        Fraction (0-1) of the hemispheric maximum that bounds the band; 0
        gives the band of positive convergence around the maximum.

    Returns
    -------
    dict
        ``lat_low``, ``lat_high`` (absolute latitude of the equatorward and
        poleward edge, degrees: where the profile, linear between grid
        latitudes, crosses the threshold, or the outermost grid latitude
        when the band reaches the end of the data), ``lat_peak`` (absolute latitude of the
        maximum, degrees) and ``peak`` (maximum convergence, units of
        ``conv``). NaN if the convergence is nowhere positive.
    """
    if hemisphere not in ("N", "S"):
        raise ValueError(f"hemisphere must be N or S, not {hemisphere!r}")
    prof = conv.sortby(lat)
    la = prof[lat].values.astype(float)
    y = prof.values.astype(float)
    sel = la > 0 if hemisphere == "N" else la < 0
    x = np.abs(la[sel])
    y = y[sel]
    order = np.argsort(x)  # equator to pole
    x, y = x[order], y[order]
    nan = {"lat_low": np.nan, "lat_high": np.nan, "lat_peak": np.nan, "peak": np.nan}
    if not np.isfinite(y).any() or np.nanmax(y) <= 0:
        return nan
    k = int(np.nanargmax(y))
    peak = float(y[k])
    lev = threshold * peak
    i = k
    while i > 0 and np.isfinite(y[i - 1]) and y[i - 1] >= lev:
        i -= 1
    j = k
    while j < x.size - 1 and np.isfinite(y[j + 1]) and y[j + 1] >= lev:
        j += 1
    # edges: linear crossing of the threshold with the next grid latitude outside the band,
    # or the outermost grid latitude when the band reaches the end of the data
    lo = _crossing(x[i - 1], x[i], y[i - 1], y[i], lev) if i > 0 and np.isfinite(y[i - 1]) else x[i]
    last = x.size - 1
    hi = (
        _crossing(x[j], x[j + 1], y[j], y[j + 1], lev)
        if j < last and np.isfinite(y[j + 1])
        else x[j]
    )
    return {
        "lat_low": float(max(lo, 0.0)),
        "lat_high": float(min(hi, 90.0)),
        "lat_peak": float(x[k]),
        "peak": peak,
    }


def layer_mean(
    da: xr.DataArray, altitude_km: Sequence[float], *, altitude: str = "altitude"
) -> xr.DataArray:
    """Mean over the model levels within an altitude range (both ends included).

    Parameters
    ----------
    da : xarray.DataArray
        Field with an altitude coordinate in km.
    altitude_km : (float, float)
        Layer bottom and top, km.

    Returns
    -------
    xarray.DataArray
        Without the altitude dimension, units of ``da``.

    Raises
    ------
    ValueError
        If no model level lies in the layer.
    """
    lo, hi = float(altitude_km[0]), float(altitude_km[1])
    z = da[altitude]
    sel = (z >= lo - 1e-9) & (z <= hi + 1e-9)
    if not bool(sel.any()):
        raise ValueError(f"no model level in {lo}-{hi} km")
    return da.where(sel, drop=True).mean(altitude, keep_attrs=True)


def compute_fe_flux(
    state: xr.Dataset, drift: xr.Dataset, *, level_km: float, earth_radius: float = EARTH_RADIUS_M
) -> xr.Dataset:
    """Monthly Fe+ flux, its zonal mean, its level and the zonal-mean divergence.

    Parameters
    ----------
    state : xarray.Dataset
        Model state with ``n_Fep`` (m-3) on (time, altitude, lat, lon).
    drift : xarray.Dataset
        The ion drift of ``drift.nc`` (rule ``model_drift``): ``v_ion_total``,
        ``w_ion_total`` (m s-1) on the same grid, and (optional) the parts
        ``v_ion``, ``w_ion`` on (driver, time, altitude, lat, lon).
    level_km : float
        Altitude of the flux map, km.
    earth_radius : float
        a, m.

    Returns
    -------
    xarray.Dataset
        On (month, altitude, lat, lon): ``n_fep`` (m-3), ``flux_north``,
        ``flux_up`` (m-2 s-1); on (month, altitude, lat): their zonal means
        ``flux_north_zm``, ``flux_up_zm`` and ``n_fep_zm``, the divergences
        ``divergence_meridional_zm``, ``divergence_vertical_zm`` and
        ``convergence_zm`` (= -(sum), m-3 s-1); on (driver, month, altitude,
        lat): ``flux_north_zm_by_driver``, ``flux_up_zm_by_driver`` (the
        part of the flux carried by each drift driver, m-2 s-1; only when the
        drift has its parts); on (month,
        lat, lon): ``flux_north_level``, ``flux_up_level`` at ``level_km``.
    """
    n = state["n_Fep"].astype("float64")
    v = drift["v_ion_total"].astype("float64")
    w = drift["w_ion_total"].astype("float64")
    for name, da in (("v_ion_total", v), ("w_ion_total", w)):
        for c in ("time", "altitude", "lat", "lon"):
            if not np.array_equal(np.asarray(da[c].values), np.asarray(n[c].values)):
                raise ValueError(f"drift {name} and state n_Fep differ in coordinate {c!r}")
    fn, fu = fe_flux(n, v, w)
    monthly = monthly_mean(xr.Dataset({"n_fep": n, "flux_north": fn, "flux_up": fu})).compute()
    by_driver = None
    if "v_ion" in drift and "w_ion" in drift:
        by_driver = monthly_mean(
            xr.Dataset(
                {
                    "flux_north_zm_by_driver": (n * drift["v_ion"].astype("float64")).mean("lon"),
                    "flux_up_zm_by_driver": (n * drift["w_ion"].astype("float64")).mean("lon"),
                }
            )
        ).compute()
    ds = monthly.transpose("month", "altitude", "lat", "lon")
    for k in ("n_fep", "flux_north", "flux_up"):
        ds[f"{k}_zm"] = ds[k].mean("lon")
    ds["divergence_meridional_zm"] = meridional_divergence(
        ds["flux_north_zm"], earth_radius=earth_radius
    )
    ds["divergence_vertical_zm"] = vertical_divergence(ds["flux_up_zm"])
    ds["convergence_zm"] = -(ds["divergence_meridional_zm"] + ds["divergence_vertical_zm"])
    if by_driver is not None:
        for k in ("flux_north_zm_by_driver", "flux_up_zm_by_driver"):
            ds[k] = by_driver[k].transpose("driver", "month", "altitude", "lat")
    ds["flux_north_level"] = level(ds["flux_north"], level_km)
    ds["flux_up_level"] = level(ds["flux_up"], level_km)
    ds["n_fep_level"] = level(ds["n_fep"], level_km)
    src = (
        "Phi = n(Fe+) v_i with v_i the total steady ion drift of drift.nc "
        "(neutral wind + E x B + Pedersen when the model has E); monthly mean of the product"
    )
    attrs = {
        "n_fep": {"units": "m-3", "long_name": "monthly-mean Fe+ number density"},
        "flux_north": {
            "units": FLUX_UNITS,
            "long_name": "northward Fe+ flux n(Fe+) v_i",
            "comment": src,
        },
        "flux_up": {"units": FLUX_UNITS, "long_name": "upward Fe+ flux n(Fe+) w_i", "comment": src},
        "n_fep_zm": {"units": "m-3", "long_name": "zonal-mean Fe+ number density"},
        "flux_north_zm": {"units": FLUX_UNITS, "long_name": "zonal-mean northward Fe+ flux"},
        "flux_up_zm": {"units": FLUX_UNITS, "long_name": "zonal-mean upward Fe+ flux"},
        "divergence_meridional_zm": {
            "units": DIVERGENCE_UNITS,
            "long_name": "meridional divergence of the zonal-mean Fe+ flux",
            "comment": "1/((a+z) cos(lat)) d(cos(lat) flux_north_zm)/d(lat)",
        },
        "divergence_vertical_zm": {
            "units": DIVERGENCE_UNITS,
            "long_name": "vertical divergence of the zonal-mean Fe+ flux",
            "comment": "d(flux_up_zm)/dz",
        },
        "convergence_zm": {
            "units": DIVERGENCE_UNITS,
            "long_name": "convergence of the zonal-mean Fe+ flux (minus the total divergence)",
        },
        "flux_north_zm_by_driver": {
            "units": FLUX_UNITS,
            "long_name": "zonal-mean northward Fe+ flux carried by each drift driver",
            "comment": "parts add up to flux_north_zm",
        },
        "flux_up_zm_by_driver": {
            "units": FLUX_UNITS,
            "long_name": "zonal-mean upward Fe+ flux carried by each drift driver",
            "comment": "parts add up to flux_up_zm",
        },
        "flux_north_level": {
            "units": FLUX_UNITS,
            "long_name": f"northward Fe+ flux at {level_km:g} km",
            "level_km": float(level_km),
        },
        "flux_up_level": {
            "units": FLUX_UNITS,
            "long_name": f"upward Fe+ flux at {level_km:g} km",
            "level_km": float(level_km),
        },
        "n_fep_level": {
            "units": "m-3",
            "long_name": f"Fe+ number density at {level_km:g} km",
            "level_km": float(level_km),
        },
    }
    for k, a in attrs.items():
        if k in ds:
            ds[k].attrs = a
    for c in ("altitude", "lat", "lon"):
        ds[c].attrs = dict(state[c].attrs)
    ds["month"].attrs = {"long_name": "calendar month", "units": "1"}
    if "driver" in drift.coords:
        ds["driver"].attrs = dict(drift["driver"].attrs)
    ds.attrs = {
        "title": "Fe+ flux n(Fe+) v_i from the full steady ion momentum solution (Yu et al. 2021, Fig. 4)",
        "level_km": float(level_km),
        "earth_radius_m": float(earth_radius),
        "electric_field": str(drift.attrs.get("electric_field", "unknown")),
    }
    return ds


def flux_range_table(
    ds: xr.Dataset, *, method: str, percentiles: Sequence[float], area_weighted: bool
) -> pd.DataFrame:
    """Range of the meridional flux at the map level, one row per month.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`compute_fe_flux` (``flux_north_level`` on month, lat, lon,
        m-2 s-1, with attribute ``level_km``).
    method, percentiles
        See :func:`field_range`.
    area_weighted : bool
        Weight the percentiles by cos(latitude).

    Returns
    -------
    pandas.DataFrame
        Columns ``month``, ``level_km``, ``range_method``, ``flux_north_low``,
        ``flux_north_high`` (the range), ``flux_north_min``,
        ``flux_north_max``, ``flux_north_mean``, ``max_abs`` (the
        normalisation of Fig. 4), ``southward_area_fraction`` (mean and area
        fraction cos(latitude) weighted when ``area_weighted``) and ``units``
        (m-2 s-1).
    """
    rows = []
    f = ds["flux_north_level"]
    lvl = float(f.attrs["level_km"])
    for m in f["month"].values:
        fm = f.sel(month=m)
        wts = cos_lat_weights(fm) if area_weighted else xr.ones_like(fm)
        lo, hi = field_range(fm.values, wts.values, method=method, percentiles=percentiles)
        vals = fm.values
        ok = np.isfinite(vals)
        wv = wts.values * ok
        mean = float(np.nansum(vals * wv) / wv.sum()) if wv.sum() > 0 else np.nan
        label = (
            "minmax"
            if method == "minmax"
            else (
                f"p{percentiles[0]:g}-p{percentiles[1]:g}{' cos-lat weighted' if area_weighted else ''}"
            )
        )
        rows.append(
            {
                "month": int(m),
                "level_km": lvl,
                "range_method": label,
                "flux_north_low": lo,
                "flux_north_high": hi,
                "flux_north_min": float(np.nanmin(vals)),
                "flux_north_max": float(np.nanmax(vals)),
                "flux_north_mean": mean,
                "max_abs": float(np.nanmax(np.abs(vals))),
                "southward_area_fraction": float(((vals < 0) * wv).sum() / wv.sum())
                if wv.sum() > 0
                else np.nan,
                "units": FLUX_UNITS,
            }
        )
    return pd.DataFrame(rows)


def convergence_profile(
    ds: xr.Dataset, month: int, altitude_km: Sequence[float], *, component: str
) -> xr.DataArray:
    """Layer-mean zonal-mean flux convergence against latitude for one month.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`compute_fe_flux`.
    month : int
        Calendar month.
    altitude_km : (float, float)
        Layer, km (the paper: 105-115 km).
    component : {"meridional", "total"}
        ``meridional``: minus the meridional divergence only (the convergence
        of the meridional flux shown in Fig. 4); ``total``: minus the
        meridional plus vertical divergence.

    Returns
    -------
    xarray.DataArray
        On ``lat``, m-3 s-1.
    """
    if component == "meridional":
        conv = -ds["divergence_meridional_zm"]
    elif component == "total":
        conv = ds["convergence_zm"]
    else:
        raise ValueError(f"component must be meridional or total, not {component!r}")
    out = layer_mean(conv.sel(month=month), altitude_km)
    out.attrs = {
        "units": DIVERGENCE_UNITS,
        "long_name": f"{component} Fe+ flux convergence, "
        f"mean over {altitude_km[0]:g}-{altitude_km[1]:g} km",
    }
    return out
