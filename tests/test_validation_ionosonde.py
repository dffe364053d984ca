"""Validation of the ionosonde drift: the Monte Carlo shortcut, the estimators and their coverage.

* The in-memory shortcut gives the same daily means (to 1e-12) and the same summer peaks
  as the full path (generator -> file in the station's format -> parser -> analysis), for
  one seed and one station of each format, one of them in the southern hemisphere.
* The estimators: York's errors-in-variables line is ODRPACK's; with an exact latitude it is
  the weighted inverse fit; the paper's
  bootstrap draws are those of ``analysis.regression_table``; a pace interval containing 0
  gives an unbounded drift interval.
* The Monte Carlo machinery tells a biased estimator from an unbiased one.
* The configured default estimator (schema: ``inverse``, ``analytic``) has a mean bias
  within 2 % and a 95 % coverage within 92-98 % at 1 and 3 degrees/day over the seeds the
  validation target uses (1-200), recomputed here (analytic intervals only, so no
  bootstrap: ~20 s on 2 cores).
* The default run's planted slope lies inside the default estimator's interval.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from estransport.config import SCHEMA_PATH, load_schema
from estransport.ionosonde import analysis
from estransport.ionosonde import estimators as est
from estransport.ionosonde.hourly import build_hourly
from estransport.ionosonde.sources import raw_path
from estransport.ionosonde.stations import load_stations
from estransport.synthetic.ionosonde import PlantedTruth, generate_station_year
from estransport.validation import ionosonde_mc as mc
from estransport.validation import ionosonde_shortcut as sc
from estransport.validation.metrics import summarise


def _fill(node):
    return {
        k: (_fill(v) if v.get("type") == "object" and "properties" in v else v.get("default"))
        for k, v in node["properties"].items()
    }


@pytest.fixture(scope="module")
def defaults():
    """The schema's config defaults (ionosonde section, seed)."""
    schema = load_schema(SCHEMA_PATH)
    return _fill(schema["properties"]["ionosonde"]), schema["properties"]["seed"]["default"]


@pytest.fixture(scope="module")
def params(defaults):
    iono, _ = defaults
    a = iono["analysis"]
    return sc.ReductionParams(
        confidence_filter=iono["confidence_filter"],
        min_confidence=iono["min_confidence"],
        keep_unknown_confidence=iono["keep_unknown_confidence"],
        hourly_method=iono["hourly"]["method"],
        tolerance_min=iono["hourly"]["tolerance_min"],
        min_hours_per_day=a["min_hours_per_day"],
        window_days=a["window_days"],
        smoothing_min_coverage=a["smoothing_min_coverage"],
        summer_window_doy=tuple(a["summer_window_doy"]),
        min_year_coverage=a["min_year_coverage"],
        edge_peaks=a["edge_peaks"],
    )


@pytest.fixture(scope="module")
def truth(defaults):
    iono, _ = defaults
    names = {f.name for f in dataclasses.fields(PlantedTruth)}
    return PlantedTruth(**{k: v for k, v in iono["synthetic"].items() if k in names})


@pytest.fixture(scope="module")
def stations(repo):
    return load_stations(repo / "config" / "stations.tsv")


def test_shortcut_equals_full_path(stations, truth, params, defaults, tmp_path):
    """Same seed: the shortcut's daily means and peaks are the full path's."""
    _, seed = defaults
    by_format = {}
    for st in stations:
        by_format.setdefault(st.format, st)
    chosen = list(by_format.values())  # iiwg, sao, didbase, saoxml
    # a southern station (its summer crosses the new year) in a fifth, IIWG, file set
    south = dataclasses.replace(chosen[0], code="south", lat=-chosen[0].lat)
    years = [2008, 2009]
    for st in [*chosen, south]:
        paths = []
        for y in years:
            paths.append(raw_path(tmp_path, st, y))
            generate_station_year(st, y, paths[-1], seed=seed, truth=truth)
        hourly = build_hourly(
            paths,
            st,
            confidence_filter=params.confidence_filter,
            min_confidence=params.min_confidence,
            keep_unknown_confidence=params.keep_unknown_confidence,
            method=params.hourly_method,
            tolerance_min=params.tolerance_min,
        )
        daily, peaks = analysis.analyse_station(
            hourly,
            years,
            hemisphere=st.hemisphere,
            min_hours_per_day=params.min_hours_per_day,
            window_days=params.window_days,
            smoothing_min_coverage=params.smoothing_min_coverage,
            summer_window_doy=params.summer_window_doy,
            min_year_coverage=params.min_year_coverage,
            edge_peaks=params.edge_peaks,
        )
        quick = sc.station_daily(st, years, seed=seed, truth=truth, params=params)
        np.testing.assert_array_equal(daily.index, quick.index)
        np.testing.assert_allclose(
            quick.to_numpy(), daily["foEs_daily_MHz"].to_numpy(), rtol=1e-12, equal_nan=True
        )
        qp = sc.station_peaks(st, years, seed=seed, truth=truth, params=params)
        np.testing.assert_array_equal(
            qp["peak_doy_local"].to_numpy(), peaks["peak_doy_local"].to_numpy(float)
        )
        np.testing.assert_array_equal(qp["valid"].to_numpy(), peaks["valid"].to_numpy(bool))
        assert qp["valid"].sum() == (1 if st.hemisphere == "S" else 2)  # no data in 2010


def test_fast_peak_finder_equals_summer_peaks(params):
    """The array peak finder agrees with analysis.summer_peaks, edges and gaps included."""
    rng = np.random.default_rng(3)
    idx = pd.date_range("2008-01-01", "2010-12-31", freq="D")
    doy = np.arange(len(idx)) % 365
    base = np.exp(-0.5 * ((doy - 180) / 30) ** 2) + 0.05 * rng.normal(size=len(idx))
    base[400:470] = np.nan  # a gap in the second summer
    base[(doy > 260) & (idx.year == 2010)] += 3  # the third summer rises to the window edge
    for hemisphere in ("N", "S"):
        s = pd.Series(base, index=idx)
        lib = analysis.summer_peaks(
            s,
            [2008, 2009, 2010],
            hemisphere=hemisphere,
            window_doy=params.summer_window_doy,
            min_year_coverage=params.min_year_coverage,
            edge_peaks=params.edge_peaks,
        )
        doy_fast, valid = sc.summer_peak_days(
            s, [2008, 2009, 2010], hemisphere=hemisphere, params=params
        )
        np.testing.assert_array_equal(doy_fast, lib["peak_doy_local"].to_numpy(float))
        np.testing.assert_array_equal(valid, lib["valid"].to_numpy(bool))


def _line(slope_lat_per_day, n_years=3, seed=0, sd=2.0):
    rng = np.random.default_rng(seed)
    lat = np.array([12.4, 18.3, 27.1, 30.5, 38.7, 40.3, 46.6, 51.5, 52.0, 60.1])
    doy = 185 + (lat - 40) / slope_lat_per_day
    groups = [d + rng.normal(0, sd, n_years) for d in doy]
    return groups, lat


def test_eiv_with_exact_latitude_is_the_weighted_inverse_fit():
    groups, lat = _line(1.0, seed=4)
    mean, n, se = est.station_means(groups)
    e = est.estimate("eiv", groups, lat)
    w = 1 / se**2
    xm, ym = np.average(lat, weights=w), np.average(mean, weights=w)
    pace = np.sum(w * (lat - xm) * (mean - ym)) / np.sum(w * (lat - xm) ** 2)
    assert e.parameter == "pace"
    assert e.parameter_value == pytest.approx(pace, rel=1e-9)
    assert e.drift_deg_per_day == pytest.approx(
        float(est.reciprocal_drift(e.parameter_value, e.parameter_se)), rel=1e-12
    )


def test_york_fit_is_orthogonal_distance_regression():
    """York's line and its scaled slope error equal ODRPACK's (scipy.odr, while it exists)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # scipy.odr: deprecated in 1.17
        odr = pytest.importorskip("scipy.odr")
    rng = np.random.default_rng(2)
    x = np.linspace(0, 10, 12) + rng.normal(0, 0.3, 12)
    y = 2 + 0.7 * x + rng.normal(0, 0.5, 12)
    sx, sy = rng.uniform(0.1, 0.4, 12), rng.uniform(0.2, 0.8, 12)
    f = est.york_fit(x, y, sx, sy)
    ref = odr.ODR(odr.RealData(x, y, sx=sx, sy=sy), odr.unilinear, beta0=[0.5, 1.0]).run()
    assert f["slope"] == pytest.approx(ref.beta[0], rel=1e-6)
    assert f["intercept"] == pytest.approx(ref.beta[1], rel=1e-6)
    assert f["se"] == pytest.approx(ref.sd_beta[0], rel=1e-3)


def test_paper_bootstrap_draws_are_those_of_regression_table():
    groups, lat = _line(1.0, seed=5)
    peaks = pd.DataFrame(
        {
            "station": np.repeat([f"s{i}" for i in range(len(groups))], 3),
            "chain": "c",
            "lat_deg": np.repeat(lat, 3),
            "peak_doy_local": np.concatenate(groups),
            "valid": True,
        }
    )
    row = analysis.regression_table(
        peaks,
        chains=[],
        earth_radius_km=6371.0,
        fit_points="station_mean",
        bootstrap_samples=500,
        ci_level=0.95,
        seed=7,
        bootstrap_method="hierarchical",
    ).iloc[0]
    lo, hi, dlo, dhi = est.bootstrap_interval(
        "paper",
        groups,
        lat,
        samples=500,
        level=0.95,
        rng=np.random.default_rng([7, 0]),
        method="hierarchical",
    )
    assert (lo, hi) == pytest.approx(
        (row["slope_ci_low_deg_per_day"], row["slope_ci_high_deg_per_day"]), rel=1e-9
    )
    assert (dlo, dhi) == (lo, hi)


def test_pace_interval_inverted_into_drift():
    assert est.drift_interval("pace", 0.5, 2.0) == (0.5, 2.0)
    lo, hi = est.drift_interval("pace", -0.1, 0.2)  # cannot exclude an infinite drift
    assert lo == pytest.approx(5.0) and hi == np.inf
    assert est.drift_interval("slope", 0.8, 1.2) == (0.8, 1.2)
    # second-order bias of 1/c removed: E[c/(c^2+se^2)] is closer to 1/c than E[1/c]
    rng = np.random.default_rng(0)
    c = 1 / 3 + 0.04 * rng.normal(size=200_000)
    assert abs(np.mean(est.reciprocal_drift(c, 0.04)) / 3 - 1) < 0.25 * abs(np.mean(1 / c) / 3 - 1)


def test_metrics_tell_a_biased_estimator_from_an_unbiased_one():
    """Known answer: normal estimates, unbiased vs 10 % low, with their own 95 % intervals."""
    rng = np.random.default_rng(1)
    truth, sd, n = 2.0, 0.1, 400
    good = truth + sd * rng.normal(size=n)
    bad = 0.9 * truth + sd * rng.normal(size=n)
    for est_, expect_bias in ((good, 0.0), (bad, -0.1)):
        s = summarise(est_, truth, est_ - 1.96 * sd, est_ + 1.96 * sd)
        assert abs(s["relative_bias"] - expect_bias) < 4 * s["relative_bias_mcse"]
        assert s["rmse"] == pytest.approx(np.sqrt(np.mean((est_ - truth) ** 2)))
    assert summarise(good, truth, good - 1.96 * sd, good + 1.96 * sd)["coverage"] > 0.92
    assert summarise(bad, truth, bad - 1.96 * sd, bad + 1.96 * sd)["coverage"] < 0.5
    inf = summarise(good, truth, good - 1, np.full(n, np.inf))
    assert inf["fraction_unbounded"] == 1 and inf["mean_width"] == np.inf


def _configuration(stations, truth, params, slope, estimators, bootstrap=0):
    return mc.make_configuration(
        variant="default",
        slope_deg_per_day=slope,
        stations=stations,
        years_per_chain={"Greenwich": (1995, 1997), "120E": (2008, 2010)},
        n_years=None,
        truth=truth,
        truth_overrides=None,
        params=params,
        estimators=estimators,
        bootstrap_samples=bootstrap,
        bootstrap_method="hierarchical",
        ci_level=0.95,
    )


def test_monte_carlo_sees_the_paper_fit_attenuate_at_fast_drifts(stations, truth, params):
    """At 8 deg/day the paper's fit is far low; the inverse fit is not (24 seeds)."""
    cfg = _configuration(stations, truth, params, 8.0, ("paper", "inverse"), bootstrap=50)
    table = mc.run_configuration(cfg, range(1, 25), workers=2)
    again = mc.run_configuration(cfg, range(1, 25), workers=1)
    pd.testing.assert_frame_equal(table, again)  # deterministic per seed, whatever the pool
    s = mc.summarise_per_seed(table).set_index(["estimator", "interval"])
    paper, inverse = s.loc[("paper", "analytic")], s.loc[("inverse", "analytic")]
    assert paper["relative_bias"] < -0.2
    assert paper["relative_bias"] + 4 * paper["relative_bias_mcse"] < 0
    assert abs(inverse["relative_bias"]) < 3 * inverse["relative_bias_mcse"]
    assert inverse["coverage"] > paper["coverage"] + 0.2


@pytest.mark.parametrize("slope", [1.0, 3.0])
def test_default_estimator_is_unbiased_and_covers(stations, truth, params, defaults, slope):
    """The schema's default estimator and interval over the validation target's seeds."""
    iono, _ = defaults
    name, interval = iono["analysis"]["estimator"], iono["analysis"]["interval"]
    assert interval == "analytic"  # the bootstrap is not run here
    cfg = _configuration(stations, truth, params, slope, (name,))
    table = mc.run_configuration(cfg, range(1, 201), workers=2)
    s = mc.summarise_per_seed(table).set_index(["estimator", "interval"]).loc[(name, interval)]
    assert s["n_finite"] == 200
    assert abs(s["relative_bias"]) < 0.02
    assert 0.92 <= s["coverage"] <= 0.98


def test_default_run_slope_within_its_interval(stations, truth, params, defaults):
    """The default run (default seed and years) brackets the planted slope."""
    iono, seed = defaults
    years = {
        st.code: list(
            range(
                iono["synthetic"]["years"][st.chain][0], iono["synthetic"]["years"][st.chain][1] + 1
            )
        )
        for st in stations
    }
    peaks = sc.seed_peaks(stations, years, seed=seed, truth=truth, params=params)
    groups, lat = mc.station_groups(peaks)
    e = est.estimate(iono["analysis"]["estimator"], groups, lat)
    _, _, lo, hi = est.analytic_interval(e, iono["analysis"]["ci_level"])
    assert lo < truth.slope_deg_per_day < hi


def test_configuration_years_and_names(stations, truth, params):
    cfg = mc.make_configuration(
        variant="one_year",
        slope_deg_per_day=0.5,
        stations=stations[:2],
        years_per_chain={"Greenwich": (1995, 1997)},
        n_years=1,
        truth=truth,
        truth_overrides={"day_sd_MHz": 0.6},
        params=params,
        estimators=("inverse",),
        bootstrap_samples=0,
        bootstrap_method="hierarchical",
        ci_level=0.95,
    )
    assert cfg.name == "one_year_s0.5"
    assert dict(cfg.years) == {stations[0].code: (1995,), stations[1].code: (1995,)}
    assert cfg.truth.day_sd_MHz == 0.6 and cfg.truth.slope_deg_per_day == 0.5
    assert dt.date(1995, 1, 1)  # the years are calendar years of the generator
