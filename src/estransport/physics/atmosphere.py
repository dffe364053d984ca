"""Neutral atmosphere from NRLMSIS 2.1 (``pymsis``), always with explicit solar/geomagnetic indices.

pymsis downloads a space-weather file when F10.7 or Ap are not given, which
fails offline (docs/architecture.md §6), so every call here passes them explicitly.

Monthly-mean model output averages over all local times, so the profiles used
with it are **diurnal means**: MSIS is evaluated at ``diurnal_samples``
universal times at longitude 0 (i.e. at as many local times) and averaged.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence

import numpy as np
import xarray as xr

from .constants import ATOMIC_MASS_UNIT, BOLTZMANN

#: pymsis output columns (pymsis.Variable order).
_N2, _O2, _O, _T = 1, 2, 3, 10
_NUMBER_DENSITY_COLUMNS = slice(1, 10)  # N2 O2 O He H Ar N anomalous-O NO
_MASS_DENSITY = 0


def to_datetime64(times) -> np.ndarray:
    """Convert datetime-likes (cftime, datetime, numpy) to numpy datetime64[s].

    cftime dates of non-standard calendars are mapped field by field (year,
    month, day, hour, minute, second); day 30 of February in a 360-day
    calendar is clipped to the end of the month.

    Parameters
    ----------
    times : sequence
        Dates.

    Returns
    -------
    numpy.ndarray
        datetime64[s] values.
    """
    out = []
    for t in np.atleast_1d(np.asarray(times, dtype=object)):
        if isinstance(t, np.datetime64):
            out.append(t.astype("datetime64[s]"))
            continue
        year, month = int(t.year), int(t.month)
        last = (
            (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            if year > 0
            else 28
        )
        day = min(int(t.day), last)
        out.append(
            np.datetime64(
                f"{year:04d}-{month:02d}-{day:02d}T{int(t.hour):02d}:{int(t.minute):02d}:{int(getattr(t, 'second', 0)):02d}",
                "s",
            )
        )
    return np.array(out, dtype="datetime64[s]")


def msis_profiles(
    times: Sequence,
    altitudes_km: Sequence[float],
    lats: Sequence[float],
    *,
    f107: float,
    f107a: float,
    ap: float,
    diurnal_samples: int = 8,
) -> xr.Dataset:
    """Diurnal-mean NRLMSIS 2.1 profiles on a (time, altitude, lat) grid.

    Parameters
    ----------
    times : sequence of datetime-like
        Dates (the time of day is ignored: the mean over ``diurnal_samples``
        equally spaced UTs of that day is returned).
    altitudes_km : sequence of float
        Geodetic altitudes, km.
    lats : sequence of float
        Latitudes, degrees N.
    f107, f107a : float
        Daily F10.7 of the previous day and its 81-day mean, sfu
        (1e-22 W m-2 Hz-1). Passed explicitly: pymsis would otherwise download.
    ap : float
        Daily Ap (all seven MSIS ap inputs are set to it).
    diurnal_samples : int
        Number of universal times averaged (at longitude 0, i.e. local times).

    Returns
    -------
    xarray.Dataset
        ``n_N2``, ``n_O2``, ``n_O``, ``n_total`` (m-3), ``T`` (K),
        ``mean_mass`` (u), ``pressure`` (Pa, n_total k_B T) on
        (time, altitude, lat); ``time`` keeps the input values.
    """
    import pymsis

    days = to_datetime64(times).astype("datetime64[D]")
    step = np.timedelta64(int(round(86400 / diurnal_samples)), "s")
    dates = (days[:, None] + np.arange(diurnal_samples) * step).ravel()
    alts = np.asarray(altitudes_km, float)
    la = np.asarray(lats, float)
    nd = dates.size
    out = pymsis.calculate(
        dates,
        np.array([0.0]),
        la,
        alts,
        f107s=np.full(nd, float(f107)),
        f107as=np.full(nd, float(f107a)),
        aps=np.full((nd, 7), float(ap)),
    )
    out = out.reshape(len(days), diurnal_samples, la.size, alts.size, out.shape[-1])
    with warnings.catch_warnings():  # species MSIS leaves undefined (NaN) at some heights
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmean(out, axis=1)  # diurnal mean: (time, lat, alt, var)
    out = np.moveaxis(out, 2, 1)  # (time, alt, lat, var)
    n_total = np.nansum(out[..., _NUMBER_DENSITY_COLUMNS], axis=-1)
    mean_mass = out[..., _MASS_DENSITY] / n_total / ATOMIC_MASS_UNIT
    dims = ("time", "altitude", "lat")
    coords = {
        "time": ("time", np.asarray(times, dtype=object)),
        "altitude": ("altitude", alts, {"units": "km", "long_name": "geodetic altitude"}),
        "lat": ("lat", la, {"units": "degrees_north", "long_name": "latitude"}),
    }
    return xr.Dataset(
        {
            "n_N2": (
                dims,
                out[..., _N2],
                {"units": "m-3", "long_name": "N2 number density (NRLMSIS 2.1)"},
            ),
            "n_O2": (
                dims,
                out[..., _O2],
                {"units": "m-3", "long_name": "O2 number density (NRLMSIS 2.1)"},
            ),
            "n_O": (
                dims,
                out[..., _O],
                {"units": "m-3", "long_name": "O number density (NRLMSIS 2.1)"},
            ),
            "n_total": (
                dims,
                n_total,
                {"units": "m-3", "long_name": "total neutral number density (NRLMSIS 2.1)"},
            ),
            "T": (
                dims,
                out[..., _T],
                {"units": "K", "long_name": "neutral temperature (NRLMSIS 2.1)"},
            ),
            "mean_mass": (
                dims,
                mean_mass,
                {"units": "u", "long_name": "mean molecular mass (NRLMSIS 2.1)"},
            ),
            "pressure": (
                dims,
                n_total * BOLTZMANN * out[..., _T],
                {"units": "Pa", "long_name": "pressure n k_B T (NRLMSIS 2.1)"},
            ),
        },
        coords=coords,
        attrs={
            "msis": "NRLMSIS 2.1 via pymsis",
            "f107": f107,
            "f107a": f107a,
            "ap": ap,
            "diurnal_samples": diurnal_samples,
        },
    )


def msis_point(
    time,
    lat: float,
    lon: float,
    altitudes_km: Sequence[float],
    *,
    f107: float,
    f107a: float,
    ap: float,
) -> xr.Dataset:
    """NRLMSIS 2.1 at one place and time (no diurnal averaging).

    Parameters
    ----------
    time : datetime-like
        Date and time (UT).
    lat, lon : float
        Degrees N, degrees E.
    altitudes_km : sequence of float
        Km.
    f107, f107a, ap : float
        Solar and geomagnetic indices, passed explicitly.

    Returns
    -------
    xarray.Dataset
        ``n_N2``, ``n_O2``, ``n_O`` (m-3) and ``T`` (K) on ``altitude`` (km).
    """
    import pymsis

    alts = np.asarray(altitudes_km, float)
    out = pymsis.calculate(
        to_datetime64([time]),
        np.array([lon]),
        np.array([lat]),
        alts,
        f107s=[float(f107)],
        f107as=[float(f107a)],
        aps=[[float(ap)] * 7],
    ).reshape(alts.size, -1)
    coords = {"altitude": ("altitude", alts, {"units": "km"})}
    return xr.Dataset(
        {
            "n_N2": ("altitude", out[:, _N2], {"units": "m-3"}),
            "n_O2": ("altitude", out[:, _O2], {"units": "m-3"}),
            "n_O": ("altitude", out[:, _O], {"units": "m-3"}),
            "T": ("altitude", out[:, _T], {"units": "K"}),
        },
        coords=coords,
    )
