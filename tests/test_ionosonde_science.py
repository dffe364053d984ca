"""Science: the planted summer-peak drift comes back out of the whole ionosonde pipeline.

The generator writes the ten stations of config/stations.tsv in their real
formats (IIWG for the Greenwich chain; SAO, SAO.XML and DIDBase for the
120 E chain) for the default synthetic years, with day-to-day variability,
gaps, letter-only entries and wrong low-confidence values. The real parsers
read the files, and the analysis - through run_analysis, the rule's entry,
with the schema's ``ionosonde.analysis`` section as the workflow passes it -
must return the planted slope.

Stated tolerances (from the scatter of the estimator over seeds 1-8, which
gave errors of -7 % to +6 % for the all-station fit):
* all-station slope within 10 % of the planted 1.0 deg/day, and the planted
  value inside its 95 % hierarchical bootstrap interval;
* each chain's slope within 20 % (five points per fit).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from estransport.config import load_schema
from estransport.ionosonde import analysis
from estransport.ionosonde.pipeline import build_hourly, run_analysis
from estransport.ionosonde.sources import raw_path
from estransport.ionosonde.stations import load_stations
from estransport.synthetic.ionosonde import PlantedTruth, generate_station_year

ALL_TOLERANCE = 0.10
CHAIN_TOLERANCE = 0.20


@pytest.fixture(scope="module")
def defaults(repo):
    """The ionosonde config defaults, straight from the schema."""
    schema = load_schema(repo / "workflow" / "schemas" / "ionosonde.schema.yaml")

    def fill(node):
        return {k: (fill(v) if v.get("type") == "object" and "properties" in v else v["default"])
                for k, v in node["properties"].items()}

    cfg = fill(schema)
    seed = load_schema(repo / "workflow" / "schemas" / "config.schema.yaml")["properties"][
        "seed"]["default"]
    return cfg, seed


@pytest.fixture(scope="module")
def pipeline(repo, defaults, tmp_path_factory):
    cfg, seed = defaults
    truth = PlantedTruth.from_config(cfg["synthetic"])
    stations = load_stations(repo / "config" / "stations.tsv")
    raw = tmp_path_factory.mktemp("raw")
    results = tmp_path_factory.mktemp("results")
    hourly, years, written, hourly_paths = {}, {}, {}, {}
    for st in stations:
        first, last = cfg["synthetic"]["years"][st.chain]
        years[st.code] = list(range(first, last + 1))
        paths = []
        for y in years[st.code]:
            p = raw_path(raw, st, y)
            written[(st.code, y)] = generate_station_year(st, y, p, seed=seed, truth=truth)
            paths.append(p)
        hourly[st.code] = build_hourly(
            paths, st, min_confidence=cfg["min_confidence"],
            keep_unknown_confidence=cfg["keep_unknown_confidence"], **cfg["hourly"],
        )
        hourly_paths[st.code] = results / f"{st.code}_hourly.parquet"
        hourly[st.code].to_parquet(hourly_paths[st.code])
    res = run_analysis(
        hourly_paths, repo / "config" / "stations.tsv", years,
        out_peaks=results / "peaks.csv", out_means=results / "station_means.csv",
        out_regression=results / "regression.csv", out_daily=results / "daily.parquet",
        analysis_params=cfg["analysis"], seed=seed,
    )
    return {"truth": truth, "stations": stations, "hourly": hourly, "written": written,
            "res": res, "cfg": cfg}


def test_formats_of_the_default(pipeline):
    formats = {st.format for st in pipeline["stations"]}
    assert formats == {"iiwg", "sao", "saoxml", "didbase"}


def test_all_station_fit_recovers_planted_speed(pipeline):
    truth = pipeline["truth"]
    reg = pipeline["res"]["regression"].set_index("fit")
    row = reg.loc["all"]
    assert row["n_points"] == 10
    assert (reg["bootstrap_method"] == pipeline["cfg"]["analysis"]["bootstrap_method"]).all()
    planted = truth.slope_deg_per_day
    assert abs(row["slope_deg_per_day"] / planted - 1) < ALL_TOLERANCE
    assert row["slope_ci_low_deg_per_day"] < planted < row["slope_ci_high_deg_per_day"]
    speed = analysis.speed_m_per_s(planted, 6371.0)
    assert row["speed_ci_low_m_per_s"] < speed < row["speed_ci_high_m_per_s"]
    assert row["r"] > 0.95 and row["p_value"] < 1e-5
    for chain in ("Greenwich", "120E"):
        assert abs(reg.loc[chain, "slope_deg_per_day"] / planted - 1) < CHAIN_TOLERANCE


def test_low_latitudes_peak_earlier(pipeline):
    means = pipeline["res"]["means"]
    assert (means["n_years"] == 3).all()
    assert not pipeline["res"]["peaks"]["at_window_edge"].any()  # planted peaks are interior
    rho = stats.spearmanr(means["lat_deg"], means["mean_peak_doy"]).statistic
    assert rho > 0.9
    m = means.set_index("station")["mean_peak_doy"]
    assert m["ouagadougou"] < m["lisbon"] < m["lerwick"]
    assert m["sanya"] < m["wuhan"] < m["mohe"]
    # each station mean is within a week of its planted peak day
    truth = pipeline["truth"]
    planted = np.array([truth.peak_doy(lat) for lat in means["lat_deg"]])
    assert np.max(np.abs(means["mean_peak_doy"] - planted)) < 7


def test_regression_equals_linregress_on_the_station_means(pipeline):
    means = pipeline["res"]["means"]
    ref = stats.linregress(means["mean_peak_doy"], means["lat_deg"])
    row = pipeline["res"]["regression"].set_index("fit").loc["all"]
    assert row["slope_deg_per_day"] == pytest.approx(ref.slope, rel=1e-12)
    assert row["slope_se_deg_per_day"] == pytest.approx(ref.stderr, rel=1e-12)
    assert row["r"] == pytest.approx(ref.rvalue, rel=1e-12)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)


def test_confidence_filter_removes_the_planted_wrong_values(pipeline):
    """Only low-confidence soundings carry wrong values; after the filter none is left."""
    for code in ("mohe", "wuhan"):  # SAO and DIDBase carry a confidence
        hourly = pipeline["hourly"][code]
        assert hourly["confidence"].min() >= pipeline["cfg"]["min_confidence"]
        written = pipeline["written"]
        truth_values = {}
        for (c, _y), df in written.items():
            if c == code:
                truth_values.update(zip(df["time_ut"], df["true_foEs_MHz"], strict=True))
        kept = hourly.dropna(subset=["foEs_MHz"])
        expected = np.array([truth_values[t] for t in kept["time_ut"]])
        np.testing.assert_allclose(kept["foEs_MHz"], expected, atol=1e-9)
        # ... while the raw files do hold them (the filter is doing work)
        raw = pipeline["written"][(code, 2009)]
        wrong = raw["foEs_MHz"].notna() & (raw["foEs_MHz"] != raw["true_foEs_MHz"])
        assert wrong.sum() > 100 and (raw.loc[wrong, "confidence"] < 70).all()
