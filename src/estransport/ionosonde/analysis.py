"""From hourly foEs to the latitude-DOY regression of the summer peak (SCIENCE.md 7).

The steps, each with its bracketed choice as a parameter:

1. :func:`filter_confidence` and :func:`to_hourly` - one value per station and
   UT hour from soundings of any cadence [minimum confidence; nearest or mean].
2. :func:`daily_mean` - daily mean foEs over the UT day [minimum number of hours].
3. :func:`smooth` - centred moving average [30 days; minimum coverage].
4. :func:`summer_peaks` - DOY of the maximum of the smoothed series within the
   local summer half-year of each year [NH DOY 91-273; the southern window is
   the northern one shifted by :data:`SH_SHIFT_DAYS`; minimum coverage; a
   maximum on the edge of the window is dropped or kept].
5. :func:`station_means` - mean peak DOY per station and its standard error.
6. :func:`fit_latitude_vs_doy` and :func:`regression_table` - least-squares
   fits of latitude against peak DOY per chain and over all stations, with a
   bootstrap confidence interval of the slope [resampling design], and the
   slope as a speed (:func:`speed_m_per_s`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .schema import CONFIDENCE_MANUAL, CONFIDENCE_UNKNOWN

logger = logging.getLogger(__name__)

#: Seconds per day.
SECONDS_PER_DAY = 86400.0
#: Shift, in days, of the southern-hemisphere summer window relative to the northern
#: one (half of a 365-day year, rounded down): NH DOY 91-273 becomes 273-455, i.e.
#: 30 Sep - 31 Mar (non-leap years) of the season that starts in the station-year.
SH_SHIFT_DAYS = 182
#: Name of the fit over every station in :func:`regression_table`.
ALL_FIT = "all"
#: Fewest points for which a fit is reported (two points always give r = 1).
MIN_FIT_POINTS = 3
#: What :func:`summer_peaks` does with a maximum on the edge of the summer window.
EDGE_PEAKS = ("drop", "keep")


def filter_confidence(
    df: pd.DataFrame, min_confidence: int, *, keep_unknown: bool = True
) -> pd.DataFrame:
    """Keep records whose confidence is high enough; manual scaling (999) is always kept.

    Parameters
    ----------
    df : pandas.DataFrame
        Ionosonde table (:mod:`.schema`).
    min_confidence : int
        Lowest autoscaling confidence score kept (0-100; GIRO's CS).
    keep_unknown : bool, default True
        Keep records of unknown confidence (-1), e.g. tabulated hourly values.

    Returns
    -------
    pandas.DataFrame
        The kept rows (a copy, index reset).
    """
    c = df["confidence"]
    keep = (c == CONFIDENCE_MANUAL) | ((c >= min_confidence) & (c <= 100))
    if keep_unknown:
        keep |= c == CONFIDENCE_UNKNOWN
    return df.loc[keep].reset_index(drop=True)


def to_hourly(
    df: pd.DataFrame, *, method: str = "nearest", tolerance_min: float = 30.0
) -> pd.DataFrame:
    """Reduce soundings of any cadence to at most one row per station and UT hour.

    Each record belongs to the nearest full UT hour (records in
    [HH:00 - 30 min, HH:00 + 30 min) to HH:00) if it lies within
    ``tolerance_min`` of it.

    Parameters
    ----------
    df : pandas.DataFrame
        Ionosonde table (:mod:`.schema`).
    method : {"nearest", "mean"}
        ``nearest``: keep the record with a value closest to the hour (URSI
        tabulations give the value at the hour); a record without a value is
        kept only if no record of that hour has one. ``mean``: the mean foEs of
        the hour's records with values, with the letters and provenance of the
        one nearest the hour.
    tolerance_min : float, default 30
        Largest distance in minutes between a record and its hour (0-30).

    Returns
    -------
    pandas.DataFrame
        Same columns; ``time_ut`` keeps each chosen record's own time (for
        ``mean``, the time of the nearest record).
    """
    if method not in ("nearest", "mean"):
        raise ValueError(f"hourly method {method!r} is not 'nearest' or 'mean'")
    if not 0 <= tolerance_min <= 30:
        raise ValueError(f"tolerance_min {tolerance_min} outside 0-30 minutes")
    if df.empty:
        return df.copy()
    work = df.copy()
    hour = (work["time_ut"] + pd.Timedelta(minutes=30)).dt.floor("h")
    offset = (work["time_ut"] - hour).abs() / pd.Timedelta(minutes=1)
    work = work.assign(_hour=hour, _offset=offset, _novalue=work["foEs_MHz"].isna())
    work = work.loc[work["_offset"] <= tolerance_min]
    work = work.sort_values(["station", "_hour", "_novalue", "_offset"], kind="stable")
    first = work.drop_duplicates(["station", "_hour"], keep="first").copy()
    if method == "mean":
        means = work.groupby(["station", "_hour"])["foEs_MHz"].mean()
        first["foEs_MHz"] = means.loc[list(zip(first["station"], first["_hour"], strict=True))].to_numpy()
    out = first.drop(columns=["_hour", "_offset", "_novalue"])
    return out.sort_values(["station", "time_ut"], kind="stable").reset_index(drop=True)


def daily_mean(
    hourly: pd.DataFrame, min_hours: int, *, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Daily mean foEs over the UT day, on a continuous daily index.

    Parameters
    ----------
    hourly : pandas.DataFrame
        One station's hourly table (:func:`to_hourly`).
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
        Window length in days (SCIENCE.md 7: 30).
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
        Northern-hemisphere window, first and last DOY (inclusive; 91-273).

    Returns
    -------
    (pandas.Timestamp, pandas.Timestamp)
        NH: DOY ``window_doy`` of ``year``. SH: the same day numbers shifted by
        :data:`SH_SHIFT_DAYS`, counted from 1 January of ``year`` (so the
        southern summer of ``year`` runs into ``year + 1``).
    """
    first, last = window_doy
    shift = 0 if hemisphere == "N" else SH_SHIFT_DAYS
    jan1 = pd.Timestamp(year=year, month=1, day=1)
    return (jan1 + pd.Timedelta(days=first - 1 + shift), jan1 + pd.Timedelta(days=last - 1 + shift))


def summer_peaks(
    smoothed: pd.Series,
    years: Sequence[int],
    *,
    hemisphere: str,
    window_doy: Sequence[int],
    min_year_coverage: float,
    edge_peaks: str = "drop",
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
    edge_peaks : {"drop", "keep"}, default "drop"
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
    if edge_peaks not in EDGE_PEAKS:
        raise ValueError(f"edge_peaks {edge_peaks!r} is not one of {EDGE_PEAKS}")
    rows = []
    for year in years:
        first, last = summer_window(year, hemisphere, window_doy)
        seg = smoothed.loc[first:last]
        n_days = (last - first).days + 1
        cov = float(seg.notna().sum()) / n_days
        row = {"year": int(year), "window_coverage": cov, "peak_doy_local": np.nan,
               "peak_doy": np.nan, "peak_date": pd.NaT, "peak_foEs_smoothed_MHz": np.nan,
               "at_window_edge": False, "valid": False, "drop_reason": ""}
        if seg.notna().sum() == 0:
            row["drop_reason"] = "no smoothed values in the summer window"
        else:
            when = seg.idxmax()
            shift = 0 if hemisphere == "N" else SH_SHIFT_DAYS
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
    keep = [c for c in ("station", "name", "chain", "lat_deg", "lon_deg", "hemisphere")
            if c in peaks.columns]
    rows = []
    for _code, grp in peaks.groupby("station", sort=False):
        v = grp.loc[grp["valid"], "peak_doy_local"].to_numpy(float)
        n = len(v)
        sd = float(np.std(v, ddof=1)) if n >= 2 else np.nan
        rows.append({
            **{c: grp[c].iloc[0] for c in keep},
            "n_years": n,
            "mean_peak_doy": float(v.mean()) if n else np.nan,
            "sd_peak_doy": sd,
            "se_peak_doy": sd / math.sqrt(n) if n >= 2 else np.nan,
        })
    return pd.DataFrame(rows)


def speed_m_per_s(slope_deg_per_day, earth_radius_km: float):
    """Convert a latitude drift in degrees per day to a meridional speed.

    Parameters
    ----------
    slope_deg_per_day : float or array_like
        Latitude change per day, degrees/day.
    earth_radius_km : float
        Earth radius in km (6371 km mean radius gives 1.28698 m/s per deg/day;
        the paper's pairs imply about 6357 km).

    Returns
    -------
    float or numpy.ndarray
        Speed in m/s: slope * (pi R / 180) / 86400, R in m.
    """
    return np.asarray(slope_deg_per_day, float) * (math.pi * earth_radius_km * 1e3 / 180.0) / SECONDS_PER_DAY


def fit_latitude_vs_doy(doy, lat) -> dict[str, float]:
    """Least-squares fit lat = intercept + slope * DOY.

    Parameters
    ----------
    doy : array_like
        Peak day of year (days).
    lat : array_like
        Latitude (degrees N).

    Returns
    -------
    dict
        ``n``, ``slope`` (deg/day), ``slope_se`` (deg/day), ``intercept`` (deg),
        ``intercept_se`` (deg), ``r``, ``p`` (two-sided, null hypothesis of zero
        slope, t distribution with n-2 degrees of freedom). NaN for fewer than
        :data:`MIN_FIT_POINTS` points or no spread in DOY.
    """
    x, y = np.asarray(doy, float), np.asarray(lat, float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    out = {"n": int(len(x)), "slope": np.nan, "slope_se": np.nan, "intercept": np.nan,
           "intercept_se": np.nan, "r": np.nan, "p": np.nan}
    if len(x) < MIN_FIT_POINTS or np.ptp(x) == 0:
        return out
    from scipy import stats  # imported here: scipy.stats takes a second to import

    res = stats.linregress(x, y)
    out.update(slope=float(res.slope), slope_se=float(res.stderr),
               intercept=float(res.intercept), intercept_se=float(res.intercept_stderr),
               r=float(res.rvalue), p=float(res.pvalue))
    return out


#: Bootstrap designs of :func:`regression_table`.
BOOTSTRAP_METHODS = ("hierarchical", "stations", "years")


def _check_bootstrap_method(method: str) -> None:
    if method not in BOOTSTRAP_METHODS:
        raise ValueError(
            f"bootstrap method {method!r} is not one of {', '.join(BOOTSTRAP_METHODS)}"
        )


def _bootstrap_slopes(
    groups: list[np.ndarray], lats: np.ndarray, samples: int, rng: np.random.Generator,
    fit_points: str, method: str = "hierarchical",
) -> np.ndarray:
    """Slopes of ``samples`` refits of resampled data (see :func:`regression_table`).

    Raises
    ------
    ValueError
        If ``method`` is not one of :data:`BOOTSTRAP_METHODS`.
    """
    _check_bootstrap_method(method)
    ns = len(groups)
    if method in ("hierarchical", "stations"):
        pick = rng.integers(0, ns, size=(samples, ns))
    else:
        pick = np.broadcast_to(np.arange(ns), (samples, ns))
    resample_years = method in ("hierarchical", "years")
    # each station's years padded to a rectangle; draws stay below each station's own count
    nmax = max(len(g) for g in groups)
    vals = np.full((ns, nmax), np.nan)
    for i, g in enumerate(groups):
        vals[i, : len(g)] = g
    nyears = np.array([len(g) for g in groups])
    xs, ys = [], []
    for j in range(ns):
        sel = pick[:, j]
        counts = nyears[sel]
        if resample_years:
            idx = (rng.random((samples, nmax)) * counts[:, None]).astype(int)
        else:
            idx = np.broadcast_to(np.arange(nmax), (samples, nmax))
        draw = vals[sel[:, None], idx]
        valid = np.arange(nmax)[None, :] < counts[:, None]
        if fit_points == "station_mean":
            xs.append(np.nanmean(np.where(valid, draw, np.nan), axis=1)[:, None])
            ys.append(lats[sel][:, None])
        else:
            xs.append(np.where(valid, draw, np.nan))
            ys.append(np.where(valid, lats[sel][:, None], np.nan))
    x, y = np.concatenate(xs, axis=1), np.concatenate(ys, axis=1)
    ok = np.isfinite(x) & np.isfinite(y)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(ok, x - np.nansum(np.where(ok, x, 0), axis=1, keepdims=True) / n[:, None], 0)
        ym = np.where(ok, y - np.nansum(np.where(ok, y, 0), axis=1, keepdims=True) / n[:, None], 0)
        sxx = (xm * xm).sum(axis=1)
        return np.where(sxx > 0, (xm * ym).sum(axis=1) / sxx, np.nan)


def regression_table(
    peaks: pd.DataFrame,
    *,
    chains: Sequence[str],
    earth_radius_km: float,
    fit_points: str = "station_mean",
    bootstrap_samples: int = 2000,
    ci_level: float = 0.95,
    seed: int = 0,
    bootstrap_method: str = "hierarchical",
) -> pd.DataFrame:
    """Fits of latitude against summer-peak DOY for each chain and for all stations.

    Parameters
    ----------
    peaks : pandas.DataFrame
        Station-year peaks (:func:`summer_peaks` rows with ``station``,
        ``chain`` and ``lat_deg`` columns); only ``valid`` rows are used.
    chains : sequence of str
        Chains to fit, in output order; a fit ``"all"`` over every station follows.
    earth_radius_km : float
        Earth radius for the speed (km).
    fit_points : {"station_mean", "station_year"}
        ``station_mean`` (the paper): one point per station, its mean peak DOY.
        ``station_year``: one point per valid station-year.
    bootstrap_samples : int
        Number of bootstrap refits (0 = no interval); each refit resamples
        the fit's data as ``bootstrap_method`` says and fits it with the same
        ``fit_points``.
    ci_level : float
        Two-sided level of the percentile interval (0-1).
    seed : int
        Seed of the bootstrap generator (``numpy.random.default_rng``); each
        fit uses its own stream, so results do not depend on the fit order.
    bootstrap_method : {"hierarchical", "stations", "years"}, default "hierarchical"
        Resampling design (:data:`BOOTSTRAP_METHODS`). ``hierarchical``:
        draw the fit's stations with replacement, then each drawn station's
        valid years with replacement (nested data: the interval reflects both
        the between-station and the year-to-year scatter). ``stations``: draw
        stations with replacement, each with all its valid years. ``years``:
        keep the set of stations and draw each station's valid years with
        replacement (year-to-year scatter only; narrow with few years).

    Returns
    -------
    pandas.DataFrame
        One row per fit with ``fit``, ``fit_points``, ``n_points``,
        ``n_stations``, ``slope_deg_per_day``, ``slope_se_deg_per_day``,
        ``intercept_deg``, ``intercept_se_deg``, ``r``, ``p_value``,
        ``speed_m_per_s``, ``speed_se_m_per_s``, ``slope_ci_low_deg_per_day``,
        ``slope_ci_high_deg_per_day``, ``speed_ci_low_m_per_s``,
        ``speed_ci_high_m_per_s``, ``ci_level``, ``bootstrap_samples``,
        ``bootstrap_method`` and ``earth_radius_km``.

    Raises
    ------
    ValueError
        For an unknown ``fit_points`` or ``bootstrap_method`` (checked even
        when ``bootstrap_samples`` is 0).
    """
    if fit_points not in ("station_mean", "station_year"):
        raise ValueError(f"fit_points {fit_points!r} is not station_mean or station_year")
    _check_bootstrap_method(bootstrap_method)
    valid = peaks.loc[peaks["valid"].astype(bool)]
    rows = []
    for k, fit in enumerate([*chains, ALL_FIT]):
        sub = valid if fit == ALL_FIT else valid.loc[valid["chain"] == fit]
        groups, lats = [], []
        for _code, grp in sub.groupby("station", sort=False):
            groups.append(grp["peak_doy_local"].to_numpy(float))
            lats.append(float(grp["lat_deg"].iloc[0]))
        lats_a = np.asarray(lats)
        if fit_points == "station_mean":
            x = np.array([g.mean() for g in groups])
            y = lats_a
        else:
            x = np.concatenate(groups) if groups else np.array([])
            y = np.concatenate([np.full(len(g), la) for g, la in zip(groups, lats, strict=True)]) if groups else np.array([])
        res = fit_latitude_vs_doy(x, y)
        lo = hi = np.nan
        if bootstrap_samples > 0 and np.isfinite(res["slope"]):
            rng = np.random.default_rng([seed, k])
            slopes = _bootstrap_slopes(groups, lats_a, bootstrap_samples, rng, fit_points,
                                       bootstrap_method)
            alpha = (1 - ci_level) / 2
            lo, hi = (float(q) for q in np.nanquantile(slopes, [alpha, 1 - alpha]))
        rows.append({
            "fit": fit,
            "fit_points": fit_points,
            "n_points": res["n"],
            "n_stations": len(groups),
            "slope_deg_per_day": res["slope"],
            "slope_se_deg_per_day": res["slope_se"],
            "intercept_deg": res["intercept"],
            "intercept_se_deg": res["intercept_se"],
            "r": res["r"],
            "p_value": res["p"],
            "speed_m_per_s": float(speed_m_per_s(res["slope"], earth_radius_km)),
            "speed_se_m_per_s": float(speed_m_per_s(res["slope_se"], earth_radius_km)),
            "slope_ci_low_deg_per_day": lo,
            "slope_ci_high_deg_per_day": hi,
            "speed_ci_low_m_per_s": float(speed_m_per_s(lo, earth_radius_km)),
            "speed_ci_high_m_per_s": float(speed_m_per_s(hi, earth_radius_km)),
            "ci_level": ci_level,
            "bootstrap_samples": bootstrap_samples,
            "bootstrap_method": bootstrap_method,
            "earth_radius_km": earth_radius_km,
        })
    return pd.DataFrame(rows)


def analyse_station(
    hourly: pd.DataFrame,
    years: Sequence[int],
    *,
    hemisphere: str,
    min_hours_per_day: int,
    window_days: int,
    smoothing_min_coverage: float,
    summer_window_doy: Sequence[int],
    min_year_coverage: float,
    edge_peaks: str = "drop",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Steps 2-4 for one station: daily mean, smoothing and summer peaks.

    Parameters
    ----------
    hourly : pandas.DataFrame
        The station's hourly table (UT).
    years : sequence of int
        Station-years; the daily index spans them (plus the following year's
        first half for a southern station, whose summer crosses the new year).
    hemisphere : {"N", "S"}
    min_hours_per_day, window_days, smoothing_min_coverage, summer_window_doy, min_year_coverage, edge_peaks
        See :func:`daily_mean`, :func:`smooth` and :func:`summer_peaks`.

    Returns
    -------
    daily : pandas.DataFrame
        Index ``date``; ``foEs_daily_MHz``, ``n_hours``, ``foEs_smoothed_MHz``,
        ``smoothing_coverage``.
    peaks : pandas.DataFrame
        :func:`summer_peaks` rows.
    """
    years = sorted(int(y) for y in years)
    end_year = years[-1] + (1 if hemisphere == "S" else 0)
    daily = daily_mean(hourly, min_hours_per_day, start=dt.date(years[0], 1, 1),
                       end=dt.date(end_year, 12, 31))
    sm = smooth(daily["foEs_daily_MHz"], window_days, smoothing_min_coverage)
    daily["foEs_smoothed_MHz"] = sm["smoothed"]
    daily["smoothing_coverage"] = sm["coverage"]
    peaks = summer_peaks(daily["foEs_smoothed_MHz"], years, hemisphere=hemisphere,
                         window_doy=summer_window_doy, min_year_coverage=min_year_coverage,
                         edge_peaks=edge_peaks)
    return daily, peaks


def analyse(
    hourly: Mapping[str, pd.DataFrame],
    stations: Sequence,
    station_years: Mapping[str, Sequence[int]],
    *,
    min_hours_per_day: int,
    window_days: int,
    smoothing_min_coverage: float,
    summer_window_doy: Sequence[int],
    min_year_coverage: float,
    fit_points: str,
    earth_radius_km: float,
    bootstrap_samples: int,
    ci_level: float,
    seed: int,
    bootstrap_method: str = "hierarchical",
    edge_peaks: str = "drop",
) -> dict[str, pd.DataFrame]:
    """The whole analysis over all stations (SCIENCE.md 7, steps 2-7).

    Parameters
    ----------
    hourly : mapping of str to pandas.DataFrame
        Station code to hourly table.
    stations : sequence of :class:`~estransport.ionosonde.stations.Station`
        Registry rows of the stations in ``hourly`` (order sets the output order).
    station_years : mapping of str to sequence of int
        Years analysed per station.
    min_hours_per_day, window_days, smoothing_min_coverage, summer_window_doy, min_year_coverage, edge_peaks
        See :func:`analyse_station` and :func:`summer_peaks`.
    fit_points, earth_radius_km, bootstrap_samples, ci_level, seed, bootstrap_method
        See :func:`regression_table`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``daily`` (station, date, daily and smoothed foEs), ``peaks``
        (station-years), ``means`` (per station) and ``regression`` (per fit).

    Raises
    ------
    ValueError
        For an unknown ``bootstrap_method``, ``edge_peaks`` or ``fit_points``.
    """
    _check_bootstrap_method(bootstrap_method)  # both checked before the per-station work
    if edge_peaks not in EDGE_PEAKS:
        raise ValueError(f"edge_peaks {edge_peaks!r} is not one of {EDGE_PEAKS}")
    dailies, peak_tables = [], []
    n_edge = 0
    for st in stations:
        daily, peaks = analyse_station(
            hourly[st.code], station_years[st.code], hemisphere=st.hemisphere,
            min_hours_per_day=min_hours_per_day, window_days=window_days,
            smoothing_min_coverage=smoothing_min_coverage,
            summer_window_doy=summer_window_doy, min_year_coverage=min_year_coverage,
            edge_peaks=edge_peaks,
        )
        ident = {"station": st.code, "name": st.name, "chain": st.chain,
                 "lat_deg": st.lat, "lon_deg": st.lon, "hemisphere": st.hemisphere}
        peaks = pd.concat([pd.DataFrame([ident] * len(peaks)), peaks], axis=1)
        peak_tables.append(peaks)
        d = daily.reset_index()
        d.insert(0, "station", st.code)
        dailies.append(d)
        n_ok = int(peaks["valid"].sum())
        edge = int(peaks["at_window_edge"].sum())
        n_edge += edge
        logger.info("%s: %d of %d station-years with a summer peak; %d with the maximum on "
                    "the window edge (%s)", st.code, n_ok, len(peaks), edge,
                    "dropped" if edge_peaks == "drop" else "kept")
    logger.info("%d station-years with the maximum on the summer-window edge %s "
                "(edge_peaks = %s)", n_edge,
                "dropped" if edge_peaks == "drop" else "kept", edge_peaks)
    peaks_all = pd.concat(peak_tables, ignore_index=True)
    chains = list(dict.fromkeys(st.chain for st in stations))
    regression = regression_table(
        peaks_all, chains=chains, earth_radius_km=earth_radius_km, fit_points=fit_points,
        bootstrap_samples=bootstrap_samples, ci_level=ci_level, seed=seed,
        bootstrap_method=bootstrap_method,
    )
    return {
        "daily": pd.concat(dailies, ignore_index=True),
        "peaks": peaks_all,
        "means": station_means(peaks_all),
        "regression": regression,
    }
