"""The model's headline numbers against values computed from the planted fields.

The synthetic WACCM generator has no noise: its fields are a deterministic function of
the configuration, so there are no seeds to average over and each number below is one
comparison of the default run with the planted truth. What is measured is the error of
the pipeline (CESM reader, vertical interpolation, TEM finite differences, drift physics,
flux divergence) on the configured grid; the tolerance reported is that measured error.

* TEM: the recovered v* in the lower-thermospheric cell (95-115 km reference altitude)
  and omega* at 80-150 km against the planted ``v_star`` and ``omega_star`` of
  ``planted_truth.nc`` on the model's pressure levels (correlation and regression slope).
* Fe+ flux: the part of the zonal-mean meridional flux driven by the meridional wind V
  (``flux_north_zm_by_driver``, driver ``V``) against n(Fe+) v_bar computed from the
  planted Fe+ density (:func:`estransport.synthetic.waccm.truth.fep_density`) and the
  planted Eulerian-mean v of ``planted_truth.nc``, at the map level and over the
  convergence layer. At 106 km the ions follow V to r_i^2/(1 + r_i^2) ~ 0.998 (r_i ~ 24,
  docs/science.md §4), so n v_bar is the analytic V-driven flux to about 0.2 %.
* Convergence band: the band of the convergence of that V-driven flux (the
  configured rule, :func:`estransport.physics.flux.convergence_band`) from the pipeline
  and from the analytic flux. The full-drift band of ``paper_numbers.csv`` adds the
  U-, E x B- and Pedersen-driven parts, which have no planted closed form here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..physics.flux import convergence_band, layer_mean, meridional_divergence, summer_hemisphere
from ..synthetic.waccm.params import SyntheticWaccmParameters
from ..synthetic.waccm.truth import fep_density


def _fit(got: np.ndarray, planted: np.ndarray) -> tuple[float, float]:
    """Correlation and regression slope of ``got`` on ``planted`` (finite pairs)."""
    ok = np.isfinite(got) & np.isfinite(planted)
    r = float(np.corrcoef(got[ok], planted[ok])[0, 1])
    slope = float(np.polyfit(planted[ok], got[ok], 1)[0])
    return r, slope


def tem_rows(tem: xr.Dataset, truth: xr.Dataset) -> list[dict]:
    """Recovered against planted v* (95-115 km) and omega* (80-150 km), on pressure levels.

    Returns
    -------
    list of dict
        ``quantity``, ``resolution``, ``value``, ``truth`` (the ideal value, 1).
    """
    z = truth["z_ref"].values
    rows = []
    for name, var, (lo, hi) in (
        ("v*", "v_star", (95.0, 115.0)),
        ("omega*", "omega_star", (80.0, 150.0)),
    ):
        sel = (z > lo) & (z < hi)
        r, slope = _fit(
            tem[f"{var}_plev"].values[:, sel, :].ravel(), truth[var].values[:, sel, :].ravel()
        )
        for what, value in (
            ("correlation with planted", r),
            ("regression slope on planted", slope),
        ):
            rows.append(
                {
                    "quantity": f"TEM {name}, {lo:g}-{hi:g} km: {what}",
                    "resolution": "model grid",
                    "value": value,
                    "truth": 1.0,
                }
            )
    return rows


def analytic_v_flux(
    truth: xr.Dataset, params: SyntheticWaccmParameters, altitude: np.ndarray
) -> xr.DataArray:
    """n(Fe+) v_bar from the planted fields on (month, altitude, lat), m-2 s-1.

    ``v_bar`` (the planted Eulerian-mean meridional wind) is interpolated from the
    pressure levels to ``altitude`` (km) through the planted zonal-mean height of each
    level (``z_mean``); n(Fe+) is the planted density at that altitude.
    """
    months = truth["month"].values
    lat = truth["lat"].values
    out = np.empty((months.size, altitude.size, lat.size))
    for m_i, month in enumerate(months):
        for j, la in enumerate(lat):
            zc = truth["z_mean"].values[m_i, :, j]
            order = np.argsort(zc)
            v = np.interp(altitude, zc[order], truth["v_bar"].values[m_i, order, j])
            out[m_i, :, j] = fep_density(altitude, la, month, params) * v
    return xr.DataArray(
        out,
        dims=("month", "altitude", "lat"),
        coords={"month": months, "altitude": altitude, "lat": lat},
        attrs={"units": "m-2 s-1"},
    )


def flux_rows(
    flux: xr.Dataset,
    truth: xr.Dataset,
    params: SyntheticWaccmParameters,
    *,
    level_km: float,
    months: Sequence[int],
    altitude_km: Sequence[float],
    threshold: float,
) -> list[dict]:
    """V-driven Fe+ flux and its convergence band against the analytic n(Fe+) v_bar.

    Returns
    -------
    list of dict
        ``quantity``, ``resolution``, ``value`` and ``truth``: correlation and slope of
        the zonal-mean V-driven flux at ``level_km`` (all months), the same over the
        convergence layer, and per month of ``months`` the band edges (degrees) of the
        V-driven flux's meridional convergence, pipeline (value) and analytic (truth).
    """
    alt = flux["altitude"].values
    piped = flux["flux_north_zm_by_driver"].sel(driver="V")
    analytic = analytic_v_flux(truth, params, alt).sel(month=piped["month"].values)
    analytic = analytic.assign_coords(lat=piped["lat"].values)
    rows = []
    layer = slice(altitude_km[0], altitude_km[1])
    for label, p, a in (
        (
            f"at {level_km:g} km",
            piped.interp(altitude=level_km),
            analytic.interp(altitude=level_km),
        ),
        (
            f"at {altitude_km[0]:g}-{altitude_km[1]:g} km",
            piped.sel(altitude=layer),
            analytic.sel(altitude=layer),
        ),
    ):
        r, slope = _fit(np.asarray(p.values).ravel(), np.asarray(a.values).ravel())
        for what, value in (
            ("correlation with n(Fe+) v_bar", r),
            ("regression slope on n(Fe+) v_bar", slope),
        ):
            rows.append(
                {
                    "quantity": f"V-driven zonal-mean Fe+ flux {label}: {what}",
                    "resolution": "model grid",
                    "value": value,
                    "truth": 1.0,
                }
            )
    for month in months:
        hemi = summer_hemisphere(int(month))
        edges = {}
        for name, f in (("pipeline", piped), ("planted", analytic)):
            conv = -meridional_divergence(f.sel(month=month))
            prof = layer_mean(conv, altitude_km)
            band = convergence_band(prof, hemi, threshold=threshold)
            edges[name] = band
        for end, key in (("equatorward edge", "lat_low"), ("poleward edge", "lat_high")):
            got = _edge(edges["pipeline"], key)
            want = _edge(edges["planted"], key)
            rows.append(
                {
                    "quantity": f"convergence band of the V-driven flux, "
                    f"{altitude_km[0]:g}-{altitude_km[1]:g} km, month {month} "
                    f"({hemi}): {end}",
                    "resolution": "model grid",
                    "value": got,
                    "truth": want,
                }
            )
    return rows


def _edge(band, key: str) -> float:
    """One edge (absolute latitude, degrees) of a :func:`convergence_band` result."""
    if isinstance(band, dict):
        v = band.get(key, math.nan)
    else:
        v = getattr(band, key, math.nan)
    return abs(float(v)) if v is not None and np.isfinite(v) else math.nan
