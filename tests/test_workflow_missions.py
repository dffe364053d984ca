"""End to end: synthetic COSMIC-2 at the real volume, alone and combined with COSMIC-1.

The run (test configuration ``config/test/cosmic2.yaml``: COSMIC-1 2008 every 24th
day, COSMIC-2 2022 every 30th day at 9,000 arcs a day, 10-degree cells) must

* recover the planted Es climatology inside COSMIC-2's +-45 degrees, from the
  COSMIC-2 maps and from the combined COSMIC-1 + COSMIC-2 maps;
* draw nothing outside the coverage (blank means, ``covered`` 0, hatched);
* count QC per mission and day exactly as the generator planted;
* say which missions fed each product and figure.

Bounds: measured on this configuration (figures in the comments), each a few
times the seed-to-seed spread beyond the measured value and well inside what a
broken step gives (a mis-picked sample, e.g. the arc's F-region maximum, gives
a median ratio near 2; a wrong mission pooling, counts off by whole days).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from estransport.config import validate_config
from estransport.synthetic.cosmic import PlantedEsClimatology, planted_mean_s4max
from estransport.synthetic.cosmic2 import KINDS, SyntheticStream, generate_day

from .workflow_helpers import deep_update, default_config, make_workdir, snakemake
from .workflow_helpers import test_config as overlay

pytestmark = pytest.mark.workflow

CFG = validate_config(deep_update(default_config(), overlay("cosmic2")))
COSMIC = CFG["cosmic"]
C2 = COSMIC["missions"]["cosmic2"]
RES = COSMIC["maps"]["resolution_deg"]
SEASON_DOYS = {"DJF": lambda d: d <= 59 or d >= 335, "JJA": lambda d: 152 <= d <= 243}
MIN_COUNT = 10
#: Correlation of recovered and planted cell means inside +-45 degrees (cells >= 10 events).
#: Measured: COSMIC-2 0.9955 (DJF, JJA); combined 0.9968 (DJF), 0.9965 (JJA).
MIN_CORRELATION = 0.98
#: |median(recovered / planted) - 1| of those cells. Measured: COSMIC-2 +0.0028 (DJF),
#: -0.0040 (JJA); combined +0.0054, -0.0035. Taking the arc's F-region maximum instead of
#: the Es-height one would give ratios of 2 and more.
MAX_MEDIAN_BIAS = 0.02

TARGETS = [
    "results/occultation/cosmic2/qc_summary.csv",
    "results/occultation/cosmic2/monthly_lat_alt.nc",
    "results/occultation/combined/monthly_lat_alt.nc",
    "results/occultation/maps_DJF.nc",  # COSMIC-1's own, for the combined expectation
    "results/figures/cosmic2/fig2a_s4max_djf.png",
    "results/figures/cosmic2/fig2b_s4max_jja.png",
    "results/figures/combined/fig2a_s4max_djf.png",
    "results/figures/combined/fig2b_s4max_jja.png",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    wd = make_workdir(tmp_path_factory.mktemp("missions_wf"), "cosmic2")
    snakemake(wd, "--cores", "2", *TARGETS, timeout=2400)
    snakemake(wd, "--cores", "1", "--report", str(wd / "results" / "report.html"), *TARGETS)
    return wd


def _maps(run, who, season):
    sub = "" if who == "cosmic1" else f"{who}/"
    with xr.open_dataset(run / "results" / "occultation" / f"{sub}maps_{season}.nc") as ds:
        return ds.load()


def _planted(ds, doys, year):
    """Planted mean S4max of each cell (averaged over the cell at 1-degree steps)."""
    lat2, lon2 = np.meshgrid(ds.lat.values, ds.lon.values, indexing="ij")
    sub = np.arange(-(RES - 1) / 2, (RES - 1) / 2 + 0.01, 1.0)
    acc = np.zeros(lat2.shape)
    for dy in sub:
        for dx in sub:
            acc += planted_mean_s4max(
                lat2 + dy, lon2 + dx, doys, PlantedEsClimatology(), epoch=dt.date(year, 7, 1)
            )
    return acc / sub.size**2


def _doys(step, season):
    return [d for d in range(1, 366, step) if SEASON_DOYS[season](d)]


def _compare(mean, count, planted, inside):
    ok = (count >= MIN_COUNT) & inside
    r = np.corrcoef(mean[ok], planted[ok])[0, 1]
    return int(ok.sum()), float(r), float(np.median(mean[ok] / planted[ok]))


@pytest.mark.parametrize("season", ["DJF", "JJA"])
def test_cosmic2_recovers_the_planted_climatology_inside_its_coverage(run, season):
    ds = _maps(run, "cosmic2", season)
    mean = ds["s4max_mean"].isel(season=0).values
    count = ds["count"].isel(season=0).values
    inside = (ds["covered"].values == 1)[:, None] & np.ones_like(count, bool)
    planted = _planted(ds, _doys(C2["day_step"], season), C2["years"][0])
    n, r, ratio = _compare(mean, count, planted, inside)
    # 10-degree cells: 8 bands x 36 = 288 inside, all with >= 10 events (measured).
    assert n > 280
    assert r > MIN_CORRELATION, f"{season}: r={r:.4f}"
    assert ratio == pytest.approx(1.0, abs=MAX_MEDIAN_BIAS)


@pytest.mark.parametrize("season", ["DJF", "JJA"])
def test_nothing_is_drawn_outside_the_coverage(run, season):
    ds = _maps(run, "cosmic2", season)
    lat = ds["lat"].values
    # Covered: cells wholly inside +-45 (10-degree cells: centres -35 ... 35).
    inside = np.abs(lat) + RES / 2 <= 45
    assert ds["covered"].values.tolist() == inside.astype(int).tolist()
    assert np.isnan(ds["s4max_mean"].isel(season=0).values[~inside]).all()
    assert np.isnan(ds["s4max_std"].isel(season=0).values[~inside]).all()
    # The synthetic tangent points never leave +-45 degrees: no events in cells wholly
    # beyond (the 40-50 degree cells hold the 40-45 events, counted but not drawn).
    beyond = np.abs(lat) - RES / 2 >= 45
    assert ds["count"].isel(season=0).values[beyond].sum() == 0
    assert ds.attrs["missions"] == "cosmic2"
    assert ds.attrs["coverage"] == "cosmic2: -45 to 45 degrees_north"


@pytest.mark.parametrize("season", ["DJF", "JJA"])
def test_combined_recovers_the_planted_climatology_in_the_overlap_band(run, season):
    comb = _maps(run, "combined", season)
    c1 = _maps(run, "cosmic1", season)
    c2 = _maps(run, "cosmic2", season)
    n1 = c1["count"].isel(season=0).values
    n2 = c2["count"].isel(season=0).values
    ncomb = comb["count"].isel(season=0).values
    assert (ncomb == n1 + n2).all()  # every event of both missions pooled once
    # Expected: the count-weighted mean of the two missions' planted values.
    p1 = _planted(comb, _doys(COSMIC["day_step"], season), COSMIC["years"][0])
    p2 = _planted(comb, _doys(C2["day_step"], season), C2["years"][0])
    with np.errstate(invalid="ignore"):
        expected = (n1 * p1 + n2 * p2) / (n1 + n2)
    lat = comb["lat"].values
    overlap = (np.abs(lat) + RES / 2 <= 45)[:, None] & np.ones_like(ncomb, bool)
    mean = comb["s4max_mean"].isel(season=0).values
    n, r, ratio = _compare(mean, ncomb, expected, overlap)
    assert n > 280
    assert r > MIN_CORRELATION, f"{season}: r={r:.4f}"
    assert ratio == pytest.approx(1.0, abs=MAX_MEDIAN_BIAS)
    # Poleward of 45 degrees only COSMIC-1 observes: the combined map is COSMIC-1's there.
    poleward = np.abs(lat) - RES / 2 >= 45
    np.testing.assert_array_equal(ncomb[poleward], n1[poleward])
    assert comb["covered"].values.all()
    assert comb.attrs["missions"] == "cosmic1 cosmic2"


def test_qc_counts_per_mission_and_day_are_the_planted_ones(run):
    total = pd.read_csv(run / "results" / "occultation" / "cosmic2" / "qc_summary.csv")
    counts = dict(zip(total["reason"], total["count"], strict=True))
    assert set(total["mission"]) == {"cosmic2"}
    days = list(range(1, 366, C2["day_step"]))
    assert counts["days"] == len(days) and counts["days_without_data"] == 0
    stream = SyntheticStream(members_per_day=C2["synthetic"]["members_per_day"])
    for doy in days[:3]:  # the per-day tables, against the generator's own draw
        arcs = generate_day(2022, doy, stream, seed=CFG["seed"])["arcs"]
        day = pd.read_csv(
            run / "results" / "occultation" / "cosmic2" / "qc" / "2022" / f"{doy:03d}.csv"
        )
        got = dict(zip(day["reason"], day["count"], strict=True))
        want = arcs["reason"].value_counts().to_dict()
        for reason in KINDS.values():
            assert got[reason] == want.get(reason, 0), (doy, reason)
        assert got["total_members"] == stream.members_per_day
    assert counts["total_members"] == len(days) * stream.members_per_day
    assert counts["corrupt_member"] == 0 and counts["position_out_of_range"] == 0


def test_report_names_the_missions_of_each_figure(run):
    html = (run / "results" / "report.html").read_text(errors="replace")
    assert "cosmic1 + cosmic2" in html  # the combined figures' caption
    assert "(the missions that fed this figure)" in html
    for name in ("fig2a_s4max_djf.png", "fig2b_s4max_jja.png"):
        assert (run / "results" / "figures" / "cosmic2" / name).stat().st_size > 10_000
        assert (run / "results" / "figures" / "combined" / name).stat().st_size > 10_000


def test_default_run_makes_cosmic2_maps(tmp_path):
    """The embedded default (config/config.yaml) builds the COSMIC-2 and combined products."""
    wd = make_workdir(tmp_path)
    out = snakemake(wd, "--dry-run", "--quiet", "rules", "--cores", "1").stdout
    for rule in (
        "synthetic_mission_day",
        "ingest_cosmic2_batch_2022_001",
        "mission_seasonal_maps",
        "combined_seasonal_maps",
        "fig2ab_s4max_mission",
    ):
        assert rule in out, rule
    cfg = validate_config(default_config())["cosmic"]["missions"]["cosmic2"]
    assert cfg["enabled"] and cfg["synthetic"]["members_per_day"] == 9000
