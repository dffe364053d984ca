"""Cloud detection: the stated false-alarm rate holds on cloud-free noise, planted clouds are found.

The false-alarm rate is measured over thousands of cloud-free profiles, of
Gaussian noise and of Poisson photon noise (the synthetic lidar's instrument
model), through the full background and noise estimation; the bound is the
stated rate plus three binomial standard deviations.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from estransport.lidar.canonical import canonical_dataset, merge_profiles
from estransport.lidar.detection import (
    DetectionSettings,
    detect_clouds,
    find_clouds,
    per_bin_threshold,
)
from estransport.synthetic.lidar import (
    LidarInstrument,
    LidarSite,
    PlantedLayers,
    Sky,
    night_profiles,
)

from .lidar_helpers import Cloud, nights, noise_cm3

SETTINGS = DetectionSettings(
    base_km=120,
    top_km=300,
    false_alarm_per_profile=0.01,
    background_window_h=6.0,
    min_background_profiles=5,
    extent_sigma=2.0,
    noise="auto",
)


def _days(n, start=dt.date(2009, 1, 1)):
    return [(start + dt.timedelta(days=i)).isoformat() for i in range(n)]


def _binomial_bound(p, n):
    return p + 3.0 * np.sqrt(p * (1 - p) / n)


def test_threshold_from_the_false_alarm_probability():
    for n, p in ((181, 0.01), (50, 0.05), (1, 0.5)):
        expected = norm.isf(1.0 - (1.0 - p) ** (1.0 / n))
        assert per_bin_threshold(n, p) == pytest.approx(expected, rel=1e-10)
    assert per_bin_threshold(181, 0.01) == pytest.approx(3.865, abs=1e-3)
    with pytest.raises(ValueError):
        per_bin_threshold(10, 0.0)


def test_false_alarm_rate_with_known_noise():
    """find_clouds alone, i.i.d. N(0, 1) bins: the rate is the stated P (not far below)."""
    rng = np.random.default_rng(11)
    alt = np.arange(80.0, 321.0)
    n, p = 20000, 0.01
    hits = sum(
        bool(
            find_clouds(
                alt,
                rng.normal(size=alt.size),
                np.ones(alt.size),
                lo_km=120,
                hi_km=300,
                false_alarm=p,
                extent_sigma=2.0,
            )[0]
        )
        for _ in range(n)
    )
    rate = hits / n
    assert rate <= _binomial_bound(p, n)
    assert rate >= 0.5 * p  # the peak-in-range rule costs little


@pytest.mark.parametrize("p", [0.01, 0.05])
def test_false_alarm_rate_of_the_pipeline_on_gaussian_noise(p):
    """Background (running median) and noise scale estimated from the data, 40 nights."""
    ds = nights([(d, (), i) for i, d in enumerate(_days(40))])
    s = DetectionSettings(**{**SETTINGS.__dict__, "false_alarm_per_profile": p})
    det, field = detect_clouds(ds, s)
    n = int(field["searched"].sum())
    rate = det["profile"].nunique() / n
    assert n > 2500
    assert rate <= _binomial_bound(p, n), rate
    assert rate >= p / 3, rate


def test_false_alarm_rate_on_photon_noise():
    """The synthetic lidar's Poisson counts with no clouds (30 November nights)."""
    site = LidarSite("Beijing", 40.3, 116.2, 0.05)
    ins = LidarInstrument(80, 320, 1, 10, 20, 100, 150, 100, -12)
    layers = PlantedLayers(100, 100, 4, 6, 0.5, 80)
    sky = Sky((), 0.0, (1.0, 2.0))
    empty_mics = pd.DataFrame(columns=["cloud_id", "thickness_km"])
    empty_paths = pd.DataFrame(columns=["cloud_id", "time", "altitude_km", "amplitude_m3"])
    parts, names = [], []
    for k in range(30):
        night = dt.date(2009, 11, 1) + dt.timedelta(days=k)
        prof = night_profiles(
            night=night,
            site=site,
            instrument=ins,
            layers=layers,
            mics=empty_mics,
            paths=empty_paths,
            sky=sky,
            seed=100 + k,
        )
        parts.append(
            canonical_dataset(
                time_start=prof["start"],
                time_end=prof["end"],
                altitude_km=prof["altitude_km"],
                density_m3=prof["density_m3"],
                uncertainty_m3=prof["uncertainty_m3"],
                species="Ca+",
                station_name="Beijing",
                station_latitude=40.3,
                station_longitude=116.2,
            )
        )
        names.append(f"{night}.nc")
    det, field = detect_clouds(merge_profiles(parts, names), SETTINGS)
    n = int(field["searched"].sum())
    rate = det["profile"].nunique() / n
    assert n > 2000
    assert rate <= _binomial_bound(0.01, n), rate
    assert rate >= 0.01 / 4, rate  # the square-root statistic is not far from Gaussian


def test_planted_clouds_are_recovered():
    """Every profile in which a planted cloud peaks at >= 6 noise sigma finds it within 1 km.

    Two clouds a night that never come closer than 18 km (touching clouds form one run).
    """
    rng = np.random.default_rng(3)
    specs, truth = [], []
    for k, day in enumerate(_days(8, dt.date(2009, 2, 1))):
        clouds = [
            Cloud(
                t0_h=10.5,
                t1_h=21.5,
                z0_km=rng.uniform(260, 290),
                rate_km_h=rng.uniform(3, 7),
                peak_cm3=rng.uniform(15, 60),
                sigma_km=rng.uniform(1.5, 3.0),
            ),
            Cloud(
                t0_h=13.5,
                t1_h=21.5,
                z0_km=rng.uniform(135, 165),
                rate_km_h=rng.uniform(2, 4),
                peak_cm3=rng.uniform(15, 60),
                sigma_km=rng.uniform(1.5, 3.0),
            ),
        ]
        truth.extend((day, c) for c in clouds)
        specs.append((day, clouds, 50 + k))
    ds = nights(specs)
    det, _ = detect_clouds(ds, SETTINGS)
    found = total = 0
    errors = []
    for day, c in truth:
        t0 = np.datetime64(day + "T00:00", "ns")
        times = ds["time"].values
        t_h = (times - t0) / np.timedelta64(1, "h")
        live = (t_h >= c.t0_h) & (t_h <= c.t1_h)
        for t, th in zip(times[live], t_h[live], strict=True):
            z = c.altitude(th)
            if not 125 <= z <= 295:
                continue
            snr = c.peak_cm3 / noise_cm3(z, 2.5)
            if snr < 6:
                continue
            total += 1
            d = det[det["time"] == t]
            near = d[np.abs(d["altitude_km"] - z) < 1.0]
            if len(near):
                found += 1
                errors.append(float(near["altitude_km"].iloc[0] - z))
    assert total > 300
    assert found / total >= 0.97
    assert abs(np.mean(errors)) < 0.1  # unbiased centroid
    assert np.std(errors) < 0.5


def test_cloud_at_the_search_edge_keeps_an_unbiased_centroid():
    """A cloud centred 1 km below the base is not found by the main search, one 2 km above is,
    with its centroid from the whole run (not truncated at the base)."""
    alt = np.arange(80.0, 321.0)
    for zc, expect in ((119.0, False), (122.0, True)):
        x = 30.0 * np.exp(-0.5 * ((alt - zc) / 2.0) ** 2)
        clouds, _, _ = find_clouds(
            alt, x, np.ones(alt.size), lo_km=120, hi_km=300, false_alarm=0.01, extent_sigma=2.0
        )
        assert bool(clouds) is expect
        if clouds:
            assert clouds[0]["altitude_km"] == pytest.approx(zc, abs=0.05)
