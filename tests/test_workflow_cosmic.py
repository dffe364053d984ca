"""End to end: synthetic scnLv1 tarballs -> event tables -> seasonal maps -> Fig. 2a,b.

The run recovers the planted Es climatology (estransport.synthetic.cosmic) with
the same rules a user runs on downloaded data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from estransport.geomag import geomagnetic_latitude
from estransport.synthetic.cosmic import PlantedEsClimatology, planted_mean_s4max

from .workflow_helpers import make_workdir, snakemake

pytestmark = pytest.mark.workflow

#: Small but science-capable run: 1 year, every 12th day (31 days, ~8 per season), 10-degree cells.
RES = 10.0
RUN = {
    "cosmic": {"years": [2008], "day_step": 12, "maps": {"resolution_deg": RES, "min_count": 1}},
    "synthetic": {"cosmic": {"arcs_per_day": 1500}},
    "figures": {"extra_formats": ["pdf"], "dpi": 80},
}
SEASON_DOYS = {"DJF": lambda d: d <= 59 or d >= 335, "JJA": lambda d: 152 <= d <= 243}
#: Correlation between recovered and planted cell means, where counts suffice.
MIN_CORRELATION = 0.95
MIN_COUNT_FOR_COMPARISON = 10


#: The COSMIC slice's products (the other slices are tested on their own).
TARGETS = [
    "results/figures/fig2a_s4max_djf.png",
    "results/figures/fig2b_s4max_jja.png",
    "results/occultation/qc_summary.csv",
    "results/occultation/monthly_lat_alt.nc",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    wd = make_workdir(tmp_path_factory.mktemp("cosmic_wf"), RUN)
    snakemake(wd, "--cores", "2", *TARGETS)
    snakemake(wd, "--cores", "1", "--report", str(wd / "results" / "report.html"), *TARGETS)
    return wd


def _doys():
    return list(range(1, 367, RUN["cosmic"]["day_step"]))


def _planted(ds, season):
    doys = [d for d in _doys() if SEASON_DOYS[season](d)]
    lat2, lon2 = np.meshgrid(ds.lat.values, ds.lon.values, indexing="ij")
    # Average the planted field over each cell (sub-sampled every degree).
    sub = np.arange(-(RES - 1) / 2, (RES - 1) / 2 + 0.01, 1.0)
    acc = np.zeros(lat2.shape)
    for dy in sub:
        for dx in sub:
            acc += planted_mean_s4max(lat2 + dy, lon2 + dx, doys, PlantedEsClimatology())
    return acc / sub.size**2


@pytest.mark.parametrize("season", ["DJF", "JJA"])
def test_recovers_planted_climatology(run, season):
    with xr.open_dataset(run / "results" / "occultation" / f"maps_{season}.nc") as ds:
        ds = ds.load()
    mean = ds["s4max_mean"].isel(season=0).values
    count = ds["count"].isel(season=0).values
    planted = _planted(ds, season)
    ok = count >= MIN_COUNT_FOR_COMPARISON
    assert ok.sum() > 400, "too few well-sampled cells for the comparison"
    r = np.corrcoef(mean[ok], planted[ok])[0, 1]
    assert r > MIN_CORRELATION, f"{season}: r={r:.3f}"
    # No bias: recovered/planted ratio of well-sampled cells near 1.
    assert np.median(mean[ok] / planted[ok]) == pytest.approx(1.0, abs=0.05)


def _zonal(ds):
    w = ds["count"].isel(season=0)
    return (ds["s4max_mean"].isel(season=0) * w).sum("lon") / w.sum("lon")


def test_summer_band_northern_stronger_and_winter_trough(run):
    maps = {s: xr.open_dataset(run / "results" / "occultation" / f"maps_{s}.nc").load() for s in ("DJF", "JJA")}
    jja, djf = _zonal(maps["JJA"]), _zonal(maps["DJF"])
    lat = jja.lat.values
    # Summer band at 10-60 degrees in the summer hemisphere.
    assert 10 <= lat[int(np.nanargmax(jja.values))] <= 60
    assert -60 <= lat[int(np.nanargmax(djf.values))] <= -10
    # Northern summer stronger than southern summer.
    assert np.nanmax(jja.values) > 1.2 * np.nanmax(djf.values)
    # Winter trough along 60-80 degrees geomagnetic latitude: mean S4max < 0.3.
    for season, sign in (("DJF", 1), ("JJA", -1)):
        ds = maps[season]
        lat2, lon2 = np.meshgrid(ds.lat.values, ds.lon.values, indexing="ij")
        mlat = geomagnetic_latitude(lat2, lon2, dt.date(2008, 7, 1)) * sign
        band = (mlat >= 60) & (mlat <= 80)
        m = ds["s4max_mean"].isel(season=0).values
        c = ds["count"].isel(season=0).values
        trough = np.nansum((m * c)[band]) / c[band].sum()
        assert trough < 0.3, f"{season} winter trough mean S4max {trough:.2f}"


def test_qc_counts_equal_what_was_planted(run):
    """Per-day QC counts equal the defects the generator planted in that day's tarball."""
    from estransport.synthetic.cosmic import generate_day_arcs
    from tests.workflow_helpers import default_config

    cfg = default_config()
    qc_dir = run / "results" / "occultation" / "qc"
    per_day = pd.concat(pd.read_csv(p) for p in sorted(qc_dir.rglob("*.csv")))
    per_day = per_day.pivot(index="day", columns="reason", values="count")
    assert len(per_day) == len(_doys())
    # The period summary is the sum of the day tables.
    summary = pd.read_csv(run / "results" / "occultation" / "qc_summary.csv").set_index("reason")["count"]
    assert summary["days"] == len(_doys())
    for reason in per_day.columns:
        assert summary[reason] == per_day[reason].sum()
    for doy in (1, 181, 361):
        arcs = generate_day_arcs(2008, doy, seed=cfg["seed"], **{**cfg["synthetic"]["cosmic"], **RUN["synthetic"]["cosmic"]})
        full = [a for a in arcs if not a["empty"]]
        expected = {
            "total_members": len(arcs),
            "empty_member": sum(a["empty"] for a in arcs),
            "corrupt_member": 0,
            "fill_value": sum(a["kind"] == "fill" for a in full),
            "position_out_of_range": 0,  # the generator writes only possible tangent points
            "s4max_out_of_range": sum(a["kind"] == "outlier" for a in full),
            "altitude_out_of_range": sum(a["kind"] == "outside" for a in full),
            "kept": sum(a["kind"] == "es" for a in full),
        }
        got = per_day.loc[f"2008-{doy:03d}"].to_dict()
        assert {k: int(got[k]) for k in expected} == expected
        events = pd.read_parquet(run / "results" / "occultation" / "events" / "2008" / f"{doy:03d}.parquet")
        assert len(events) == expected["kept"]
        assert events["alttp_s4max"].between(90, 130).all() and events["s4max"].between(0, 5).all()


def test_figures_and_report(run):
    figs = run / "results" / "figures"
    for stem in ("fig2a_s4max_djf", "fig2b_s4max_jja"):
        png = figs / f"{stem}.png"
        pdf = figs / f"{stem}.pdf"
        assert png.stat().st_size > 30_000, "a map with data, coastlines and contours is not tiny"
        assert pdf.read_bytes()[:4] == b"%PDF"
    html = (run / "results" / "report.html").read_text(errors="ignore")
    assert "fig2a_s4max_djf.png" in html and "Figure 2" in html


def test_netcdf_is_cf_with_provenance(run):
    with xr.open_dataset(run / "results" / "occultation" / "maps_JJA.nc") as ds:
        assert ds.attrs["Conventions"].startswith("CF-")
        assert len(ds.attrs["config_sha256"]) == 64
        assert ds.lat.attrs["units"] == "degrees_north"
        assert ds["s4max_mean"].attrs["units"] == "1"


def test_rerun_is_a_no_op(run):
    proc = snakemake(run, "--cores", "1", "--dry-run", *TARGETS)
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_monthly_climatology_recovers_layer_and_summer_band(run):
    with xr.open_dataset(run / "results" / "occultation" / "monthly_lat_alt.nc") as ds:
        ds = ds.load()
    # Planted Es layer peaks at PlantedEsClimatology.peak_altitude_km (105 km): the
    # event-weighted mean S4max profile over all months and latitudes must peak near it.
    w = ds["count"].where(ds["count"] > 0)
    profile = (ds["s4max_mean"] * w).sum(("month", "lat")) / w.sum(("month", "lat"))
    peak = float(profile.altitude[int(np.argmax(profile.values))])
    assert abs(peak - PlantedEsClimatology().peak_altitude_km) <= 4.0, peak
    # The area-weighted mean of the column-density ratio is 1 in every month.
    ratio = ds["column_density_ratio"]
    wlat = np.cos(np.radians(ds.lat)) * ratio.notnull()
    np.testing.assert_allclose(((ratio.fillna(0) * wlat).sum("lat") / wlat.sum("lat")).values, 1.0, atol=1e-5)
    # The column-density maximum lies in the summer hemisphere's 10-60 degree band.
    jja = ratio.sel(month=[6, 7, 8]).mean("month")
    djf = ratio.sel(month=[12, 1, 2]).mean("month")
    assert 10 <= float(jja.lat[int(np.nanargmax(jja.values))]) <= 60
    assert -60 <= float(djf.lat[int(np.nanargmax(djf.values))]) <= -10


def test_maps_record_es_range_and_colour_bar_uses_it(run):
    """The colour-bar label is taken from the maps file, not hard-coded."""
    with xr.open_dataset(run / "results" / "occultation" / "maps_DJF.nc") as ds:
        assert (ds.attrs["es_altitude_min_km"], ds.attrs["es_altitude_max_km"]) == (90.0, 130.0)


def test_mismatched_fig2_panel_and_season_is_an_error(run):
    proc = snakemake(run, "--cores", "1", "--dry-run", "results/figures/fig2a_s4max_jja.png", check=False)
    assert proc.returncode != 0
    assert "Fig. 2a is the DJF map" in proc.stdout + proc.stderr
