"""The summer-peak day of each station-year and its mean per station (docs/science.md 7, steps 4-5)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Shift, in days, of the southern-hemisphere summer window relative to the northern
#: one (half of a 365-day year, rounded down): NH DOY 91-273 becomes 273-455, i.e.
#: 30 Sep - 31 Mar (non-leap years) of the season that starts in the station-year.
#: A southern peak DOY is reported with this shift taken off (``peak_doy_local``).
SH_SHIFT_DAYS = 182
#: What :func:`summer_peaks` does with a maximum on the edge of the summer window.
EDGE_PEAKS = ("drop", "keep")


def check_edge_peaks(edge_peaks: str) -> None:
    """Raise ValueError unless ``edge_peaks`` is one of :data:`EDGE_PEAKS`."""
    if edge_peaks not in EDGE_PEAKS:
        raise ValueError(f"edge_peaks {edge_peaks!r} is not one of {EDGE_PEAKS}")


def hemisphere_shift_days(hemisphere: str) -> int:
    """Days the summer window of a hemisphere is shifted from the northern one (0 or 182)."""
    return 0 if hemisphere == "N" else SH_SHIFT_DAYS


def summer_window(
    year: int, hemisphere: str, window_doy: Sequence[int]
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the local summer half-year of a station-year.

    Parameters
    ----------
    year : int
        Station-year.
    hemisphere : {"N", "S"}
        Hemisphere of the station.
    window_doy : (int, int)
        Northern-hemisphere window, first and last DOY (inclusive; e.g. 91-273).

    Returns
    -------
    (pandas.Timestamp, pandas.Timestamp)
        NH: DOY ``window_doy`` of ``year``. SH: the same day numbers shifted by
        :data:`SH_SHIFT_DAYS`, counted from 1 January of ``year`` (so the
        southern summer of ``year`` runs into ``year + 1``).
    """
    first, last = window_doy
    shift = hemisphere_shift_days(hemisphere)
    jan1 = pd.Timestamp(year=year, month=1, day=1)
    return (jan1 + pd.Timedelta(days=first - 1 + shift), jan1 + pd.Timedelta(days=last - 1 + shift))


def summer_peaks(
    smoothed: pd.Series,
    years: Sequence[int],
    *,
    hemisphere: str,
    window_doy: Sequence[int],
    min_year_coverage: float,
    edge_peaks: str,
) -> pd.DataFrame:
    """Summer-peak day of each station-year.

    Parameters
    ----------
    smoothed : pandas.Series
        Smoothed daily foEs (MHz) on a continuous daily index.
    years : sequence of int
        Station-years to examine.
    hemisphere : {"N", "S"}
        Hemisphere of the station (chooses the window, :func:`summer_window`).
    window_doy : (int, int)
        Northern-hemisphere summer window in DOY (inclusive).
    min_year_coverage : float
        Smallest fraction (0-1) of window days with a smoothed value for the
        year to be used.
    edge_peaks : {"drop", "keep"}
        What to do with a year whose maximum is on the edge of the window, i.e.
        on the first or last window day that has a smoothed value (the first
        or last window day itself when the window is fully covered). The
        series is then still rising towards that edge, so the true peak lies
        outside the window (or in the gap beyond the last value) and the
        window edge is not its date. ``drop``: the year is listed with
        ``valid = False`` and the reason; ``keep``: it is used, and still
        flagged by ``at_window_edge``.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year``, ``peak_doy_local`` (days since 1 January
        of ``year``, plus one, minus the hemisphere shift: comparable between
        hemispheres, equal to the calendar DOY in the north), ``peak_doy``
        (calendar DOY of the peak), ``peak_date``, ``peak_foEs_smoothed_MHz``,
        ``window_coverage`` (0-1), ``at_window_edge`` (see ``edge_peaks``),
        ``valid`` and ``drop_reason`` (every reason that applies, joined by
        ``"; "``; empty for a valid year).

    Raises
    ------
    ValueError
        If ``edge_peaks`` is not one of :data:`EDGE_PEAKS`.
    """
    check_edge_peaks(edge_peaks)
    rows = []
    for year in years:
        first, last = summer_window(year, hemisphere, window_doy)
        seg = smoothed.loc[first:last]
        n_days = (last - first).days + 1
        cov = float(seg.notna().sum()) / n_days
        row = {
            "year": int(year),
            "window_coverage": cov,
            "peak_doy_local": np.nan,
            "peak_doy": np.nan,
            "peak_date": pd.NaT,
            "peak_foEs_smoothed_MHz": np.nan,
            "at_window_edge": False,
            "valid": False,
            "drop_reason": "",
        }
        if seg.notna().sum() == 0:
            row["drop_reason"] = "no smoothed values in the summer window"
        else:
            when = seg.idxmax()
            shift = hemisphere_shift_days(hemisphere)
            have = seg.index[seg.notna().to_numpy()]
            edge = bool(when in (have[0], have[-1]))
            row.update(
                peak_date=when,
                peak_doy=when.day_of_year,
                peak_doy_local=(when - pd.Timestamp(year=year, month=1, day=1)).days + 1 - shift,
                peak_foEs_smoothed_MHz=float(seg.max()),
                at_window_edge=edge,
            )
            reasons = []
            if cov < min_year_coverage:
                reasons.append(f"window coverage {cov:.2f} < {min_year_coverage}")
            if edge and edge_peaks == "drop":
                reasons.append(
                    f"maximum on the window edge ({when.date()}): the peak lies outside the window"
                )
            row["valid"] = not reasons
            row["drop_reason"] = "; ".join(reasons)
        rows.append(row)
    return pd.DataFrame(rows)


def station_means(peaks: pd.DataFrame) -> pd.DataFrame:
    """Mean summer-peak DOY per station with its standard error.

    Parameters
    ----------
    peaks : pandas.DataFrame
        Station-year peaks with columns ``station``, ``peak_doy_local`` and
        ``valid`` (other station columns such as ``lat_deg`` are carried over).

    Returns
    -------
    pandas.DataFrame
        One row per station: ``n_years`` (valid years), ``mean_peak_doy``
        (days), ``sd_peak_doy`` (days, ddof=1), ``se_peak_doy`` (days,
        sd / sqrt(n); NaN for fewer than 2 years).
    """
    keep = [
        c
        for c in ("station", "name", "chain", "lat_deg", "lon_deg", "hemisphere")
        if c in peaks.columns
    ]
    rows = []
    for _code, grp in peaks.groupby("station", sort=False):
        v = grp.loc[grp["valid"], "peak_doy_local"].to_numpy(float)
        n = len(v)
        sd = float(np.std(v, ddof=1)) if n >= 2 else np.nan
        rows.append(
            {
                **{c: grp[c].iloc[0] for c in keep},
                "n_years": n,
                "mean_peak_doy": float(v.mean()) if n else np.nan,
                "sd_peak_doy": sd,
                "se_peak_doy": sd / math.sqrt(n) if n >= 2 else np.nan,
            }
        )
    return pd.DataFrame(rows)
