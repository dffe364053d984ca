"""The ionosonde slice end to end through Snakemake, on config/test/ionosonde.yaml.

Six stations (config/test/stations_ionosonde.tsv): three per chain, every raw
format (IIWG, UKSSDC Data File, SAO, SAO.XML, DIDBase) and one southern
station, Learmonth; two years per chain. Synthetic raw files -> hourly tables
-> analysis -> regression table, Figs. 5 and 6. Only the ionosonde targets are
requested, so the COSMIC part of the workflow does not run.

Tolerances are 4 standard deviations over seeds, measured on this
configuration with ``tools/ionosonde_seed_spread.py config/test/ionosonde.yaml
--seeds 50`` (seeds 1-50): SD of the slope 0.066 (Greenwich), 0.094 (120E) and
0.055 (all stations) deg/day about means of 1.007, 1.031 and 1.007 (planted
1.0); SD of a station's mean peak DOY about the planted one at most 3.09 days
(Learmonth, one complete summer; the others at most 2.16), means within 0.70
day of zero. The share of hours with a value per station-year, over the same
seeds: 0.817 (SD at most 0.0095) in the formats without a confidence, and in SAO and
DIDBase too now that low-confidence soundings are kept (confidence_filter none; with
ionogram it is that times one minus the planted low-confidence fraction)."""

from __future__ import annotations

import calendar
import re
import shutil

import pandas as pd
import pytest

from estransport.config import load_config
from estransport.ionosonde.regression import speed_m_per_s
from estransport.ionosonde.stations import load_stations
from estransport.steps.ionosonde import planted_truth

from .workflow_helpers import REPO, make_workdir, snakemake
from .workflow_helpers import test_config as overlay  # not a test

pytestmark = pytest.mark.workflow

TARGETS = [
    "results/ionosonde/regression.csv",
    "results/figures/fig6_peak_doy_latitude.png",
    "results/figures/fig5_ionosondes.png",
]
#: 4 x the measured seed-to-seed SD of the slope, deg/day (module docstring).
SLOPE_TOLERANCE = {"Greenwich": 4 * 0.066, "120E": 4 * 0.094, "all": 4 * 0.055}
#: 4 x the largest measured SD of a station's mean peak DOY about the planted one, days.
PEAK_DOY_TOLERANCE = 4 * 3.09
#: Measured share of the hours of a station-year with a value (no confidence filter).
VALUE_FRACTION, VALUE_FRACTION_SD = 0.817, 0.0095


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The test configuration run once; the registry is a copy in the working directory
    (so that a test can touch it), everything else is config/test/ionosonde.yaml."""
    wd = tmp_path_factory.mktemp("ionosonde_wf")
    registry = wd / "stations.tsv"
    shutil.copyfile(REPO / overlay("ionosonde")["ionosonde"]["stations"], registry)
    make_workdir(wd, "ionosonde", overrides={"ionosonde": {"stations": str(registry)}})
    snakemake(wd, "--cores", "2", *TARGETS)
    config = load_config(wd / "config" / "config.yaml")
    return {
        "wd": wd,
        "registry": registry,
        "config": config,
        "stations": {s.code: s for s in load_stations(registry)},
        "truth": planted_truth(config["ionosonde"]["synthetic"]),
    }


def test_hourly_tables_hold_the_planted_share_of_values(run):
    iono = run["config"]["ionosonde"]
    years = iono["synthetic"]["years"]
    low = iono["synthetic"]["low_confidence_fraction"]
    for code, st in run["stations"].items():
        hourly = pd.read_parquet(run["wd"] / "results" / "ionosonde" / code / "hourly.parquet")
        first, last = years[st.chain]
        assert set(hourly["time_ut"].dt.year) <= {first - 1, *range(first, last + 2)}, code
        n = hourly["foEs_MHz"].notna().groupby(hourly["time_ut"].dt.year).sum()
        # low-confidence soundings are kept (confidence_filter none), so every format alike
        dropped = low if iono["confidence_filter"] == "ionogram" else 0.0
        expected = VALUE_FRACTION * ((1 - dropped) if st.format in ("sao", "didbase") else 1)
        for year in range(first, last + 1):
            share = n[year] / (24 * (366 if calendar.isleap(year) else 365))
            assert abs(share - expected) < 4 * VALUE_FRACTION_SD, (code, year, share)


def test_peaks_of_every_station_year(run):
    peaks = pd.read_csv(run["wd"] / "results" / "ionosonde" / "peaks.csv")
    assert sorted(peaks["station"]) == sorted(list(run["stations"]) * 2)
    assert not peaks.loc[peaks["valid"], "at_window_edge"].any()  # planted peaks are interior
    south = [c for c, s in run["stations"].items() if s.lat < 0]
    assert south == ["learmonth"]
    last = peaks["year"] == peaks.groupby("station")["year"].transform("max")
    # a southern station's last summer runs into a January-March that was not generated (its
    # maximum may then sit on the last day with data, the window's edge as the data go)
    dropped = peaks.loc[~peaks["valid"]]
    assert list(dropped["station"]) == south and last[dropped.index].all()
    assert dropped["drop_reason"].str.contains("window coverage").all()


def test_fits_recover_the_planted_slope(run):
    reg = pd.read_csv(run["wd"] / "results" / "ionosonde" / "regression.csv")
    assert set(reg["estimator"]) == {run["config"]["ionosonde"]["analysis"]["estimator"], "paper"}
    reg = reg.loc[reg["default"]].set_index("fit")  # the configured estimator's fits
    analysis = run["config"]["ionosonde"]["analysis"]
    assert list(reg.index) == ["Greenwich", "120E", "all"]
    assert reg.loc["all", "n_points"] == 6 and (reg["n_points"].iloc[:2] == 3).all()
    assert (reg["bootstrap_method"] == analysis["bootstrap_method"]).all()
    assert (reg["bootstrap_samples"] == analysis["bootstrap_samples"]).all()
    planted = run["truth"].slope_deg_per_day
    for fit, tol in SLOPE_TOLERANCE.items():
        assert abs(reg.loc[fit, "slope_deg_per_day"] - planted) < tol, fit
    per_deg = float(speed_m_per_s(1.0, analysis["earth_radius_km"]))
    assert reg.loc["all", "speed_m_per_s"] == pytest.approx(
        reg.loc["all", "slope_deg_per_day"] * per_deg, rel=1e-5
    )  # CSV: 6 significant digits


def test_station_mean_peaks_are_the_planted_ones(run):
    """Including the southern station: its peak is found in the southern summer and
    reported at the local DOY of a northern station at the same |latitude|."""
    means = pd.read_csv(run["wd"] / "results" / "ionosonde" / "station_means.csv")
    truth = run["truth"]
    for row in means.itertuples():
        assert abs(row.mean_peak_doy - truth.peak_doy(row.lat_deg)) < PEAK_DOY_TOLERANCE, row
    peaks = pd.read_csv(
        run["wd"] / "results" / "ionosonde" / "peaks.csv", parse_dates=["peak_date"]
    )
    south = peaks.loc[(peaks["station"] == "learmonth") & peaks["valid"]].iloc[0]
    planted = pd.Timestamp(year=int(south["year"]), month=1, day=1) + pd.Timedelta(
        days=truth.peak_calendar_doy(run["stations"]["learmonth"].lat) - 1
    )
    assert abs((south["peak_date"] - planted) / pd.Timedelta(days=1)) < PEAK_DOY_TOLERANCE


def test_figures_are_drawn(run):
    for name in ("fig6_peak_doy_latitude.png", "fig5_ionosondes.png"):
        png = run["wd"] / "results" / "figures" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert not (run["wd"] / "results" / "occultation").exists()  # COSMIC untouched
    for rule in ("ionosonde_analysis", "fig5_ionosondes", "fig6_peak_doy_latitude"):
        assert (run["wd"] / "benchmarks" / "ionosonde" / f"{rule}.tsv").is_file(), rule


def test_a_changed_registry_reruns_what_reads_it(run):
    """The registry is an input of the analysis and of Fig. 5 (Fig. 6 follows the analysis);
    the raw files and hourly tables depend only on its rows, passed as params. (Snakemake
    compares checksums: the file's content has to change, a newer mtime alone is not enough.)"""
    with open(run["registry"], "a") as fh:
        fh.write("# a comment changes the file, not the stations\n")
    proc = snakemake(run["wd"], "--dry-run", "--cores", "1", *TARGETS)
    rules = set(re.findall(r"^\s*rule (\w+):", proc.stdout + proc.stderr, flags=re.M))
    assert rules == {"ionosonde_analysis", "fig5_ionosondes", "fig6_peak_doy_latitude"}, rules
