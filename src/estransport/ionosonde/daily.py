"""Daily means and their smoothing (docs/science.md 7, steps 2 and 3)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def daily_mean(
    hourly: pd.DataFrame, min_hours: int, *, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Daily mean foEs over the UT day, on a continuous daily index.

    Parameters
    ----------
    hourly : pandas.DataFrame
        One station's hourly table (:func:`.hourly.to_hourly`).
    min_hours : int
        Fewest hourly values (with a value) a day needs for its mean.
    start, end : datetime.date
        First and last day of the index (inclusive); days without data are NaN.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (datetime64, midnight UT); columns ``foEs_daily_MHz``
        (MHz, NaN for days with fewer than ``min_hours`` values) and
        ``n_hours`` (number of hourly values with a value).
    """
    idx = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", name="date")
    valid = hourly.loc[hourly["foEs_MHz"].notna()]
    day = valid["time_ut"].dt.floor("D")
    grouped = valid.groupby(day)["foEs_MHz"]
    out = pd.DataFrame({"foEs_daily_MHz": grouped.mean(), "n_hours": grouped.count()})
    out = out.reindex(idx)
    out["n_hours"] = out["n_hours"].fillna(0).astype("int16")
    out.loc[out["n_hours"] < min_hours, "foEs_daily_MHz"] = np.nan
    return out


def moving_average_kernel(window_days: int) -> np.ndarray:
    """Weights of a centred moving average of ``window_days`` days.

    An odd window is a plain boxcar. An even window ``w`` is the symmetric
    "2 x w" average: ``w + 1`` taps, the two end taps weighted 1/2, so the
    window is centred on the day itself (a plain even boxcar would be off
    by half a day).

    Parameters
    ----------
    window_days : int
        Window length in days (>= 1).

    Returns
    -------
    numpy.ndarray
        Unnormalised weights summing to ``window_days``.
    """
    if window_days < 1:
        raise ValueError(f"window_days {window_days} < 1")
    if window_days % 2:
        return np.ones(window_days)
    k = np.ones(window_days + 1)
    k[0] = k[-1] = 0.5
    return k


def smooth(daily: pd.Series, window_days: int, min_coverage: float) -> pd.DataFrame:
    """Centred moving average of a daily series with a coverage rule.

    Parameters
    ----------
    daily : pandas.Series
        Daily values (e.g. foEs in MHz) on a continuous daily index; NaN = no value.
    window_days : int
        Window length in days (config ``ionosonde.analysis.window_days``).
    min_coverage : float
        Smallest weighted fraction of the window (0-1) that must hold values
        for the smoothed value to be defined. Days outside the series count
        as missing, so the ends of a record are NaN unless coverage allows.

    Returns
    -------
    pandas.DataFrame
        Same index; ``smoothed`` (same units as ``daily``) and ``coverage`` (0-1).
    """
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage {min_coverage} outside (0, 1]")
    k = moving_average_kernel(window_days)
    v = daily.to_numpy(dtype=float)
    m = np.isfinite(v)
    num = np.convolve(np.where(m, v, 0.0), k, mode="same")
    den = np.convolve(m.astype(float), k, mode="same")
    coverage = den / k.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        sm = num / den
    sm[coverage < min_coverage - 1e-12] = np.nan
    return pd.DataFrame({"smoothed": sm, "coverage": coverage}, index=daily.index)
