"""Estimators of the poleward drift of the summer Es peak, with their 95 % intervals.

The data are, per station, its absolute latitude ``|lat|`` (degrees, known exactly) and
the summer-peak days of year of its valid years (days; each with a year-to-year
scatter of a few days). The planted model of the synthetic data (docs/science.md §8)
and the paper's reading of the real data (§7) are the same line::

    peak DOY = d0 + (|lat| - lat0) / s          s = drift, degrees per day

Every estimator here returns the drift ``s`` in degrees per day and a two-sided interval
for it, from the same data (docs/science.md §10 compares them by Monte Carlo):

``paper``
    The paper's fit: ``|lat|`` regressed on the station-mean peak DOY (ordinary least
    squares), ``s`` = its slope. The noisy quantity is on the x axis, so the slope is
    attenuated by var(true DOY) / (var(true DOY) + var(station-mean error)): little at
    1 degree/day, about half at 8 degrees/day.
``inverse``
    The station-mean peak DOY regressed on ``|lat|`` (OLS; latitude, the x axis, is
    exact, so the slope ``c`` = 1/s, the *pace* in days per degree, is unbiased); ``s`` =
    ``c / (c^2 + se(c)^2)``, the reciprocal with its second-order bias removed (1/c
    alone is biased high by about (se/c)^2; the correction keeps the estimate finite
    when ``c`` is near 0).
``eiv``
    Errors in variables: the maximum-likelihood straight line with errors in both
    coordinates (York et al. 2004, :func:`york_fit`; what orthogonal distance
    regression computes), each station's standard error on its mean DOY and none on
    the latitude. With an exact latitude this *is* the inverse fit weighted by
    1/SE^2, so ``s`` = ``c / (c^2 + se^2)`` of that fit as for ``inverse``. Stations
    with fewer than two years, or a zero SE, use the pooled within-station scatter.
``station_year``
    ``|lat|`` regressed on every valid station-year's peak DOY (OLS; the paper's
    direction, with one point per station-year).

Intervals
---------
``analytic``
    Student t with n - 2 degrees of freedom on the fitted slope. For ``inverse`` and
    ``eiv`` the interval is built for the pace ``c`` and inverted (test inversion): the
    drifts ``s`` with ``1/s`` inside it. When the pace interval contains 0 the data do
    not exclude an infinitely fast drift and the upper end is ``+inf``
    (``unbounded``).
``bootstrap``
    The percentile interval of the hierarchical bootstrap of
    :func:`estransport.ionosonde.analysis.regression_table` (stations with replacement,
    then each drawn station's years with replacement; same random draws), on the
    slope (``paper``, ``station_year``) or on the pace (``inverse``, ``eiv``; inverted).

All functions are pure: arrays in, numbers out; nothing reads a configuration.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Estimators of this module, in the order of the validation table.
ESTIMATORS = ("paper", "inverse", "eiv", "station_year")
#: Interval kinds.
INTERVALS = ("analytic", "bootstrap")
#: Which parameter each estimator's interval is built on: the slope of latitude on DOY
#: (degrees/day) or the pace, the slope of DOY on latitude (days/degree).
PARAMETER = {"paper": "slope", "inverse": "pace", "eiv": "pace", "station_year": "slope"}
#: Resampling designs of the bootstrap (as :func:`analysis.regression_table`).
BOOTSTRAP_METHODS = ("hierarchical", "stations", "years")
#: Fewest points for a fit (two points always fit exactly).
MIN_POINTS = 3


@dataclass(frozen=True)
class Estimate:
    """One estimator's result on one data set.

    Attributes
    ----------
    estimator : str
        One of :data:`ESTIMATORS`.
    drift_deg_per_day : float
        Estimated drift s, degrees latitude per day.
    parameter : {"slope", "pace"}
        What the fit estimates directly (:data:`PARAMETER`).
    parameter_value, parameter_se : float
        The fitted slope (degrees/day) or pace (days/degree) and its standard error.
    intercept : float
        Intercept of the fitted line (degrees for ``slope``, days for ``pace``).
    n_points, n_stations, dof : int
        Points in the fit, stations, residual degrees of freedom.
    r, p_value : float
        Correlation of the points and the two-sided p value of a zero slope (t test).
    """

    estimator: str
    drift_deg_per_day: float
    parameter: str
    parameter_value: float
    parameter_se: float
    intercept: float
    n_points: int
    n_stations: int
    dof: int
    r: float
    p_value: float


def _check(estimator: str) -> None:
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator {estimator!r} is not one of {', '.join(ESTIMATORS)}")


def station_means(groups: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean peak DOY, number of years and standard error per station.

    Parameters
    ----------
    groups : sequence of numpy.ndarray
        Valid peak DOYs of each station, days.

    Returns
    -------
    mean, n, se : numpy.ndarray
        Mean (days), number of years, and the standard error of the mean (days):
        the station's own sd (ddof 1) / sqrt(n), or, where that is undefined or 0, the
        pooled within-station sd / sqrt(n) (NaN if no station has two distinct years).
    """
    mean = np.array([np.mean(g) if len(g) else np.nan for g in groups])
    n = np.array([len(g) for g in groups])
    ss = np.array([np.sum((g - np.mean(g)) ** 2) if len(g) > 1 else 0.0 for g in groups])
    dof = np.maximum(n - 1, 0)
    pooled_var = ss.sum() / dof.sum() if dof.sum() > 0 and ss.sum() > 0 else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        own_var = np.where(dof > 0, ss / np.maximum(dof, 1), np.nan)
    var = np.where(np.isfinite(own_var) & (own_var > 0), own_var, pooled_var)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(var / n)
    return mean, n, se


def _ols(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> dict[str, float]:
    """(Weighted) least squares y = a + b x with the usual standard error of b.

    For weights the residual variance is estimated from the weighted residuals (the
    weights are relative), as :mod:`scipy.odr` and ``statsmodels`` WLS do.
    """
    from scipy import stats  # imported here: scipy.stats takes a second to import

    n = len(x)
    out = {
        "slope": np.nan,
        "se": np.nan,
        "intercept": np.nan,
        "r": np.nan,
        "p": np.nan,
        "n": n,
        "dof": n - 2,
    }
    if n < MIN_POINTS or np.ptp(x) == 0:
        return out
    w = np.ones(n) if w is None else np.asarray(w, float)
    sw = w.sum()
    xm, ym = (w * x).sum() / sw, (w * y).sum() / sw
    sxx = (w * (x - xm) ** 2).sum()
    sxy = (w * (x - xm) * (y - ym)).sum()
    syy = (w * (y - ym) ** 2).sum()
    b = sxy / sxx
    a = ym - b * xm
    res = y - a - b * x
    s2 = (w * res**2).sum() / (n - 2)
    se = math.sqrt(s2 / sxx)
    r = sxy / math.sqrt(sxx * syy) if syy > 0 else np.nan
    p = 2 * stats.t.sf(abs(b / se), n - 2) if se > 0 else 0.0
    out.update(slope=b, se=se, intercept=a, r=r, p=float(p))
    return out


def york_fit(
    x: np.ndarray,
    y: np.ndarray,
    sx: np.ndarray,
    sy: np.ndarray,
    *,
    max_iter: int = 100,
    rtol: float = 1e-12,
) -> dict[str, float]:
    """Straight line through points with errors in both coordinates (York et al. 2004).

    The least-squares line of York, Evensen, Martinez and De Basabe Delgado (2004),
    *Am. J. Phys.* 72, 367, "Unified equations for the slope, intercept, and standard
    errors of the best straight line", with uncorrelated x and y errors: the maximum
    likelihood line for normal errors, which is what orthogonal distance regression
    (ODRPACK, ``scipy.odr``) computes for a straight line. The slope's standard error is
    York's, scaled by sqrt(chi^2 / (n - 2)) as ODRPACK's ``sd_beta`` is, so that scatter
    beyond the stated errors widens it.

    Parameters
    ----------
    x, y : numpy.ndarray
        Points.
    sx, sy : numpy.ndarray
        Their standard errors (``sx`` may be 0: x exact; then the fit is weighted least
        squares of y on x with weights 1/sy^2).
    max_iter : int
        Iterations of the slope.
    rtol : float
        Relative change of the slope at which the iteration stops.

    Returns
    -------
    dict
        ``slope``, ``se``, ``intercept``, ``r`` (of the points), ``p`` (t test of a zero
        slope, n - 2 degrees of freedom), ``n``, ``dof``, ``chi2``; NaN where the fit is
        undefined (fewer than :data:`MIN_POINTS` points, no spread in x, or a zero
        combined error).
    """
    from scipy import stats

    x, y = np.asarray(x, float), np.asarray(y, float)
    vx, vy = np.asarray(sx, float) ** 2, np.asarray(sy, float) ** 2
    n = len(x)
    out = {
        "slope": np.nan,
        "se": np.nan,
        "intercept": np.nan,
        "r": np.nan,
        "p": np.nan,
        "n": n,
        "dof": n - 2,
        "chi2": np.nan,
    }
    if n < MIN_POINTS or np.ptp(x) == 0 or not np.all(np.isfinite(vx) & np.isfinite(vy)):
        return out
    b = _ols(x, y)["slope"]
    for _ in range(max_iter):
        den = vy + b * b * vx
        if np.any(den <= 0):
            return out
        w = 1 / den
        xb, yb = (w * x).sum() / w.sum(), (w * y).sum() / w.sum()
        u, v = x - xb, y - yb
        beta = w * (u * vy + b * v * vx)
        b_new = (w * beta * v).sum() / (w * beta * u).sum()
        done = abs(b_new - b) <= rtol * abs(b_new)
        b = b_new
        if done:
            break
    w = 1 / (vy + b * b * vx)
    xb, yb = (w * x).sum() / w.sum(), (w * y).sum() / w.sum()
    u, v = x - xb, y - yb
    beta = w * (u * vy + b * v * vx)
    a = yb - b * xb
    xa = xb + beta  # adjusted x
    ua = xa - (w * xa).sum() / w.sum()
    chi2 = float((w * (y - a - b * x) ** 2).sum())
    se = math.sqrt(1 / (w * ua * ua).sum() * chi2 / (n - 2))
    r = float(np.corrcoef(x, y)[0, 1])
    p = 2 * stats.t.sf(abs(b / se), n - 2) if se > 0 else 0.0
    out.update(slope=float(b), se=se, intercept=float(a), r=r, p=float(p), chi2=chi2)
    return out


def reciprocal_drift(pace: float | np.ndarray, pace_se: float | np.ndarray):
    """Drift (degrees/day) from a pace c (days/degree) with the second-order bias removed.

    ``c / (c^2 + se^2)``: for an unbiased, normal pace estimate E[1/c] is about
    (1/c)(1 + se^2/c^2), so dividing 1/c by (1 + se^2/c^2) leaves a bias of order
    (se/c)^4; unlike 1/c it stays finite (at most 1/(2 se)) when c is near 0.

    Parameters
    ----------
    pace, pace_se : float or numpy.ndarray
        Pace and its standard error, days per degree.

    Returns
    -------
    float or numpy.ndarray
        Drift, degrees per day.
    """
    c = np.asarray(pace, float)
    v = np.asarray(pace_se, float) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return c / (c * c + np.where(np.isfinite(v), v, 0.0))


def estimate(estimator: str, groups: Sequence[np.ndarray], lat: np.ndarray) -> Estimate:
    """Fit one estimator to the stations' peak days.

    Parameters
    ----------
    estimator : str
        One of :data:`ESTIMATORS`.
    groups : sequence of numpy.ndarray
        Valid summer-peak DOYs of each station (days; stations without any are ignored).
    lat : numpy.ndarray
        Latitude of each station, degrees N (its absolute value is used: the drift is
        poleward in both hemispheres).

    Returns
    -------
    Estimate
    """
    _check(estimator)
    keep = [i for i, g in enumerate(groups) if len(g)]
    groups = [np.asarray(groups[i], float) for i in keep]
    alat = np.abs(np.asarray(lat, float))[keep]
    mean, n, se = station_means(groups)
    if estimator == "paper":
        f = _ols(mean, alat)
        drift = f["slope"]
    elif estimator == "station_year":
        x = np.concatenate(groups) if groups else np.array([])
        y = np.repeat(alat, n)
        f = _ols(x, y)
        drift = f["slope"]
    elif estimator == "inverse":
        f = _ols(alat, mean)
        drift = float(reciprocal_drift(f["slope"], f["se"]))
    else:  # eiv
        f = york_fit(alat, mean, np.zeros_like(alat), se)
        drift = float(reciprocal_drift(f["slope"], f["se"]))
    return Estimate(
        estimator=estimator,
        drift_deg_per_day=float(drift),
        parameter=PARAMETER[estimator],
        parameter_value=float(f["slope"]),
        parameter_se=float(f["se"]),
        intercept=float(f["intercept"]),
        n_points=int(f["n"]),
        n_stations=len(groups),
        dof=int(f["dof"]),
        r=float(f["r"]),
        p_value=float(f["p"]),
    )


def drift_interval(parameter: str, low: float, high: float) -> tuple[float, float]:
    """A drift interval (degrees/day) from an interval of the fitted parameter.

    Parameters
    ----------
    parameter : {"slope", "pace"}
        ``slope``: the interval is already in degrees/day. ``pace``: an interval of
        c = 1/s (days/degree), inverted: {s : 1/s in [low, high]}.
    low, high : float
        The parameter's interval.

    Returns
    -------
    (float, float)
        Drift interval, degrees/day. For a pace interval containing 0 the drifts
        compatible with the data are s >= 1/high and s <= 1/low (< 0): the poleward
        part [1/high, +inf) is returned, with an infinite upper end.
    """
    if parameter == "slope":
        return float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)):
        return np.nan, np.nan
    low, high = float(low), float(high)
    if low > 0:
        return 1.0 / high, 1.0 / low
    if high > 0:
        return 1.0 / high, math.inf
    return -math.inf, 1.0 / high if high < 0 else -math.inf  # only equatorward drifts fit


def analytic_interval(est: Estimate, level: float) -> tuple[float, float, float, float]:
    """Student-t interval of the fitted parameter and the drift interval it gives.

    Parameters
    ----------
    est : Estimate
    level : float
        Two-sided level (0-1), e.g. 0.95.

    Returns
    -------
    param_low, param_high, drift_low, drift_high : float
        Parameter interval (its units) and the drift interval (degrees/day; see
        :func:`drift_interval`).
    """
    from scipy import stats

    if not (np.isfinite(est.parameter_se) and est.dof > 0):
        return np.nan, np.nan, np.nan, np.nan
    q = stats.t.ppf(0.5 + level / 2, est.dof)
    lo = est.parameter_value - q * est.parameter_se
    hi = est.parameter_value + q * est.parameter_se
    return (lo, hi, *drift_interval(est.parameter, lo, hi))


def bootstrap_draws(
    groups: Sequence[np.ndarray], samples: int, rng: np.random.Generator, method: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Resampled data of the hierarchical bootstrap (the draws of ``regression_table``).

    Parameters
    ----------
    groups : sequence of numpy.ndarray
        Valid peak DOYs of each station (none empty).
    samples : int
        Bootstrap replicates B.
    rng : numpy.random.Generator
    method : {"hierarchical", "stations", "years"}
        :data:`BOOTSTRAP_METHODS`.

    Returns
    -------
    pick : numpy.ndarray
        (B, ns) index of the station drawn in each slot.
    draw : numpy.ndarray
        (B, ns, nmax) the drawn years' DOYs (NaN beyond the station's own count).
    valid : numpy.ndarray
        (B, ns, nmax) bool, which entries of ``draw`` are data.
    """
    if method not in BOOTSTRAP_METHODS:
        raise ValueError(
            f"bootstrap method {method!r} is not one of {', '.join(BOOTSTRAP_METHODS)}"
        )
    ns = len(groups)
    if method in ("hierarchical", "stations"):
        pick = rng.integers(0, ns, size=(samples, ns))
    else:
        pick = np.broadcast_to(np.arange(ns), (samples, ns))
    resample_years = method in ("hierarchical", "years")
    nmax = max(len(g) for g in groups)
    vals = np.full((ns, nmax), np.nan)
    for i, g in enumerate(groups):
        vals[i, : len(g)] = g
    nyears = np.array([len(g) for g in groups])
    draws, valids = [], []
    for j in range(ns):  # slot by slot, in the order regression_table draws them
        sel = pick[:, j]
        counts = nyears[sel]
        if resample_years:
            idx = (rng.random((samples, nmax)) * counts[:, None]).astype(int)
        else:
            idx = np.broadcast_to(np.arange(nmax), (samples, nmax))
        valid = np.arange(nmax)[None, :] < counts[:, None]
        draws.append(np.where(valid, vals[sel[:, None], idx], np.nan))
        valids.append(valid)
    return np.asarray(pick), np.stack(draws, axis=1), np.stack(valids, axis=1)


def _rowwise_wls(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slope and its standard error of y on x in every row; weight 0 = no point."""
    sw = w.sum(axis=1)
    n = (w > 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = (w * np.nan_to_num(x)).sum(axis=1) / sw
        ym = (w * np.nan_to_num(y)).sum(axis=1) / sw
        dx = np.where(w > 0, x - xm[:, None], 0.0)
        dy = np.where(w > 0, y - ym[:, None], 0.0)
        sxx = (w * dx * dx).sum(axis=1)
        b = np.where(sxx > 0, (w * dx * dy).sum(axis=1) / sxx, np.nan)
        res = np.where(w > 0, dy - b[:, None] * dx, 0.0)
        se = np.sqrt((w * res * res).sum(axis=1) / (n - 2) / sxx)
    return b, se


def bootstrap_parameters(
    estimator: str,
    groups: Sequence[np.ndarray],
    lat: np.ndarray,
    *,
    samples: int,
    rng: np.random.Generator,
    method: str,
) -> np.ndarray:
    """The fitted parameter (slope or pace) of each bootstrap replicate.

    Parameters
    ----------
    estimator : str
        One of :data:`ESTIMATORS`.
    groups, lat
        As :func:`estimate`.
    samples : int
        Replicates.
    rng : numpy.random.Generator
        Consumed exactly as :func:`analysis.regression_table` consumes its generator.
    method : str
        :data:`BOOTSTRAP_METHODS`.

    Returns
    -------
    numpy.ndarray
        (samples,) slopes (degrees/day) or paces (days/degree); NaN where a replicate
        cannot be fitted (e.g. all drawn stations equal).
    """
    _check(estimator)
    keep = [i for i, g in enumerate(groups) if len(g)]
    groups = [np.asarray(groups[i], float) for i in keep]
    alat = np.abs(np.asarray(lat, float))[keep]
    pick, draw, valid = bootstrap_draws(groups, samples, rng, method)
    lat_b = alat[pick]  # (B, ns)
    if estimator == "station_year":
        B = draw.shape[0]
        x = draw.reshape(B, -1)
        y = np.broadcast_to(lat_b[:, :, None], draw.shape).reshape(B, -1)
        return _rowwise_wls(x, y, valid.reshape(B, -1).astype(float))[0]
    nj = valid.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(draw, axis=2) / nj
    ones = np.ones_like(mean)
    if estimator == "paper":
        return _rowwise_wls(mean, lat_b, ones)[0]
    if estimator == "inverse":
        return _rowwise_wls(lat_b, mean, ones)[0]
    # eiv: weights 1/SE^2 from each drawn station's resampled years, pooled fallback
    ss = np.nansum((draw - mean[:, :, None]) ** 2, axis=2)
    dof = nj - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = ss.sum(axis=1) / dof.sum(axis=1)
        own = np.where(dof > 0, ss / np.maximum(dof, 1), np.nan)
        var = np.where(np.isfinite(own) & (own > 0), own, pooled[:, None])
        w = nj / var
    w = np.where(np.isfinite(w), w, 0.0)
    return _rowwise_wls(lat_b, mean, w)[0]


def bootstrap_interval(
    estimator: str,
    groups: Sequence[np.ndarray],
    lat: np.ndarray,
    *,
    samples: int,
    level: float,
    rng: np.random.Generator,
    method: str,
) -> tuple[float, float, float, float]:
    """Percentile bootstrap interval of the fitted parameter and the drift interval.

    Parameters
    ----------
    estimator, groups, lat, samples, rng, method
        As :func:`bootstrap_parameters`.
    level : float
        Two-sided level (0-1).

    Returns
    -------
    param_low, param_high, drift_low, drift_high : float
        As :func:`analytic_interval`.
    """
    p = bootstrap_parameters(estimator, groups, lat, samples=samples, rng=rng, method=method)
    if not np.isfinite(p).any():
        return np.nan, np.nan, np.nan, np.nan
    alpha = (1 - level) / 2
    lo, hi = (float(q) for q in np.nanquantile(p, [alpha, 1 - alpha]))
    return (lo, hi, *drift_interval(PARAMETER[estimator], lo, hi))
