"""From hourly foEs to the latitude-DOY regression of the summer peak (docs/science.md 7).

The steps, each with its bracketed choice as a parameter, and the module that holds them:

1. :func:`~.hourly.filter_confidence` and :func:`~.hourly.to_hourly`
   (:mod:`.hourly`) - one value per station and UT hour from soundings of any
   cadence [minimum confidence; nearest or mean].
2. :func:`~.daily.daily_mean` (:mod:`.daily`) - daily mean foEs over the UT
   day [minimum number of hours].
3. :func:`~.daily.smooth` (:mod:`.daily`) - centred moving average [window
   length; minimum coverage].
4. :func:`~.peaks.summer_peaks` (:mod:`.peaks`) - DOY of the maximum of the
   smoothed series within the local summer half-year of each year [NH DOY
   window; the southern window is the northern one shifted by
   :data:`~.peaks.SH_SHIFT_DAYS`; minimum coverage; a maximum on the edge of
   the window is dropped or kept].
5. :func:`~.peaks.station_means` (:mod:`.peaks`) - mean peak DOY per station
   and its standard error.
6. :func:`~.regression.fit_latitude_vs_doy` and
   :func:`~.regression.regression_table` (:mod:`.regression`) - least-squares
   fits of latitude against peak DOY per chain and over all stations, with a
   bootstrap confidence interval of the slope [resampling design], and the
   slope as a speed (:func:`~.regression.speed_m_per_s`).

This module chains steps 2-6 over the stations (:func:`analyse_station`,
:func:`analyse`); the names of the step modules are importable from here too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence

import pandas as pd

from .daily import daily_mean, moving_average_kernel, smooth
from .hourly import filter_confidence, to_hourly
from .peaks import (
    EDGE_PEAKS,
    SH_SHIFT_DAYS,
    check_edge_peaks,
    station_means,
    summer_peaks,
    summer_window,
)
from .regression import (
    ALL_FIT,
    BOOTSTRAP_METHODS,
    FIT_POINTS,
    MIN_FIT_POINTS,
    SECONDS_PER_DAY,
    check_bootstrap_method,
    check_fit_points,
    fit_latitude_vs_doy,
    fits_table,
    regression_table,
    speed_m_per_s,
)

__all__ = [
    "ALL_FIT",
    "BOOTSTRAP_METHODS",
    "EDGE_PEAKS",
    "FIT_POINTS",
    "MIN_FIT_POINTS",
    "SECONDS_PER_DAY",
    "SH_SHIFT_DAYS",
    "analyse",
    "analyse_station",
    "daily_mean",
    "filter_confidence",
    "fit_latitude_vs_doy",
    "moving_average_kernel",
    "fits_table",
    "regression_table",
    "smooth",
    "speed_m_per_s",
    "station_means",
    "summer_peaks",
    "summer_window",
    "to_hourly",
]

logger = logging.getLogger(__name__)


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
    edge_peaks: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Steps 2-4 for one station: daily mean, smoothing and summer peaks.

    Parameters
    ----------
    hourly : pandas.DataFrame
        The station's hourly table (UT).
    years : sequence of int
        Station-years; the daily index spans them (plus the following year for
        a southern station, whose summer crosses the new year).
    hemisphere : {"N", "S"}
    min_hours_per_day : int
        See :func:`~.daily.daily_mean` (``min_hours``).
    window_days, smoothing_min_coverage : int, float
        See :func:`~.daily.smooth` (``window_days``, ``min_coverage``).
    summer_window_doy, min_year_coverage, edge_peaks
        See :func:`~.peaks.summer_peaks` (``window_doy``, ...).

    Returns
    -------
    daily : pandas.DataFrame
        Index ``date``; ``foEs_daily_MHz``, ``n_hours``, ``foEs_smoothed_MHz``,
        ``smoothing_coverage``.
    peaks : pandas.DataFrame
        :func:`~.peaks.summer_peaks` rows.
    """
    years = sorted(int(y) for y in years)
    end_year = years[-1] + (1 if hemisphere == "S" else 0)
    daily = daily_mean(
        hourly, min_hours_per_day, start=dt.date(years[0], 1, 1), end=dt.date(end_year, 12, 31)
    )
    sm = smooth(daily["foEs_daily_MHz"], window_days, smoothing_min_coverage)
    daily["foEs_smoothed_MHz"] = sm["smoothed"]
    daily["smoothing_coverage"] = sm["coverage"]
    peaks = summer_peaks(
        daily["foEs_smoothed_MHz"],
        years,
        hemisphere=hemisphere,
        window_doy=summer_window_doy,
        min_year_coverage=min_year_coverage,
        edge_peaks=edge_peaks,
    )
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
    edge_peaks: str,
    fit_points: str,
    estimator: str,
    interval: str,
    earth_radius_km: float,
    bootstrap_samples: int,
    bootstrap_method: str,
    ci_level: float,
    seed: int,
) -> dict[str, pd.DataFrame]:
    """The whole analysis over all stations (docs/science.md 7, steps 2-7).

    Parameters
    ----------
    hourly : mapping of str to pandas.DataFrame
        Station code to hourly table.
    stations : sequence of :class:`~estransport.ionosonde.stations.Station`
        Registry rows of the stations in ``hourly`` (order sets the output order).
    station_years : mapping of str to sequence of int
        Years analysed per station.
    min_hours_per_day, window_days, smoothing_min_coverage, summer_window_doy, min_year_coverage, edge_peaks
        See :func:`analyse_station`.
    fit_points, estimator, interval, earth_radius_km, bootstrap_samples, bootstrap_method, ci_level, seed
        See :func:`~.regression.fits_table` (the configured estimator's fits and the
        paper's, labelled; docs/science.md §10).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``daily`` (station, date, daily and smoothed foEs), ``peaks``
        (station-years), ``means`` (per station) and ``regression`` (per fit).

    Raises
    ------
    ValueError
        For an unknown ``bootstrap_method``, ``edge_peaks``, ``fit_points``,
        ``estimator`` or ``interval``.
    """
    # every choice checked before the per-station work
    check_bootstrap_method(bootstrap_method)
    check_edge_peaks(edge_peaks)
    check_fit_points(fit_points)
    dailies, peak_tables = [], []
    n_edge = 0
    for st in stations:
        daily, peaks = analyse_station(
            hourly[st.code],
            station_years[st.code],
            hemisphere=st.hemisphere,
            min_hours_per_day=min_hours_per_day,
            window_days=window_days,
            smoothing_min_coverage=smoothing_min_coverage,
            summer_window_doy=summer_window_doy,
            min_year_coverage=min_year_coverage,
            edge_peaks=edge_peaks,
        )
        ident = {
            "station": st.code,
            "name": st.name,
            "chain": st.chain,
            "lat_deg": st.lat,
            "lon_deg": st.lon,
            "hemisphere": st.hemisphere,
        }
        peaks = pd.concat([pd.DataFrame([ident] * len(peaks)), peaks], axis=1)
        peak_tables.append(peaks)
        d = daily.reset_index()
        d.insert(0, "station", st.code)
        dailies.append(d)
        n_ok = int(peaks["valid"].sum())
        edge = int(peaks["at_window_edge"].sum())
        n_edge += edge
        logger.info(
            "%s: %d of %d station-years with a summer peak; %d with the maximum on "
            "the window edge (%s)",
            st.code,
            n_ok,
            len(peaks),
            edge,
            "dropped" if edge_peaks == "drop" else "kept",
        )
    logger.info(
        "%d station-years with the maximum on the summer-window edge %s (edge_peaks = %s)",
        n_edge,
        "dropped" if edge_peaks == "drop" else "kept",
        edge_peaks,
    )
    peaks_all = pd.concat(peak_tables, ignore_index=True)
    chains = list(dict.fromkeys(st.chain for st in stations))
    regression = fits_table(
        peaks_all,
        chains=chains,
        estimator=estimator,
        interval=interval,
        earth_radius_km=earth_radius_km,
        fit_points=fit_points,
        bootstrap_samples=bootstrap_samples,
        ci_level=ci_level,
        seed=seed,
        bootstrap_method=bootstrap_method,
    )
    return {
        "daily": pd.concat(dailies, ignore_index=True),
        "peaks": peaks_all,
        "means": station_means(peaks_all),
        "regression": regression,
    }
