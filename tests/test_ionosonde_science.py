"""Science: the planted summer-peak drift comes back out of the whole ionosonde pipeline.

The synthetic step writes the ten stations of config/stations.tsv in their real
formats (IIWG for the Greenwich chain; SAO, SAO.XML and DIDBase for the 120 E
chain) for the schema's synthetic years, with day-to-day variability, gaps,
letter-only entries and low-confidence soundings; the hourly step parses
them and the analysis step fits them - each step called as its rule calls it,
with the schema's configuration. The analysis must return the planted slope.

Tolerances: 4 standard deviations of the estimator over seeds, measured on
this configuration with ``tools/ionosonde_seed_spread.py --seeds 50`` (seeds
1-50): SD of the slope 0.037 deg/day for the all-station fit, 0.045 for the
Greenwich chain and 0.058 for the 120E chain (planted 1.0; means 0.998, 1.001,
0.995); SD of a station's 3-year mean peak DOY about the planted one at most
1.78 days (means within 0.41 day of zero).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from estransport.ionosonde import analysis
from estransport.ionosonde.sources import raw_path
from estransport.ionosonde.stations import load_stations
from estransport.steps import RuleJob
from estransport.steps.ionosonde import (
    ionosonde_analysis,
    ionosonde_hourly,
    ionosonde_synthetic,
    planted_truth,
)
from estransport.synthetic.ionosonde import simulate_station_year

from .ionosonde_helpers import analyse_without_files, default_config, hourly_without_files

#: 4 x the measured seed-to-seed SD of the slope (deg/day; see the module docstring).
SLOPE_TOLERANCE = {"all": 4 * 0.037, "Greenwich": 4 * 0.045, "120E": 4 * 0.058}
#: 4 x the largest measured SD of a station's mean peak DOY about the planted one, days.
PEAK_DOY_TOLERANCE = 4 * 1.78


@pytest.fixture(scope="module")
def pipeline(repo, tmp_path_factory):
    """The three steps over the default configuration, as the rules run them."""
    cfg = default_config()
    iono, seed = cfg["ionosonde"], cfg["seed"]
    truth = planted_truth(iono["synthetic"])
    registry = repo / "config" / "stations.tsv"
    stations = load_stations(registry)
    raw = tmp_path_factory.mktemp("raw")
    results = tmp_path_factory.mktemp("results")
    years, hourly_paths = {}, {}
    for st in stations:
        first, last = iono["synthetic"]["years"][st.chain]
        years[st.code] = list(range(first, last + 1))
        paths = [raw_path(raw, st, y) for y in years[st.code]]
        for y, p in zip(years[st.code], paths, strict=True):
            ionosonde_synthetic(
                RuleJob(
                    output={"raw": p},
                    wildcards={"station": st.code, "year": str(y)},
                    params={
                        "station": dataclasses.asdict(st),
                        "seed": seed,
                        "synthetic": iono["synthetic"],
                    },
                )
            )
        hourly_paths[st.code] = results / st.code / "hourly.parquet"
        ionosonde_hourly(
            RuleJob(
                input={"raw": paths},
                output={"hourly": hourly_paths[st.code], "qc": results / st.code / "qc.csv"},
                params={
                    "station": dataclasses.asdict(st),
                    "confidence_filter": iono["confidence_filter"],
                    "min_confidence": iono["min_confidence"],
                    "keep_unknown_confidence": iono["keep_unknown_confidence"],
                    "hourly": iono["hourly"],
                },
            )
        )
    codes = [st.code for st in stations]
    res = ionosonde_analysis(
        RuleJob(
            input={"hourly": [hourly_paths[c] for c in codes], "stations": registry},
            output={k: results / f"{k}.csv" for k in ("peaks", "means", "regression")}
            | {"daily": results / "daily.parquet"},
            params={
                "codes": codes,
                "station_years": years,
                "analysis": iono["analysis"],
                "seed": seed,
            },
        )
    )
    hourly = {c: pd.read_parquet(p) for c, p in hourly_paths.items()}
    return {
        "truth": truth,
        "stations": stations,
        "years": years,
        "hourly": hourly,
        "res": res,
        "iono": iono,
        "seed": seed,
        "results": results,
    }


def test_formats_of_the_default(pipeline):
    formats = {st.format for st in pipeline["stations"]}
    assert formats == {"iiwg", "sao", "saoxml", "didbase"}


def test_files_hold_what_the_generator_drew(pipeline):
    """Writing and parsing the files changes nothing the analysis uses: the file-less route
    (tools/ionosonde_seed_spread.py, the SH test below) gives the same hourly tables."""
    cols = ["time_ut", "station", "foEs_MHz", "qualifier", "descriptor", "confidence"]
    for st in pipeline["stations"]:
        direct = hourly_without_files(
            st,
            pipeline["years"][st.code],
            seed=pipeline["seed"],
            truth=pipeline["truth"],
            iono=pipeline["iono"],
        )
        pd.testing.assert_frame_equal(pipeline["hourly"][st.code][cols], direct[cols])


def test_all_station_fit_recovers_planted_speed(pipeline):
    truth = pipeline["truth"]
    reg = pipeline["res"]["regression"]
    reg = reg.loc[reg["default"]].set_index("fit")  # the configured estimator
    row = reg.loc["all"]
    assert row["n_points"] == 10
    assert (reg["bootstrap_method"] == pipeline["iono"]["analysis"]["bootstrap_method"]).all()
    planted = truth.slope_deg_per_day
    for fit, tol in SLOPE_TOLERANCE.items():
        assert abs(reg.loc[fit, "slope_deg_per_day"] - planted) < tol, fit
    assert row["slope_ci_low_deg_per_day"] < planted < row["slope_ci_high_deg_per_day"]
    radius = pipeline["iono"]["analysis"]["earth_radius_km"]
    speed = analysis.speed_m_per_s(planted, radius)
    assert row["speed_ci_low_m_per_s"] < speed < row["speed_ci_high_m_per_s"]
    assert row["r"] > 0.95 and row["p_value"] < 1e-5


def test_low_latitudes_peak_earlier(pipeline):
    means = pipeline["res"]["means"]
    assert (means["n_years"] == 3).all()
    assert not pipeline["res"]["peaks"]["at_window_edge"].any()  # planted peaks are interior
    rho = stats.spearmanr(means["lat_deg"], means["mean_peak_doy"]).statistic
    assert rho > 0.9
    m = means.set_index("station")["mean_peak_doy"]
    assert m["ouagadougou"] < m["lisbon"] < m["lerwick"]
    assert m["sanya"] < m["wuhan"] < m["mohe"]
    truth = pipeline["truth"]
    planted = np.array([truth.peak_doy(lat) for lat in means["lat_deg"]])
    assert np.max(np.abs(means["mean_peak_doy"] - planted)) < PEAK_DOY_TOLERANCE


def test_regression_equals_linregress_on_the_station_means(pipeline):
    means = pipeline["res"]["means"]
    ref = stats.linregress(means["mean_peak_doy"], means["lat_deg"])
    reg = pipeline["res"]["regression"]
    row = reg.loc[reg["estimator"] == "paper"].set_index("fit").loc["all"]  # the paper's rows
    assert row["slope_deg_per_day"] == pytest.approx(ref.slope, rel=1e-12)
    assert row["slope_se_deg_per_day"] == pytest.approx(ref.stderr, rel=1e-12)
    assert row["r"] == pytest.approx(ref.rvalue, rel=1e-12)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)


def test_low_confidence_values_are_kept_and_counted(pipeline):
    """Default (confidence_filter none): low whole-ionogram confidence does not drop an Es
    value; the hourly values are the drawn ones and the QC table counts the low ones kept."""
    by_code = {st.code: st for st in pipeline["stations"]}
    iono = pipeline["iono"]
    assert iono["confidence_filter"] == "none" and iono["synthetic"]["low_confidence_bias_MHz"] == 0
    for code in ("mohe", "wuhan"):  # SAO and DIDBase carry a confidence
        hourly = pipeline["hourly"][code]
        assert (hourly["confidence"] < iono["min_confidence"]).sum() > 100
        drawn = [
            simulate_station_year(by_code[code], y, seed=pipeline["seed"], truth=pipeline["truth"])
            for y in pipeline["years"][code]
        ]
        truth_values = {}
        for df in drawn:
            truth_values.update(zip(df["time_ut"], df["true_foEs_MHz"], strict=True))
        kept = hourly.dropna(subset=["foEs_MHz"])
        expected = np.array([truth_values[t] for t in kept["time_ut"]])
        np.testing.assert_allclose(kept["foEs_MHz"], expected, atol=1e-9)
        qc = pd.read_csv(pipeline["results"] / code / "qc.csv")
        assert (qc["dropped_low_confidence"] == 0).all()
        assert (qc["low_confidence_values"] > 100).all()
        assert (
            qc["hourly_values"]
            == kept.groupby(kept["time_ut"].dt.year).size().reindex(qc["year"]).to_numpy()
        ).all()


def test_ionogram_filter_removes_planted_wrong_values(pipeline):
    """confidence_filter ionogram with wrong low-confidence values planted (bias 3 MHz):
    the filter drops exactly the low-confidence soundings, so none of the wrong values is
    left, and the QC counts say how many went."""
    by_code = {st.code: st for st in pipeline["stations"]}
    iono = {**pipeline["iono"], "confidence_filter": "ionogram"}
    truth = dataclasses.replace(pipeline["truth"], low_confidence_bias_MHz=3.0)
    for code in ("mohe", "wuhan"):
        st, years = by_code[code], pipeline["years"][code]
        hourly = hourly_without_files(st, years, seed=pipeline["seed"], truth=truth, iono=iono)
        assert hourly["confidence"].min() >= iono["min_confidence"]
        drawn = [simulate_station_year(st, y, seed=pipeline["seed"], truth=truth) for y in years]
        truth_values = {}
        for df in drawn:
            truth_values.update(zip(df["time_ut"], df["true_foEs_MHz"], strict=True))
        kept = hourly.dropna(subset=["foEs_MHz"])
        np.testing.assert_allclose(
            kept["foEs_MHz"], [truth_values[t] for t in kept["time_ut"]], atol=1e-9
        )
        # ... while the raw soundings do hold them (the filter is doing work)
        wrong = drawn[1]["foEs_MHz"].notna() & (drawn[1]["foEs_MHz"] != drawn[1]["true_foEs_MHz"])
        assert wrong.sum() > 100
        assert (drawn[1].loc[wrong, "confidence"] < iono["min_confidence"]).all()


def test_southern_summer_peak_is_found_half_a_year_later(repo):
    """A southern station and its northern twin (same |lat|, no noise): the analysis finds the
    southern peak on the planted calendar day and reports it at the twin's local DOY.

    The generator plants the southern peak half a tropical year after the northern one
    (its own SH_SEASON_SHIFT_DAYS, 182.62 days); the analysis searches 30 Sep - 31 Mar and
    takes 182 days off. With the noise switched off both peaks are found to the day: an
    analysis shift of 182 or 183 days passes, 181 or 184 (or none) fails.
    """
    cfg = default_config()
    iono = cfg["ionosonde"]
    iono["analysis"]["bootstrap_samples"] = 0
    quiet = planted_truth(
        {
            **iono["synthetic"],
            "day_sd_MHz": 0.0,
            "hour_sd_MHz": 0.0,
            "gap_day_fraction": 0.0,
            "outage_days": 0,
            "letter_only_fraction": 0.0,
            "low_confidence_fraction": 0.0,
        }
    )
    south = next(
        s for s in load_stations(repo / "config" / "test" / "stations_ionosonde.tsv") if s.lat < 0
    )
    twin = dataclasses.replace(south, code="twin", name="Twin", lat=-south.lat)
    years = {south.code: [2009, 2010], "twin": [2009, 2010]}
    res = analyse_without_files([south, twin], years, seed=cfg["seed"], truth=quiet, iono=iono)
    peaks = res["peaks"].set_index(["station", "year"])
    s09 = peaks.loc[(south.code, 2009)]
    assert bool(s09["valid"]) and not bool(s09["at_window_edge"])
    planted_day = pd.Timestamp("2009-01-01") + pd.Timedelta(
        days=round(quiet.peak_calendar_doy(south.lat)) - 1
    )
    assert planted_day.month == 12  # the southern summer, half a year after the northern
    assert abs((pd.Timestamp(s09["peak_date"]) - planted_day).days) <= 1
    for year in (2009, 2010):
        assert peaks.loc[("twin", year), "peak_doy_local"] == pytest.approx(
            quiet.peak_doy(twin.lat), abs=1
        )
    assert abs(s09["peak_doy_local"] - peaks.loc[("twin", 2009), "peak_doy_local"]) <= 1
    assert abs(s09["peak_doy_local"] - quiet.peak_doy(south.lat)) <= 1
    # the last southern summer runs into a year without data: listed, not used
    s10 = peaks.loc[(south.code, 2010)]
    assert not bool(s10["valid"]) and "coverage" in s10["drop_reason"]
