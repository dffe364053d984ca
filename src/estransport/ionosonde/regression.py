"""Fits of latitude against summer-peak DOY, their bootstrap and the speed (docs/science.md 7, 6-7).

Latitude enters every fit as its absolute value, the distance from the
equator: the summer peak moves poleward in both hemispheres, and a southern
station's peak DOY is reported shifted back by half a year
(:func:`.peaks.summer_peaks`), so a station at 30 S lies on the same line as
one at 30 N. For the paper's all-northern stations this is the latitude itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .estimators import bootstrap_draws

#: Seconds per day.
SECONDS_PER_DAY = 86400.0
#: Name of the fit over every station in :func:`regression_table`.
ALL_FIT = "all"
#: Fewest points for which a fit is reported (two points always give r = 1).
MIN_FIT_POINTS = 3
#: Points of the fits in :func:`regression_table`.
FIT_POINTS = ("station_mean", "station_year")
#: Bootstrap designs of :func:`regression_table`.
BOOTSTRAP_METHODS = ("hierarchical", "stations", "years")


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
    metres_per_degree = math.pi * earth_radius_km * 1e3 / 180.0
    return np.asarray(slope_deg_per_day, float) * metres_per_degree / SECONDS_PER_DAY


def fit_latitude_vs_doy(doy, lat) -> dict[str, float]:
    """Least-squares fit lat = intercept + slope * DOY.

    Parameters
    ----------
    doy : array_like
        Peak day of year (days).
    lat : array_like
        Latitude (degrees).

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
    out = {
        "n": int(len(x)),
        "slope": np.nan,
        "slope_se": np.nan,
        "intercept": np.nan,
        "intercept_se": np.nan,
        "r": np.nan,
        "p": np.nan,
    }
    if len(x) < MIN_FIT_POINTS or np.ptp(x) == 0:
        return out
    from scipy import stats  # imported here: scipy.stats takes a second to import

    res = stats.linregress(x, y)
    out.update(
        slope=float(res.slope),
        slope_se=float(res.stderr),
        intercept=float(res.intercept),
        intercept_se=float(res.intercept_stderr),
        r=float(res.rvalue),
        p=float(res.pvalue),
    )
    return out


def check_bootstrap_method(method: str) -> None:
    """Raise ValueError unless ``method`` is one of :data:`BOOTSTRAP_METHODS`."""
    if method not in BOOTSTRAP_METHODS:
        raise ValueError(
            f"bootstrap method {method!r} is not one of {', '.join(BOOTSTRAP_METHODS)}"
        )


def check_fit_points(fit_points: str) -> None:
    """Raise ValueError unless ``fit_points`` is one of :data:`FIT_POINTS`."""
    if fit_points not in FIT_POINTS:
        raise ValueError(f"fit_points {fit_points!r} is not station_mean or station_year")


def _bootstrap_slopes(
    groups: list[np.ndarray],
    lats: np.ndarray,
    samples: int,
    rng: np.random.Generator,
    fit_points: str,
    method: str,
) -> np.ndarray:
    """Slopes of ``samples`` refits of resampled data (see :func:`regression_table`).

    Raises
    ------
    ValueError
        If ``method`` is not one of :data:`BOOTSTRAP_METHODS`.
    """
    check_bootstrap_method(method)
    # the same draws as the validation's estimators (one implementation of the resampling)
    pick, draw, valid = bootstrap_draws(groups, samples, rng, method)  # (B, ns[, nmax])
    lat_drawn = lats[pick]
    if fit_points == "station_mean":
        x, y = np.nanmean(draw, axis=2), lat_drawn
    else:
        x = draw.reshape(samples, -1)
        y = np.where(valid, lat_drawn[:, :, None], np.nan).reshape(samples, -1)
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
    fit_points: str,
    bootstrap_samples: int,
    ci_level: float,
    seed: int,
    bootstrap_method: str,
) -> pd.DataFrame:
    """Fits of latitude against summer-peak DOY for each chain and for all stations.

    Parameters
    ----------
    peaks : pandas.DataFrame
        Station-year peaks (:func:`.peaks.summer_peaks` rows with ``station``,
        ``chain`` and ``lat_deg`` columns); only ``valid`` rows are used.
        The fits use ``abs(lat_deg)`` (see the module docstring).
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
    bootstrap_method : {"hierarchical", "stations", "years"}
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
    check_fit_points(fit_points)
    check_bootstrap_method(bootstrap_method)
    valid = peaks.loc[peaks["valid"].astype(bool)]
    rows = []
    for k, fit in enumerate([*chains, ALL_FIT]):
        sub = valid if fit == ALL_FIT else valid.loc[valid["chain"] == fit]
        groups, lats = [], []
        for _code, grp in sub.groupby("station", sort=False):
            groups.append(grp["peak_doy_local"].to_numpy(float))
            lats.append(abs(float(grp["lat_deg"].iloc[0])))  # poleward: |lat|
        lats_a = np.asarray(lats)
        if fit_points == "station_mean":
            x = np.array([g.mean() for g in groups])
            y = lats_a
        elif groups:
            x = np.concatenate(groups)
            y = np.concatenate([np.full(len(g), la) for g, la in zip(groups, lats, strict=True)])
        else:
            x = y = np.array([])
        res = fit_latitude_vs_doy(x, y)
        lo = hi = np.nan
        if bootstrap_samples > 0 and np.isfinite(res["slope"]):
            rng = np.random.default_rng([seed, k])
            slopes = _bootstrap_slopes(
                groups, lats_a, bootstrap_samples, rng, fit_points, bootstrap_method
            )
            alpha = (1 - ci_level) / 2
            lo, hi = (float(q) for q in np.nanquantile(slopes, [alpha, 1 - alpha]))
        rows.append(
            {
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
            }
        )
    return pd.DataFrame(rows)


#: Columns that :func:`fits_table` adds to the :func:`regression_table` columns.
ESTIMATOR_COLUMNS = [
    "estimator",
    "default",
    "interval",
    "parameter",
    "parameter_value",
    "parameter_se",
    "analytic_ci_low_deg_per_day",
    "analytic_ci_high_deg_per_day",
    "analytic_speed_ci_low_m_per_s",
    "analytic_speed_ci_high_m_per_s",
]


def _fit_groups(valid: pd.DataFrame, fit: str) -> tuple[list[np.ndarray], np.ndarray]:
    """Valid peak DOYs per station and |latitude| of one fit (a chain or all stations)."""
    sub = valid if fit == ALL_FIT else valid.loc[valid["chain"] == fit]
    groups, lats = [], []
    for _code, grp in sub.groupby("station", sort=False):
        groups.append(grp["peak_doy_local"].to_numpy(float))
        lats.append(abs(float(grp["lat_deg"].iloc[0])))
    return groups, np.asarray(lats)


def _pace_rows(
    peaks: pd.DataFrame,
    *,
    chains: Sequence[str],
    estimator: str,
    earth_radius_km: float,
    bootstrap_samples: int,
    ci_level: float,
    seed: int,
    bootstrap_method: str,
) -> pd.DataFrame:
    """Rows of a pace estimator (``inverse``, ``eiv``) in the :func:`regression_table` layout.

    ``slope_deg_per_day`` is the drift estimate (:func:`.estimators.estimate`),
    ``slope_se_deg_per_day`` its delta-method error se(c)/c^2, ``intercept_deg`` the
    latitude at DOY 0 of the line with that slope through the fitted line's point at the
    stations' mean |latitude| (what Fig. 6 draws); ``slope_ci_*`` the bootstrap percentile
    interval of the pace inverted (:func:`.estimators.bootstrap_interval`; the same
    resampling draws as the paper's rows of the same fit), ``analytic_ci_*`` the inverted
    t interval (:func:`.estimators.analytic_interval`).
    """
    from . import estimators as est

    valid = peaks.loc[peaks["valid"].astype(bool)]
    rows = []
    for k, fit in enumerate([*chains, ALL_FIT]):
        groups, lats = _fit_groups(valid, fit)
        e = est.estimate(estimator, groups, lats)
        s, c = e.drift_deg_per_day, e.parameter_value
        se = e.parameter_se / c**2 if np.isfinite(c) and c != 0 else np.nan
        a_lo = a_hi = b_lo = b_hi = np.nan
        intercept = np.nan
        if np.isfinite(s):
            _, _, a_lo, a_hi = est.analytic_interval(e, ci_level)
            lat_mean = float(np.mean(lats))
            intercept = lat_mean - s * (e.intercept + c * lat_mean)
            if bootstrap_samples > 0:
                _, _, b_lo, b_hi = est.bootstrap_interval(
                    estimator,
                    groups,
                    lats,
                    samples=bootstrap_samples,
                    level=ci_level,
                    rng=np.random.default_rng([seed, k]),
                    method=bootstrap_method,
                )
        rows.append(
            {
                "fit": fit,
                "fit_points": "station_mean",
                "n_points": e.n_points,
                "n_stations": e.n_stations,
                "slope_deg_per_day": s,
                "slope_se_deg_per_day": se,
                "intercept_deg": intercept,
                "intercept_se_deg": np.nan,
                "r": e.r,
                "p_value": e.p_value,
                "speed_m_per_s": float(speed_m_per_s(s, earth_radius_km)),
                "speed_se_m_per_s": float(speed_m_per_s(se, earth_radius_km)),
                "slope_ci_low_deg_per_day": b_lo,
                "slope_ci_high_deg_per_day": b_hi,
                "speed_ci_low_m_per_s": float(speed_m_per_s(b_lo, earth_radius_km)),
                "speed_ci_high_m_per_s": float(speed_m_per_s(b_hi, earth_radius_km)),
                "ci_level": ci_level,
                "bootstrap_samples": bootstrap_samples,
                "bootstrap_method": bootstrap_method,
                "earth_radius_km": earth_radius_km,
                "estimator": estimator,
                "parameter": e.parameter,
                "parameter_value": c,
                "parameter_se": e.parameter_se,
                "analytic_ci_low_deg_per_day": a_lo,
                "analytic_ci_high_deg_per_day": a_hi,
            }
        )
    return pd.DataFrame(rows)


def _with_slope_extras(table: pd.DataFrame, *, estimator: str, ci_level: float) -> pd.DataFrame:
    """The estimator columns of rows fitted by :func:`regression_table` (latitude on DOY)."""
    from scipy import stats

    out = table.copy()
    dof = out["n_points"].to_numpy(int) - 2
    q = np.where(dof > 0, stats.t.ppf(0.5 + ci_level / 2, np.maximum(dof, 1)), np.nan)
    out["estimator"] = estimator
    out["parameter"] = "slope"
    out["parameter_value"] = out["slope_deg_per_day"]
    out["parameter_se"] = out["slope_se_deg_per_day"]
    out["analytic_ci_low_deg_per_day"] = out["slope_deg_per_day"] - q * out["slope_se_deg_per_day"]
    out["analytic_ci_high_deg_per_day"] = out["slope_deg_per_day"] + q * out["slope_se_deg_per_day"]
    return out


def fits_table(
    peaks: pd.DataFrame,
    *,
    chains: Sequence[str],
    estimator: str,
    interval: str,
    earth_radius_km: float,
    fit_points: str,
    bootstrap_samples: int,
    ci_level: float,
    seed: int,
    bootstrap_method: str,
) -> pd.DataFrame:
    """The configured estimator's fits and, labelled, the paper's (``regression.csv``).

    Parameters
    ----------
    peaks : pandas.DataFrame
        Station-year peaks, as :func:`regression_table`.
    chains : sequence of str
        Chains to fit, in output order; the fit ``"all"`` follows.
    estimator : str
        The configured estimator (:data:`.estimators.ESTIMATORS`,
        ``ionosonde.analysis.estimator``; docs/science.md §10).
    interval : {"analytic", "bootstrap"}
        The configured interval kind (``ionosonde.analysis.interval``), recorded in the
        ``interval`` column: the one the report quotes.
    earth_radius_km, fit_points, bootstrap_samples, ci_level, seed, bootstrap_method
        As :func:`regression_table`; ``fit_points`` sets the points of the
        latitude-on-DOY rows of the paper's method.

    Returns
    -------
    pandas.DataFrame
        The :func:`regression_table` columns, then :data:`ESTIMATOR_COLUMNS`. First the
        configured estimator's rows (``default`` True; for ``inverse`` and ``eiv`` see
        :func:`_pace_rows`), then the rows of the paper's method, latitude regressed on
        peak DOY with ``fit_points`` (``estimator`` = ``paper`` for station means,
        ``station_year`` for station-years; ``default`` False), unless they are the
        configured estimator's. ``slope_ci_*``/``speed_ci_*`` hold the bootstrap
        percentile interval and ``analytic_*`` the t interval (inverted for a pace;
        unbounded above when the pace interval contains 0).

    Raises
    ------
    ValueError
        For an unknown estimator, interval, ``fit_points`` or bootstrap method.
    """
    from . import estimators as est

    if estimator not in est.ESTIMATORS:
        raise ValueError(f"estimator {estimator!r} is not one of {', '.join(est.ESTIMATORS)}")
    if interval not in est.INTERVALS:
        raise ValueError(f"interval {interval!r} is not one of {', '.join(est.INTERVALS)}")
    common = {
        "chains": chains,
        "earth_radius_km": earth_radius_km,
        "bootstrap_samples": bootstrap_samples,
        "ci_level": ci_level,
        "seed": seed,
        "bootstrap_method": bootstrap_method,
    }
    paper_label = "paper" if fit_points == "station_mean" else "station_year"
    paper = _with_slope_extras(
        regression_table(peaks, fit_points=fit_points, **common),
        estimator=paper_label,
        ci_level=ci_level,
    )
    if estimator == paper_label:
        tables = [paper.assign(default=True)]
    elif estimator in ("paper", "station_year"):
        own = regression_table(
            peaks, fit_points="station_mean" if estimator == "paper" else "station_year", **common
        )
        tables = [
            _with_slope_extras(own, estimator=estimator, ci_level=ci_level).assign(default=True),
            paper.assign(default=False),
        ]
    else:
        tables = [
            _pace_rows(peaks, estimator=estimator, **common).assign(default=True),
            paper.assign(default=False),
        ]
    out = pd.concat(tables, ignore_index=True)
    out["interval"] = interval
    out["analytic_speed_ci_low_m_per_s"] = speed_m_per_s(
        out["analytic_ci_low_deg_per_day"].to_numpy(float), earth_radius_km
    )
    out["analytic_speed_ci_high_m_per_s"] = speed_m_per_s(
        out["analytic_ci_high_deg_per_day"].to_numpy(float), earth_radius_km
    )
    base = [c for c in out.columns if c not in ESTIMATOR_COLUMNS]
    return out[base + ESTIMATOR_COLUMNS]
