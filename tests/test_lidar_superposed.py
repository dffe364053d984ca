"""Superposed-epoch analysis: a planted foEs rise is found, nothing is found when none is planted,
and the Monte-Carlo test keeps its level on null data over many seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from estransport.lidar.superposed import (
    EpochSettings,
    epoch_matrix,
    hourly_series,
    superposed_epoch,
)

SET = EpochSettings(
    lags_h=(-12, 12),
    baseline_h=(-6, -1),
    response_h=(0, 4),
    n_random=400,
    random_window_days=30,
    alpha=0.05,
)


def series(seed: int, epochs=(), rise_mhz: float = 0.0, tau_h: float = 3.0, missing: float = 0.1):
    """Hourly foEs over a year: diurnal cycle (peak 11 LT at 116 E), AR(1) day level, sounding
    noise, missing hours, and a rise of ``rise_mhz`` decaying with ``tau_h`` after each epoch."""
    rng = np.random.default_rng(seed)
    t = pd.date_range("2009-01-01", "2009-12-31 23:00", freq="h")
    lt = (t.hour.to_numpy() + 116.2 / 15.0) % 24
    day = np.repeat(rng.normal(0, 0.3, t.size // 24 + 1), 24)[: t.size]
    x = 2.5 * (1 + 0.3 * np.cos(2 * np.pi * (lt - 11) / 24)) + day + rng.normal(0, 0.6, t.size)
    for e in epochs:
        dt_h = ((t - e) / pd.Timedelta(hours=1)).to_numpy()
        x = x + np.where(dt_h >= 0, rise_mhz * np.exp(-np.clip(dt_h, 0, None) / tau_h), 0.0)
    x[rng.uniform(size=t.size) < missing] = np.nan
    return t, x


def epochs(seed: int, n: int = 6):
    """Arrivals on consecutive November nights at 17-19 UT, as in the default run."""
    rng = np.random.default_rng(seed)
    base = pd.Timestamp("2009-11-12")
    return [base + pd.Timedelta(days=k, hours=float(rng.uniform(17, 19))) for k in range(n)]


def test_epoch_matrix_takes_the_right_hours():
    t = pd.date_range("2009-06-01", periods=100, freq="h")
    x = np.arange(100, dtype=float)
    s = hourly_series(t, x)
    lags, a = epoch_matrix(s, [np.datetime64("2009-06-01T23:20")], SET)
    # the epoch moves on to 2009-06-02 00:00 = index 24; baseline -6..-1 -> mean of 18..23 = 20.5
    assert a[0, lags == 0][0] == pytest.approx(24 - 20.5)
    assert a[0, lags == 12][0] == pytest.approx(36 - 20.5)


def test_planted_rise_is_found_and_its_size_recovered():
    ep = epochs(1)
    t, x = series(2, ep, rise_mhz=2.0)
    table, test = superposed_epoch(
        t, x, np.array(ep, "datetime64[ns]"), SET, alternative="greater", seed=3
    )
    assert test["p_value"] < 0.01 and test["significant"]
    # mean of the planted rise over lags 0..4 (2 exp(-L/3)), plus the diurnal drift the
    # random epochs measure: the excess over the random mean
    planted = np.mean(2.0 * np.exp(-np.arange(0, 5) / 3.0))
    assert test["statistic"] - test["random_mean"] == pytest.approx(planted, abs=0.45)
    lag0 = table.loc[table["lag_h"] == 0]
    assert float(lag0["composite"].iloc[0]) > float(lag0["random_high"].iloc[0])


def test_nothing_is_found_when_nothing_is_planted():
    ep = epochs(1)
    t, x = series(2, ep, rise_mhz=0.0)
    _, test = superposed_epoch(
        t, x, np.array(ep, "datetime64[ns]"), SET, alternative="greater", seed=3
    )
    assert test["p_value"] > 0.05


def test_false_positive_rate_over_seeds_is_the_level():
    """30 null data sets: the test rejects at about its level alpha (not 'always significant')."""
    SMALL = EpochSettings(**{**SET.__dict__, "n_random": 200})
    rejections = 0
    n = 30
    for k in range(n):
        ep = epochs(100 + k)
        t, x = series(200 + k, ep, rise_mhz=0.0)
        _, test = superposed_epoch(
            t, x, np.array(ep, "datetime64[ns]"), SMALL, alternative="greater", seed=k
        )
        rejections += test["significant"]
    # binomial(30, 0.05): P(X >= 6) = 0.016
    assert rejections <= 5


def test_power_over_seeds():
    rejections = 0
    for k in range(10):
        ep = epochs(300 + k)
        t, x = series(400 + k, ep, rise_mhz=2.0)
        _, test = superposed_epoch(
            t, x, np.array(ep, "datetime64[ns]"), SET, alternative="greater", seed=k
        )
        rejections += test["significant"]
    assert rejections >= 9


def test_no_epochs_gives_nan_not_an_error():
    t, x = series(2)
    table, test = superposed_epoch(
        t, x, np.array([], "datetime64[ns]"), SET, alternative="greater", seed=3
    )
    assert test["n_epochs"] == 0 and np.isnan(test["p_value"]) and not test["significant"]
    assert table["composite"].isna().all()
