"""The analysis steps of docs/science.md 7, each on inputs whose answer is known."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from estransport.ionosonde import analysis, regression
from estransport.ionosonde.schema import make_table

#: The regression choices of the tests that do not vary them (the schema's defaults are
#: not repeated by the library, so each call names them).
FIT = {
    "earth_radius_km": 6371.0,
    "fit_points": "station_mean",
    "ci_level": 0.95,
    "bootstrap_method": "hierarchical",
}


def test_speed_conversion_factor_and_paper_pairs():
    # R = 6371 km: pi * 6.371e6 / 180 / 86400 = 1.286978 m/s per deg/day (docs/science.md 7;
    # the 1.2869 quoted in the project's first notes was this value truncated)
    factor = analysis.speed_m_per_s(1.0, 6371.0)
    assert factor == pytest.approx(1.286978, abs=1e-6)
    # the paper's slope -> speed pairs (docs/science.md 7) hold within rounding for R = 6357 km
    for slope, speed in ((8.06, 10.35), (3.16, 4.06), (0.99, 1.27)):
        assert analysis.speed_m_per_s(slope, 6357.0) == pytest.approx(speed, abs=0.006)
    # ... and the 6371 km mean radius misses the largest by more than rounding
    assert abs(analysis.speed_m_per_s(8.06, 6371.0) - 10.35) > 0.01


def test_fit_matches_scipy_linregress():
    rng = np.random.default_rng(3)
    doy = rng.uniform(150, 210, 10)
    lat = -120 + 0.9 * doy + rng.normal(0, 3, 10)
    ours = analysis.fit_latitude_vs_doy(doy, lat)
    ref = stats.linregress(doy, lat)
    assert ours["slope"] == pytest.approx(ref.slope, rel=1e-12)
    assert ours["slope_se"] == pytest.approx(ref.stderr, rel=1e-12)
    assert ours["intercept"] == pytest.approx(ref.intercept, rel=1e-12)
    assert ours["r"] == pytest.approx(ref.rvalue, rel=1e-12)
    assert ours["p"] == pytest.approx(ref.pvalue, rel=1e-9)
    # independent check of p: two-sided t test with n - 2 degrees of freedom
    t = ours["r"] * math.sqrt(8) / math.sqrt(1 - ours["r"] ** 2)
    assert ours["p"] == pytest.approx(2 * stats.t.sf(abs(t), 8), rel=1e-9)
    # too few points: no fit
    assert math.isnan(analysis.fit_latitude_vs_doy([1, 2], [3, 4])["slope"])


def test_regression_table_on_station_means_is_linregress_of_the_means():
    rows = []
    truth = {"a": (10.0, 150.0), "b": (30.0, 171.0), "c": (50.0, 189.0), "d": (40.0, 182.0)}
    for code, (lat, doy) in truth.items():
        for k, d in enumerate((-2.0, 0.0, 2.0)):
            rows.append(
                {
                    "station": code,
                    "chain": "X" if code != "d" else "Y",
                    "lat_deg": lat,
                    "year": 2000 + k,
                    "peak_doy_local": doy + d,
                    "valid": True,
                }
            )
    rows.append(
        {
            "station": "a",
            "chain": "X",
            "lat_deg": 10.0,
            "year": 2003,
            "peak_doy_local": 999.0,
            "valid": False,
        }
    )  # dropped years do not count
    peaks = pd.DataFrame(rows)
    reg = analysis.regression_table(
        peaks, chains=["X", "Y"], **FIT, bootstrap_samples=300, seed=1
    ).set_index("fit")
    ref = stats.linregress([150.0, 171.0, 189.0, 182.0], [10.0, 30.0, 50.0, 40.0])
    assert reg.loc["all", "n_points"] == 4
    assert reg.loc["all", "slope_deg_per_day"] == pytest.approx(ref.slope)
    assert reg.loc["all", "p_value"] == pytest.approx(ref.pvalue)
    assert reg.loc["all", "speed_m_per_s"] == pytest.approx(ref.slope * 1.286978, rel=1e-6)
    lo, hi = reg.loc["all", ["slope_ci_low_deg_per_day", "slope_ci_high_deg_per_day"]]
    assert lo < ref.slope < hi
    assert reg.loc["X", "n_points"] == 3
    assert math.isnan(reg.loc["Y", "slope_deg_per_day"])  # one station: no fit
    per_year = analysis.regression_table(
        peaks, chains=[], **{**FIT, "fit_points": "station_year"}, bootstrap_samples=0, seed=1
    )
    assert per_year.iloc[0]["n_points"] == 12


def test_moving_average_is_centred_and_respects_coverage():
    assert analysis.moving_average_kernel(30).tolist() == [0.5] + [1.0] * 29 + [0.5]
    assert analysis.moving_average_kernel(5).sum() == 5
    idx = pd.date_range("2001-01-01", periods=200, freq="D")
    peak = 100
    series = pd.Series(-np.abs(np.arange(200) - peak).astype(float), index=idx)
    sm = analysis.smooth(series, 30, 0.5)
    assert int(np.nanargmax(sm["smoothed"].to_numpy())) == peak  # symmetric kernel: no shift
    gappy = series.copy()
    gappy.iloc[40:80] = np.nan
    out = analysis.smooth(gappy, 30, 0.5)
    assert out["smoothed"].iloc[60] != out["smoothed"].iloc[60]  # NaN: window empty
    assert out["coverage"].iloc[60] == 0
    assert np.isfinite(out["smoothed"].iloc[85])  # 25 of 30 weighted days present
    assert out["coverage"].iloc[85] == pytest.approx((30 - 9.5) / 30)


def _hourly(times, values, conf=999):
    return make_table(
        [
            {
                "time_ut": t,
                "station": "s",
                "foEs_MHz": v,
                "confidence": conf,
                "source_file": "f",
                "source_line": i + 1,
            }
            for i, (t, v) in enumerate(zip(times, values, strict=True))
        ]
    )


def test_daily_mean_min_hours():
    day1 = [dt.datetime(2001, 1, 1, h) for h in range(12)]
    day2 = [dt.datetime(2001, 1, 2, h) for h in range(11)]
    t = _hourly(day1 + day2, [2.0] * 6 + [4.0] * 6 + [5.0] * 11)
    d = analysis.daily_mean(t, 12, start=dt.date(2001, 1, 1), end=dt.date(2001, 1, 3))
    assert d["foEs_daily_MHz"].iloc[0] == 3.0
    assert np.isnan(d["foEs_daily_MHz"].iloc[1]) and d["n_hours"].iloc[1] == 11
    assert d["n_hours"].iloc[2] == 0


def test_to_hourly_nearest_prefers_a_value_and_mean():
    base = dt.datetime(2001, 1, 1, 12)
    times = [
        base - dt.timedelta(minutes=10),
        base,
        base + dt.timedelta(minutes=20),
        base + dt.timedelta(minutes=40),
    ]
    t = _hourly(times, [3.0, np.nan, 5.0, 7.0])
    near = analysis.to_hourly(t, method="nearest", tolerance_min=30)
    assert near["foEs_MHz"].tolist() == [3.0, 7.0]  # 12:00 is letter-only, 11:50 is nearest
    mean = analysis.to_hourly(t, method="mean", tolerance_min=30)
    assert mean["foEs_MHz"].tolist() == [4.0, 7.0]
    tight = analysis.to_hourly(t, method="nearest", tolerance_min=5)
    assert len(tight) == 1 and np.isnan(tight["foEs_MHz"].iloc[0])


def test_filter_confidence():
    t = _hourly([dt.datetime(2001, 1, 1, h) for h in range(5)], [1.0] * 5)
    t["confidence"] = np.array([999, 100, 75, 25, -1], dtype="int16")
    assert analysis.filter_confidence(t, 70, keep_unknown=True)["confidence"].tolist() == [
        999,
        100,
        75,
        -1,
    ]
    assert analysis.filter_confidence(t, 90, keep_unknown=False)["confidence"].tolist() == [
        999,
        100,
    ]


def _seasonal(year_start, years, peak_for_year, hemisphere="N"):
    idx = pd.date_range(f"{year_start}-01-01", f"{year_start + years}-12-31", freq="D")
    vals = np.zeros(len(idx))
    for y in range(year_start, year_start + years + 1):
        centre = pd.Timestamp(f"{y}-01-01") + pd.Timedelta(days=peak_for_year(y) - 1)
        vals += 4 * np.exp(-0.5 * ((idx - centre).days.to_numpy() / 30.0) ** 2)
    return pd.Series(vals + 2, index=idx)


def test_summer_peaks_north_and_south():
    sm = _seasonal(2000, 2, lambda y: 170 + (y - 2000))
    p = analysis.summer_peaks(
        sm,
        [2000, 2001],
        hemisphere="N",
        window_doy=(91, 273),
        min_year_coverage=0.8,
        edge_peaks="drop",
    )
    assert p["peak_doy"].tolist() == [170, 171]
    assert p["peak_doy_local"].tolist() == [170, 171]
    assert p["valid"].all() and not p["at_window_edge"].any()
    # southern summer: the window is shifted by 182 days and crosses the new year
    first, last = analysis.summer_window(2001, "S", (91, 273))
    assert (first, last) == (pd.Timestamp("2001-09-30"), pd.Timestamp("2002-03-31"))
    sm_s = _seasonal(2000, 2, lambda y: 170 + 182 + 5)  # peak 5 days after the shifted DOY 170
    ps = analysis.summer_peaks(
        sm_s, [2000], hemisphere="S", window_doy=(91, 273), min_year_coverage=0.8, edge_peaks="drop"
    )
    assert ps["peak_doy_local"].iloc[0] == 175
    assert ps["peak_date"].iloc[0] == pd.Timestamp("2000-01-01") + pd.Timedelta(days=356)
    # a year with too little coverage is listed but not used
    gap = sm.copy()
    gap.loc["2001-04-01":"2001-07-01"] = np.nan
    p2 = analysis.summer_peaks(
        gap,
        [2000, 2001],
        hemisphere="N",
        window_doy=(91, 273),
        min_year_coverage=0.8,
        edge_peaks="drop",
    )
    assert p2["valid"].tolist() == [True, False]
    assert "coverage" in p2["drop_reason"].iloc[1]


def test_station_means_and_standard_error():
    peaks = pd.DataFrame(
        {
            "station": ["a"] * 4 + ["b"],
            "valid": [True, True, True, False, True],
            "peak_doy_local": [170.0, 174.0, 178.0, 300.0, 160.0],
        }
    )
    m = analysis.station_means(peaks).set_index("station")
    assert m.loc["a", "n_years"] == 3 and m.loc["a", "mean_peak_doy"] == 174.0
    assert m.loc["a", "se_peak_doy"] == pytest.approx(4.0 / math.sqrt(3))
    assert np.isnan(m.loc["b", "se_peak_doy"])


def _peaks_table(station_years: dict[str, tuple[float, list[float]]]) -> pd.DataFrame:
    """Valid station-year rows from {station: (lat, [peak DOY of each year])}."""
    rows = [
        {
            "station": code,
            "chain": "X",
            "lat_deg": lat,
            "year": 2000 + i,
            "peak_doy_local": d,
            "valid": True,
        }
        for code, (lat, doys) in station_years.items()
        for i, d in enumerate(doys)
    ]
    return pd.DataFrame(rows)


def _ci(peaks, method):
    row = analysis.regression_table(
        peaks, chains=[], **{**FIT, "bootstrap_method": method}, bootstrap_samples=500, seed=3
    ).iloc[0]
    assert row["bootstrap_method"] == method
    return (
        row["slope_ci_low_deg_per_day"],
        row["slope_ci_high_deg_per_day"],
        row["slope_deg_per_day"],
    )


def test_bootstrap_designs_resample_what_they_say():
    # no year-to-year scatter, station means off the line: only station draws move the slope
    fixed_years = _peaks_table(
        {
            "a": (10.0, [150.0] * 3),
            "b": (30.0, [175.0] * 3),
            "c": (40.0, [178.0] * 3),
            "d": (50.0, [196.0] * 3),
            "e": (20.0, [158.0] * 3),
        }
    )
    lo, hi, slope = _ci(fixed_years, "years")
    assert lo == pytest.approx(slope, abs=1e-12) and hi == pytest.approx(slope, abs=1e-12)
    for method in ("stations", "hierarchical"):
        lo, hi, _ = _ci(fixed_years, method)
        assert hi - lo > 0.1
    # station means exactly on a line, years scattered about them: every draw of whole
    # stations (with all their years) refits the same line
    on_line = _peaks_table(
        {
            code: (lat, [130.0 + lat - 4, 130.0 + lat, 130.0 + lat + 4])
            for code, lat in zip("abcde", (10.0, 20.0, 30.0, 40.0, 50.0), strict=True)
        }
    )
    lo, hi, slope = _ci(on_line, "stations")
    assert slope == pytest.approx(1.0) and hi - lo < 1e-9
    for method in ("years", "hierarchical"):
        lo, hi, _ = _ci(on_line, method)
        assert hi - lo > 0.05


@pytest.mark.parametrize("samples", [0, 100])
def test_unknown_bootstrap_method_is_an_error(samples):
    peaks = _peaks_table(
        {"a": (10.0, [150.0, 152.0]), "b": (30.0, [170.0, 171.0]), "c": (50.0, [190.0, 195.0])}
    )
    with pytest.raises(ValueError, match=r"'station'.*hierarchical, stations, years"):
        analysis.regression_table(
            peaks,
            chains=[],
            **{**FIT, "bootstrap_method": "station"},
            bootstrap_samples=samples,
            seed=1,
        )
    # the resampler itself refuses too (it used to resample nothing: a zero-width interval)
    groups = [np.array([150.0, 152.0]), np.array([170.0, 171.0]), np.array([190.0, 195.0])]
    with pytest.raises(ValueError, match="'bogus'"):
        regression._bootstrap_slopes(
            groups,
            np.array([10.0, 30.0, 50.0]),
            10,
            np.random.default_rng(0),
            "station_mean",
            "bogus",
        )


def test_summer_peaks_on_the_window_edge():
    # the bump peaks on DOY 300, after the window: the maximum is the window's last day
    late = _seasonal(2000, 0, lambda y: 300)
    drop = analysis.summer_peaks(
        late, [2000], hemisphere="N", window_doy=(91, 273), min_year_coverage=0.8, edge_peaks="drop"
    )
    assert drop["peak_doy"].iloc[0] == 273 and drop["at_window_edge"].iloc[0]
    assert not drop["valid"].iloc[0]
    assert "window edge" in drop["drop_reason"].iloc[0]
    keep = analysis.summer_peaks(
        late, [2000], hemisphere="N", window_doy=(91, 273), min_year_coverage=0.8, edge_peaks="keep"
    )
    assert keep["valid"].iloc[0] and keep["at_window_edge"].iloc[0]
    assert keep["drop_reason"].iloc[0] == "" and keep["peak_doy"].iloc[0] == 273
    # a peak before a leading gap: the maximum is the first window day with a value
    early = _seasonal(2000, 0, lambda y: 80)
    early.loc["2000-03-31":"2000-04-09"] = np.nan  # DOY 91-100
    p = analysis.summer_peaks(
        early,
        [2000],
        hemisphere="N",
        window_doy=(91, 273),
        min_year_coverage=0.8,
        edge_peaks="drop",
    )
    assert p["peak_doy"].iloc[0] == 101 and p["at_window_edge"].iloc[0]
    assert p["window_coverage"].iloc[0] > 0.8 and not p["valid"].iloc[0]
    # both reasons are given when both apply
    thin = late.copy()
    thin.loc["2000-04-01":"2000-07-01"] = np.nan
    p = analysis.summer_peaks(
        thin, [2000], hemisphere="N", window_doy=(91, 273), min_year_coverage=0.8, edge_peaks="drop"
    )
    assert "coverage" in p["drop_reason"].iloc[0] and "window edge" in p["drop_reason"].iloc[0]
    # an interior peak is not an edge peak under either rule
    mid = _seasonal(2000, 0, lambda y: 180)
    for rule in analysis.EDGE_PEAKS:
        p = analysis.summer_peaks(
            mid,
            [2000],
            hemisphere="N",
            window_doy=(91, 273),
            min_year_coverage=0.8,
            edge_peaks=rule,
        )
        assert (
            p["valid"].iloc[0] and not p["at_window_edge"].iloc[0] and p["peak_doy"].iloc[0] == 180
        )
    with pytest.raises(ValueError, match="'clip'"):
        analysis.summer_peaks(
            mid,
            [2000],
            hemisphere="N",
            window_doy=(91, 273),
            min_year_coverage=0.8,
            edge_peaks="clip",
        )


def test_fits_use_the_distance_from_the_equator():
    """A southern station enters the fits at |lat|: mirroring a station changes no fit."""
    north = _peaks_table(
        {"a": (10.0, [150.0, 152.0]), "b": (30.0, [171.0, 169.0]), "c": (50.0, [190.0, 193.0])}
    )
    south = north.assign(lat_deg=np.where(north["station"] == "b", -30.0, north["lat_deg"]))
    for points in ("station_mean", "station_year"):
        kw = {**FIT, "fit_points": points, "bootstrap_samples": 200, "seed": 5}
        pd.testing.assert_frame_equal(
            analysis.regression_table(north, chains=["X"], **kw),
            analysis.regression_table(south, chains=["X"], **kw),
        )
