"""End to end: COSMIC + model + ionosondes -> Fe+ flux, residual drift, Figs. 3 and 4, paper_numbers.csv.

Runs the repository Snakefile on a tiny configuration (COSMIC: 2008 every 30th
day, 600 arcs a day; model: 10 x 30 degree grid; ionosondes: three stations
per chain, one year each), requesting this slice's targets explicitly, then
the report of the same targets, and checks the results against the planted
truth of the synthetic generators.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from estransport.physics import flux as F
from estransport.synthetic.cosmic import PlantedEsClimatology, planted_mean_s4max
from estransport.synthetic.waccm import SyntheticWaccmParameters, fep_density, seasonal_factor

from .workflow_helpers import make_workdir, snakemake

pytestmark = pytest.mark.workflow

#: Three stations per chain (a fit needs three points), one year each.
STATIONS = ("lerwick", "poitiers", "ouagadougou", "mohe", "beijing", "sanya")
RUN = {
    "cosmic": {"years": [2008], "day_step": 30, "maps": {"resolution_deg": 10.0},
               "monthly": {"lat_resolution_deg": 10.0, "min_count": 1}},
    "synthetic": {"cosmic": {"arcs_per_day": 600}},
    "model": {"synthetic": {"lat_step_deg": 10.0, "lon_step_deg": 30.0}},
    "ionosonde": {
        "synthetic": {"years": {"Greenwich": [1996, 1996], "120E": [2009, 2009]}, "didbase_cadence_min": 60},
        "analysis": {"bootstrap_samples": 100},
    },
    "figures": {"extra_formats": [], "dpi": 60},
}
TARGETS = [
    "results/flux/fe_flux.nc",
    "results/flux/flux_106km_range.csv",
    "results/drift/residual_drift_monthly.nc",
    "results/figures/fig3_es_monthly.png",
    "results/figures/fig4_fe_flux.png",
    "results/tables/paper_numbers.csv",
]
#: Fits of the regression table for STATIONS.
RUN_FITS = ("Greenwich", "120E", "all")
#: Band edges of the V-driven flux convergence must match the planted expectation this
#: closely (degrees): half the 10-degree grid spacing.
BAND_TOLERANCE_DEG = 5.0


@pytest.fixture(scope="module")
def run(tmp_path_factory, repo):
    wd = make_workdir(tmp_path_factory.mktemp("transport_wf"), RUN)
    registry = (repo / "config" / "stations.tsv").read_text().splitlines()
    rows = [ln for ln in registry if ln.startswith("code\t") or ln.split("\t")[0] in STATIONS]
    (wd / "config" / "stations.tsv").write_text("\n".join(rows) + "\n")
    snakemake(wd, "--cores", "2", *TARGETS)
    snakemake(wd, "--cores", "1", "--report", str(wd / "report.html"), *TARGETS)
    return wd


def _open(wd, rel):
    with xr.open_dataset(wd / rel) as ds:
        return ds.load()


def test_column_density_ratio_has_area_mean_one_every_month(run):
    ds = _open(run, "results/occultation/monthly_lat_alt.nc")
    ratio = ds["column_density_ratio"].values.astype(float)
    w = np.cos(np.deg2rad(ds["lat"].values))[None, :] * np.isfinite(ratio)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(ratio * w, axis=1) / w.sum(axis=1)
    months_with_data = np.isfinite(ratio).any(axis=1)
    assert months_with_data.sum() >= 10
    np.testing.assert_allclose(mean[months_with_data], 1.0, rtol=1e-5)


def test_flux_equals_density_times_drift(run):
    st = _open(run, "results/model/state.nc")
    dr = _open(run, "results/drift/drift.nc")
    fx = _open(run, "results/flux/fe_flux.nc")
    assert list(fx["month"].values) == list(range(1, 13))
    for i in range(st.sizes["time"]):  # monthly-mean files: one time per month
        m = int(st["time"].dt.month.values[i])
        n = st["n_Fep"].isel(time=i).values.astype(float)
        np.testing.assert_allclose(fx["flux_north"].sel(month=m).values,
                                   n * dr["v_ion_total"].isel(time=i).values, rtol=1e-6)
        np.testing.assert_allclose(fx["flux_up"].sel(month=m).values,
                                   n * dr["w_ion_total"].isel(time=i).values, rtol=1e-6)
    assert fx["flux_north"].attrs["units"] == "m-2 s-1"
    # the electric field is in the flux: the E x B and Pedersen parts are not zero
    assert float(np.abs(fx["flux_north_zm_by_driver"].sel(driver="pedersen")).max()) > 0


def test_flux_at_106km_is_winter_to_summer(run):
    """The planted lower-thermospheric cell (95-115 km) carries Fe+ toward the summer pole:
    the area-mean flux at 106 km is southward in January and northward in July."""
    ranges = pd.read_csv(run / "results" / "flux" / "flux_106km_range.csv").set_index("month")
    assert list(ranges.index) == list(range(1, 13))
    assert (ranges["level_km"] == 106).all() and (ranges["units"] == "m-2 s-1").all()
    # the range is the minmax/percentile range of the 106 km level: the mean lies inside it and
    # the field is not constant
    assert (ranges["flux_north_low"] <= ranges["flux_north_mean"]).all()
    assert (ranges["flux_north_mean"] <= ranges["flux_north_high"]).all()
    assert (ranges["flux_north_high"] - ranges["flux_north_low"] > 0).all()
    assert ranges.loc[1, "flux_north_mean"] < 0 < ranges.loc[7, "flux_north_mean"]


def _cosmic_doys() -> list[int]:
    return list(range(1, 367, RUN["cosmic"]["day_step"]))


def _month_of(doy: int) -> int:
    return (dt.date(2008, 1, 1) + dt.timedelta(days=doy - 1)).month


def _planted_es_band(hemi: str, threshold: float = 1.0) -> tuple[float, float]:
    """Edges (absolute latitude) of the planted summer band: the contiguous region around the
    hemispheric maximum where the season mean of the planted column-density ratio is >= 1.

    The planted ratio of each month is the zonal-mean planted S4max (``planted_mean_s4max`` over
    the month's COSMIC days, on a 1-degree grid) over its cos(latitude)-weighted global mean.
    """
    lat = np.arange(-89.5, 90.0, 1.0)
    lon = np.arange(0.0, 360.0, 10.0)
    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    w = np.cos(np.deg2rad(lat))
    months = (6, 7, 8) if hemi == "N" else (12, 1, 2)
    profiles = []
    for m in months:
        doys = [d for d in _cosmic_doys() if _month_of(d) == m]
        if not doys:
            continue
        prof = planted_mean_s4max(lat2, lon2, doys, PlantedEsClimatology()).mean(axis=1)
        profiles.append(prof / (np.sum(prof * w) / np.sum(w)))
    ratio = np.mean(profiles, axis=0)
    sel = lat > 0 if hemi == "N" else lat < 0
    x, y = np.abs(lat[sel]), ratio[sel]
    order = np.argsort(x)
    x, y = x[order], y[order]
    k = int(np.argmax(y))
    assert y[k] >= threshold
    i = j = k
    while i > 0 and y[i - 1] >= threshold:
        i -= 1
    while j < y.size - 1 and y[j + 1] >= threshold:
        j += 1
    return float(x[i]), float(x[j])


def _season_doys(season: str) -> list[int]:
    months = (12, 1, 2) if season == "DJF" else (6, 7, 8)
    return [d for d in _cosmic_doys() if _month_of(d) in months]


def _winter_maglat(maps: xr.Dataset, season: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from estransport.geomag import geomagnetic_latitude
    from estransport.plotting.fig2ab import geomagnetic_epoch

    glat, glon = np.meshgrid(maps["lat"].values, maps["lon"].values, indexing="ij")
    sign = 1.0 if season == "DJF" else -1.0
    return glat, glon, sign * geomagnetic_latitude(glat, glon, geomagnetic_epoch(RUN["cosmic"]["years"]))


def _maps_band_mean(maps: xr.Dataset, season: str, band: tuple[float, float]) -> float:
    """Event-weighted mean S4max of the map cells whose centre is in ``band`` (winter geomagnetic)."""
    _, _, mlat = _winter_maglat(maps, season)
    mean = maps["s4max_mean"].isel(season=0).values.astype(float)
    count = maps["count"].isel(season=0).values.astype(float)
    sel = (mlat >= band[0]) & (mlat <= band[1]) & np.isfinite(mean) & (count > 0)
    assert sel.any()
    return float((mean[sel] * count[sel]).sum() / count[sel].sum())


def _planted_trough_range(maps: xr.Dataset, season: str) -> tuple[float, float]:
    """Lowest and highest planted mean S4max of the 60-80 degree winter geomagnetic cells."""
    glat, glon, mlat = _winter_maglat(maps, season)
    sel = (mlat >= 60.0) & (mlat <= 80.0)
    planted = planted_mean_s4max(glat[sel], glon[sel], _season_doys(season), PlantedEsClimatology())
    return float(planted.min()), float(planted.max())


def _planted_convergence(wd, month: int, layer=(105.0, 115.0)) -> xr.DataArray:
    """Meridional convergence of the flux the planted circulation carries.

    Expected flux: the planted Fe+ density (``fep_density``) times the planted
    zonal-mean meridional wind v_bar = v* + d(psi)/dp (``planted_truth.nc``, on
    the pressure levels, placed at their planted altitude ``z_mean`` and
    interpolated to the model altitudes). In the collision-dominated layer
    (r_i of 10-60 at 105-115 km) the V-driven ion drift is
    (r_i^2 + cos^2 D cos^2 I) / (1 + r_i^2) V = V to within 1 %, so this is
    the flux the V-driven part of the pipeline must reproduce.
    """
    truth = _open(wd, "resources/model/synthetic/planted_truth.nc")
    params = SyntheticWaccmParameters.from_config(RUN["model"]["synthetic"])
    alts = np.arange(80.0, 151.0, 1.0)
    z = truth["z_mean"].sel(month=month).values  # (plev, lat), decreasing with plev index? sort below
    vb = truth["v_bar"].sel(month=month).values
    v = np.empty((alts.size, truth.sizes["lat"]))
    for j in range(truth.sizes["lat"]):
        order = np.argsort(z[:, j])
        v[:, j] = np.interp(alts, z[order, j], vb[order, j])
    lat = truth["lat"].values
    phi = xr.DataArray(fep_density(alts[:, None], lat[None, :], month, params) * v,
                       dims=("altitude", "lat"), coords={"altitude": alts, "lat": lat})
    return -F.layer_mean(F.meridional_divergence(phi), layer)


@pytest.mark.parametrize("month", [1, 7])
def test_convergence_band_where_the_planted_circulation_puts_it(run, month):
    fx = _open(run, "results/flux/fe_flux.nc")
    hemi = F.summer_hemisphere(month)
    assert hemi == ("S" if seasonal_factor(month) > 0 else "N")  # January: southern summer
    expected = F.convergence_band(_planted_convergence(run, month), hemi)
    # the part of the flux carried by the planted circulation (V-driven drift)
    v_part = -F.layer_mean(F.meridional_divergence(
        fx["flux_north_zm_by_driver"].sel(driver="V", month=month)), (105.0, 115.0))
    got = F.convergence_band(v_part, hemi)
    for k in ("lat_low", "lat_high", "lat_peak"):
        assert got[k] == pytest.approx(expected[k], abs=BAND_TOLERANCE_DEG), (k, got, expected)
    np.testing.assert_allclose(v_part.values, _planted_convergence(run, month).values,
                               rtol=0.1, atol=0.05 * expected["peak"])
    # the full flux (all drivers) converges in the same hemisphere, overlapping the expected band
    total = F.convergence_band(F.convergence_profile(fx, month, (105.0, 115.0)), hemi)
    assert total["lat_low"] < expected["lat_high"] and total["lat_high"] > expected["lat_low"]
    # and the table reports that band, in the summer hemisphere
    table = pd.read_csv(run / "results" / "tables" / "paper_numbers.csv")
    name = {1: "January", 7: "July"}[month]
    row = table[table["quantity"].str.contains(f"flux convergence.*{name}")].iloc[0]
    assert row["value_low"] == pytest.approx(total["lat_low"]) and f"°{hemi}" in row["value_this_run"]


@pytest.mark.parametrize("month", [1, 7])
def test_residual_drift_arrows_point_winter_to_summer(run, month):
    rd = _open(run, "results/drift/residual_drift_monthly.nc")
    assert float(rd["altitude"].min()) == 100.0 and float(rd["altitude"].max()) == 120.0
    assert list(rd["month"].values) == list(range(1, 13))
    to_summer = -seasonal_factor(month)  # +1: northward is toward summer (July)
    v = rd["v_ion"].sel(month=month)
    inner = v.sel(lat=slice(-80, 80))
    # every latitude: the 100-120 km mean drift points toward the summer hemisphere
    assert (np.sign(inner.mean("altitude").values) == to_summer).all()
    # nearly every arrow inside the planted lower-thermospheric cell (below its 115 km top,
    # where v* changes sign) does
    cell = inner.sel(altitude=slice(100, 112)).values
    assert (np.sign(cell) == to_summer).mean() > 0.95
    # the drawn arrows (the v* and w* parts, the config default) all do
    drawn = rd["v_ion_by_driver"].sel(driver=["V", "W"], month=month).sum("driver").sel(
        altitude=slice(100, 112), lat=slice(-80, 80))
    assert (np.sign(drawn.values) == to_summer).all()


def test_figures_for_all_months(run):
    for t in ("results/figures/fig3_es_monthly.png", "results/figures/fig4_fe_flux.png"):
        assert (run / t).stat().st_size > 20_000, t
    # the 12 panels of Fig. 3 each have arrows: the drawn (v*, w*) drift is finite and not zero
    # at every 100-120 km point of every month
    rd = _open(run, "results/drift/residual_drift_monthly.nc")
    assert list(rd["month"].values) == list(range(1, 13))
    for c in ("v_ion", "w_ion"):
        drawn = rd[f"{c}_by_driver"].sel(driver=["V", "W"]).sum("driver").sel(altitude=slice(100, 120))
        assert drawn.sizes["altitude"] >= 10
        assert np.isfinite(drawn.values).all(), c
        assert (np.abs(drawn).max(("altitude", "lat")) > 0).all(), c
    # and the S4max under the arrows: every month with COSMIC days in it has data
    clim = _open(run, "results/occultation/monthly_lat_alt.nc")
    doys = _cosmic_doys()
    months_sampled = sorted({(dt.date(2008, 1, 1) + dt.timedelta(days=d - 1)).month for d in doys})
    for m in months_sampled:
        assert np.isfinite(clim["s4max_mean"].sel(month=m).values).sum() >= 10, m
    log4 = (run / "logs" / "figures" / "fig4_fe_flux.log").read_text()
    assert "months [1, 7]" in log4


def test_paper_numbers_table(run):
    table = pd.read_csv(run / "results" / "tables" / "paper_numbers.csv")
    assert list(table.columns[:6]) == ["quantity", "value_this_run", "paper_value", "units", "source", "notes"]
    assert len(table) == 9 + 2 * len(RUN_FITS)
    assert np.isfinite(table[["value_low", "value_high"]].to_numpy()).all(), table
    assert table["units"].notna().all() and (table["units"].str.len() > 0).all()
    assert table["paper_value"].notna().all()
    q = " | ".join(table["quantity"])
    for part in ("meridional ion velocity, 107–118 km, 10–60°N", "flux at 106 km, January",
                 "flux at 106 km, July", "flux convergence", "summer Es maximum", "winter-trough S4max",
                 "slope, Greenwich chain", "speed, all stations"):
        assert part in q, part
    vel = table.iloc[0]
    assert vel["units"] == "m s-1" and vel["paper_low"] == -1.08 and vel["paper_high"] == 7.45
    # northern summer: the planted cell drives the ions north (winter to summer) in 107-118 km
    assert vel["value_high"] > 0
    # the planted Es climatology: each edge of the summer band within one latitude bin of the
    # planted band's edges
    es = table[table["quantity"].str.contains("summer Es maximum")]
    assert len(es) == 2
    res = RUN["cosmic"]["monthly"]["lat_resolution_deg"]
    for _, row in es.iterrows():
        hemi = "N" if "(north)" in row["quantity"] else "S"
        lo, hi = _planted_es_band(hemi)
        assert row["value_low"] == pytest.approx(lo, abs=res), (row["quantity"], lo, hi)
        assert row["value_high"] == pytest.approx(hi, abs=res), (row["quantity"], lo, hi)
    # the winter trough: below the off-trough (40-55 deg geomagnetic) mean of the same hemisphere
    # and season, and within the planted trough values
    trough = table[table["quantity"].str.contains("winter-trough")]
    assert len(trough) == 2
    for _, row in trough.iterrows():
        season = "DJF" if "DJF" in row["quantity"] else "JJA"
        maps = _open(run, f"results/occultation/maps_{season}.nc")
        off = _maps_band_mean(maps, season, (40.0, 55.0))
        assert row["value_low"] < 0.8 * off, (season, row["value_low"], off)
        p_lo, p_hi = _planted_trough_range(maps, season)
        assert 0.8 * p_lo <= row["value_low"] <= 1.2 * p_hi, (season, row["value_low"], p_lo, p_hi)
    slopes = table[table["quantity"].str.contains("slope")]
    assert (slopes["units"] == "degree day-1").all() and len(slopes) == len(RUN_FITS)
    # the planted poleward drift of the summer peak (ionosonde.synthetic.slope_deg_per_day = 1)
    assert slopes["value_low"].to_numpy() == pytest.approx(1.0, rel=0.5)


def test_report_has_captions_and_tables(run):
    html = (run / "report.html").read_text(errors="replace")
    for text in ("column-density ratio", "mean of R is exactly 1 in every month", "flux_north_low",
                 "value_this_run", "Figure 3", "Figure 4", "Tables"):
        assert text in html, text
    assert "System Message" not in html  # no reStructuredText error in any caption
