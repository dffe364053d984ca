"""Grid of the synthetic WACCM files: hybrid levels, latitudes, longitudes, times, MSIS background."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from ...physics.constants import CESM_P0
from .params import SyntheticWaccmParameters

if TYPE_CHECKING:  # xarray and MSIS are imported where used: the
    import xarray as xr  # workflow imports this package at parse time for file names

#: Days in each month of the noleap calendar (CESM's default calendar).
NOLEAP_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
#: Altitudes of the MSIS background columns, km: every 1 km from the ground to
#: 260 km, above the model top (5e-5 Pa is about 180 km at solar minimum).
BACKGROUND_ALTITUDES_KM = np.arange(0.0, 261.0, 1.0)


def latitudes(params: SyntheticWaccmParameters) -> np.ndarray:
    """Cell-centre latitudes, degrees N (-87.5 ... 87.5 for a 5 degree step)."""
    return np.arange(-90.0 + params.lat_step_deg / 2, 90.0, params.lat_step_deg)


def longitudes(params: SyntheticWaccmParameters) -> np.ndarray:
    """Longitudes from 0, degrees E."""
    return np.arange(0.0, 360.0, params.lon_step_deg)


def hybrid_coefficients(params: SyntheticWaccmParameters) -> dict[str, np.ndarray]:
    """Hybrid A/B coefficients at interfaces and midpoints (index 0 = model top).

    Parameters
    ----------
    params : SyntheticWaccmParameters

    Returns
    -------
    dict
        ``hyai``, ``hybi`` (nlev+1) and ``hyam``, ``hybm`` (nlev), dimensionless
        (fractions of P0 = 1e5 Pa); midpoints are interface means, as in CAM.
    """
    up = np.arange(
        np.log(params.top_pressure_pa), np.log(params.upper_boundary_pa), params.dlnp_upper
    )
    low = np.linspace(
        np.log(params.upper_boundary_pa),
        np.log(CESM_P0),
        int(np.ceil(np.log(CESM_P0 / params.upper_boundary_pa) / params.dlnp_lower)) + 1,
    )
    p_ref = np.exp(np.concatenate([up, low]))
    # B rises from 0 at pure_pressure_below_pa to 1 at P0 as the 1.5 power of the
    # normalised pressure: a smooth sigma-to-pressure transition (our choice; CAM's
    # own coefficients come from a table, hycoef.F90)
    b = (
        np.clip(
            (p_ref - params.pure_pressure_below_pa) / (CESM_P0 - params.pure_pressure_below_pa),
            0.0,
            1.0,
        )
        ** 1.5
    )
    a = p_ref / CESM_P0 - b
    a[-1], b[-1] = 0.0, 1.0
    return {
        "hyai": a,
        "hybi": b,
        "hyam": 0.5 * (a[1:] + a[:-1]),
        "hybm": 0.5 * (b[1:] + b[:-1]),
    }


def month_dates(params: SyntheticWaccmParameters) -> list[dt.datetime]:
    """The date of the MSIS background of each month: the 15th, mid-month."""
    return [dt.datetime(params.year, m, 15) for m in params.months]


def msis_background(params: SyntheticWaccmParameters, lats: np.ndarray) -> xr.Dataset:
    """Diurnal-mean MSIS on a 1-km grid 0-260 km for each month (on the 15th) and latitude."""
    from ...physics.atmosphere import msis_profiles

    alts = BACKGROUND_ALTITUDES_KM
    return msis_profiles(
        month_dates(params), alts, lats, f107=params.f107, f107a=params.f107a, ap=params.ap
    )


def z_of_lnp(bg_col_lnp: np.ndarray, z_km: np.ndarray, lnp: np.ndarray) -> np.ndarray:
    """Altitude (km) at which a column's ln p equals ``lnp`` (log-linear extrapolation below)."""
    x = -bg_col_lnp  # increasing with height
    slope = (z_km[1] - z_km[0]) / (x[1] - x[0])
    # the lowest MSIS step extended 3 e-folds of pressure downward, for level
    # pressures above the MSIS surface pressure (a high surface_pressure_pa)
    xe = np.concatenate([[x[0] - 3.0], x])
    ze = np.concatenate([[z_km[0] - 3.0 * slope], z_km])
    return np.interp(-lnp, xe, ze)


def cumulative_from_top(f: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Integral of f dp from p = 0 to each p (trapezoid; f constant above the first point)."""
    out = np.empty_like(f)
    out[0] = f[0] * p[0]
    out[1:] = out[0] + np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(p))
    return out


def time_axis(params: SyntheticWaccmParameters):
    """Time values, bounds and date stamps (days since year-01-01, noleap)."""
    starts = np.concatenate([[0], np.cumsum(NOLEAP_DAYS)])
    out = []
    n = max(params.samples_per_day, 1)
    for month in params.months:
        if params.samples_per_day == 0:
            lo, hi = starts[month - 1], starts[month]
            end_year, end_month = (params.year + 1, 1) if month == 12 else (params.year, month + 1)
            out.append(
                [(float(hi), (float(lo), float(hi)), end_year * 10000 + end_month * 100 + 1, 0)]
            )
        else:
            recs = []
            for k in range(n):
                t = starts[month - 1] + 14 + k / n
                recs.append(
                    (
                        float(t),
                        (float(t), float(t)),
                        params.year * 10000 + month * 100 + 15,
                        int(round(86400 * k / n)),
                    )
                )
            out.append(recs)
    return out
