"""Tracking: tracks of planted clouds, descent rates within 10 % with honest uncertainties,
continuation below the base, arrival times, no tracks from noise."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from estransport.lidar.detection import DetectionSettings, detect_clouds
from estransport.lidar.tracking import TrackingSettings, fit_descent, track_clouds

from .lidar_helpers import Cloud, nights

DET = DetectionSettings(
    base_km=120,
    top_km=300,
    false_alarm_per_profile=0.01,
    background_window_h=6.0,
    min_background_profiles=5,
    extent_sigma=2.0,
    noise="auto",
)
TRK = TrackingSettings(
    max_gap_min=120,
    max_rate_km_per_h=40,
    gate_km=4,
    min_detections=5,
    continuation_floor_km=95,
    base_km=120,
    false_alarm_per_profile=0.01,
    extent_sigma=2.0,
    arrival_km=120,
    main_layer_km=100,
    main_layer_halfwidth_km=8,
)


def _days(n, start):
    return [(start + dt.timedelta(days=i)).isoformat() for i in range(n)]


def _run(specs, **kw):
    ds = nights(specs, **kw)
    det, field = detect_clouds(ds, DET)
    return track_clouds(det, field, TRK)


def test_fit_descent_is_weighted_least_squares():
    t = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
    z = 250.0 - 7.0 * t
    out = fit_descent(t, z, np.full(t.size, 0.3))
    assert out["descent_rate_km_per_h"] == pytest.approx(7.0, abs=1e-12)
    # with noise: slope and SE as numpy's weighted polyfit (chi2_red ~ 1: no Birge scaling)
    rng = np.random.default_rng(0)
    se = rng.uniform(0.2, 0.6, 40)
    t = np.sort(rng.uniform(0, 6, 40))
    z = 250.0 - 7.0 * t + rng.normal(0, se)
    out = fit_descent(t, z, se)
    coef, cov = np.polyfit(t - t[0], z, 1, w=1 / se, cov="unscaled")
    assert out["descent_rate_km_per_h"] == pytest.approx(-coef[0], rel=1e-10)
    scale = max(1.0, out["chi2_red"])
    assert out["descent_rate_se_km_per_h"] == pytest.approx(np.sqrt(cov[0, 0] * scale), rel=1e-10)


def test_descent_rates_within_ten_percent_and_covered_by_their_uncertainty():
    """One cloud a night over 40 nights: every fitted rate within 10 % of the planted one (or
    within its 2 SE), the 95 % intervals cover the truth in most tracks, no bias."""
    rng = np.random.default_rng(21)
    specs, truth = [], {}
    for k, day in enumerate(_days(40, dt.date(2009, 3, 1))):
        c = Cloud(
            t0_h=10.5,
            t1_h=rng.uniform(15, 21.5),
            z0_km=rng.uniform(240, 295),
            rate_km_h=rng.uniform(3, 14),
            peak_cm3=rng.uniform(20, 60),
            sigma_km=rng.uniform(1.5, 3.0),
        )
        specs.append((day, [c], 300 + k))
        truth[day] = c
    det, tracks = _run(specs)
    assert len(tracks) == 40
    rel, covered, z_scores = [], [], []
    for tr in tracks.itertuples():
        c = truth[str(tr.first_time.date())]
        err = tr.descent_rate_km_per_h - c.rate_km_h
        rel.append(err / c.rate_km_h)
        assert abs(err) <= max(0.10 * c.rate_km_h, 2 * tr.descent_rate_se_km_per_h)
        covered.append(abs(err) <= 1.96 * tr.descent_rate_se_km_per_h)
        z_scores.append(err / tr.descent_rate_se_km_per_h)
    assert np.mean(covered) >= 0.85
    assert abs(np.mean(rel)) < 0.01
    assert np.std(z_scores) < 1.5  # the standard errors are not too small


def test_track_bridges_a_cloud_gap_and_continues_below_the_base():
    c = Cloud(t0_h=10.5, t1_h=21.9, z0_km=160.0, rate_km_h=5.0, peak_cm3=40.0, sigma_km=2.0)
    det, tracks = _run([("2009-04-01", [c], 5)], gap_h=(13.0, 14.5))
    assert len(tracks) == 1
    tr = tracks.iloc[0]
    assert tr.n_continuation > 10
    assert tr.min_altitude_km < 108.0 and bool(tr.reaches_main_layer)
    assert bool(tr.reaches_es)
    expected = np.datetime64("2009-04-01T00:00") + np.timedelta64(int((10.5 + 8.0) * 3600), "s")
    assert abs((tr.arrival_time - expected) / np.timedelta64(1, "m")) < 10  # 160 -> 120 km in 8 h
    assert tr.descent_rate_km_per_h == pytest.approx(5.0, rel=0.05)


def test_two_clouds_two_tracks_and_no_tracks_from_noise():
    clouds = [Cloud(10.5, 21.5, 290.0, 6.0, 40.0, 2.0), Cloud(12.0, 21.5, 180.0, 3.0, 30.0, 2.0)]
    specs = [("2009-05-01", clouds, 1)] + [
        (d, [], 10 + i) for i, d in enumerate(_days(20, dt.date(2009, 5, 2)))
    ]
    det, tracks = _run(specs)
    assert len(tracks) == 2
    rates = sorted(tracks["descent_rate_km_per_h"])
    assert rates[0] == pytest.approx(3.0, rel=0.1) and rates[1] == pytest.approx(6.0, rel=0.1)
    # false alarms (about 1 % of some 1,400 noise profiles) never link into tracks
    assert (det.loc[det["track_id"] >= 0, "time"] < np.datetime64("2009-05-02")).all()
