"""End to end: COSMIC + model + ionosondes -> Fe+ flux, residual drift, Figs. 3 and 4, paper_numbers.csv.

Runs the repository Snakefile on the test configuration ``config/test/transport.yaml``
(COSMIC: 2008 every 30th day, 600 arcs a day; model: 10 x 30 degree grid;
ionosondes: the three stations per chain of ``config/test/stations_transport.tsv``,
one year each), requesting this slice's targets explicitly, then the report of
the same targets. The results are checked against values computed here
independently: the ion drift by a direct 3 x 3 solve of the steady ion
momentum equation (not the library's closed form), the planted fields of the
synthetic generators (:mod:`estransport.synthetic.waccm`,
:mod:`estransport.synthetic.cosmic`, :mod:`estransport.synthetic.ionosonde`)
and the definitions of the paper-number rows. Every tolerance says where it
comes from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from estransport.config import validate_config
from estransport.geomag import geomagnetic_epoch, geomagnetic_latitude
from estransport.physics import flux as F
from estransport.steps.model import synthetic_waccm_parameters
from estransport.synthetic.cosmic import PlantedEsClimatology, es_intensity, planted_mean_s4max
from estransport.synthetic.ionosonde import PlantedTruth
from estransport.synthetic.waccm import SyntheticWaccmParameters, fep_density, seasonal_factor

from .workflow_helpers import deep_update, default_config, make_workdir, snakemake
from .workflow_helpers import test_config as overlay  # not named test_*: pytest would collect it

pytestmark = pytest.mark.workflow

#: The configuration of the run: config/config.yaml with the config/test/transport.yaml overlay,
#: validated (schema defaults filled) as the workflow does before any rule runs.
CONFIG = validate_config(deep_update(default_config(), overlay("transport")))
TRANSPORT = CONFIG["transport"]
YEAR = CONFIG["cosmic"]["years"][0]
TARGETS = [
    "results/flux/fe_flux.nc",
    "results/flux/flux_106km_range.csv",
    "results/drift/residual_drift_monthly.nc",
    "results/figures/fig3_es_monthly.png",
    "results/figures/fig4_fe_flux.png",
    "results/tables/paper_numbers.csv",
]
#: Rules of this slice (each writes benchmarks/transport/<rule>.tsv).
RULES = (
    "fe_flux",
    "flux_range",
    "residual_drift",
    "fig3_es_monthly",
    "fig4_fe_flux",
    "paper_numbers",
)
#: Fits of the regression table for the test stations.
RUN_FITS = ("Greenwich", "120E", "all")
#: Band edges of the V-driven flux convergence must match the planted expectation this
#: closely (degrees): half the 10-degree grid spacing.
BAND_TOLERANCE_DEG = 5.0
#: float32 storage of the model fields (2**-24 relative per value) summed over a few terms
#: of the drift: computed and stored drifts agree to this fraction of the largest drift.
FLOAT32_REL = 1e-5


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A working directory after the run of this slice's targets and their report.

    Module-scoped: no other test module uses this run.
    """
    wd = make_workdir(tmp_path_factory.mktemp("transport_wf"), "transport")
    snakemake(wd, "--cores", "2", *TARGETS)
    snakemake(wd, "--cores", "1", "--report", str(wd / "report.html"), *TARGETS)
    return wd


def _open(wd, rel):
    with xr.open_dataset(wd / rel) as ds:
        return ds.load()


def _f64(da: xr.DataArray) -> np.ndarray:
    return np.asarray(da.values, dtype=float)


def _drift_matrix(inclination_deg, declination_deg, r) -> np.ndarray:
    """Wind-to-drift matrix M (v = M u) by a direct solve of the steady ion momentum equation.

    0 = e (v x B) - m nu (v - u) with r = nu / omega gives (1 + (1/r) [b]x) v = u, with
    [b]x the cross-product matrix of b = (sin D cos I, cos D cos I, -sin I) (east, north,
    up; I positive down). Independent of :mod:`estransport.physics.drift`'s closed form.
    Shape (..., 3, 3) for inputs broadcast to (...).
    """
    inc, dec = np.deg2rad(inclination_deg), np.deg2rad(declination_deg)
    inc, dec, r = np.broadcast_arrays(inc, dec, np.asarray(r, float))
    b = np.stack([np.sin(dec) * np.cos(inc), np.cos(dec) * np.cos(inc), -np.sin(inc)], axis=-1)
    bx = np.zeros(b.shape + (3,))
    bx[..., 0, 1], bx[..., 0, 2] = -b[..., 2], b[..., 1]
    bx[..., 1, 0], bx[..., 1, 2] = b[..., 2], -b[..., 0]
    bx[..., 2, 0], bx[..., 2, 1] = -b[..., 1], b[..., 0]
    return np.linalg.inv(np.eye(3) + bx / r[..., None, None])


def _weighted_percentiles(values, weights, percentiles) -> np.ndarray:
    """The range definition of config transport.range, written out: sorted values against
    their cumulative weight fractions at the sample midpoints, linear in between."""
    v, w = np.ravel(values), np.ravel(np.broadcast_to(weights, np.shape(values)))
    ok = np.isfinite(v) & (w > 0)
    order = np.argsort(v[ok])
    v, w = v[ok][order], w[ok][order]
    return np.interp(np.asarray(percentiles) / 100.0, (np.cumsum(w) - w / 2) / w.sum(), v)


def _planted_on_altitudes(truth: xr.Dataset, name: str, month: int, alts: np.ndarray) -> np.ndarray:
    """A planted field on the pressure levels at the model altitudes (its level altitude z_mean)."""
    z = truth["z_mean"].sel(month=month).values
    f = truth[name].sel(month=month).values
    out = np.empty((alts.size, truth.sizes["lat"]))
    for j in range(truth.sizes["lat"]):
        order = np.argsort(z[:, j])
        out[:, j] = np.interp(alts, z[order, j], f[order, j])
    return out


def _planted(cls, section: dict):
    """A planted-truth dataclass with the values of a config section (other keys ignored)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in section.items() if k in names}
    )


def _waccm_params() -> SyntheticWaccmParameters:
    """The generator's parameters of the run, built as the model_synthetic_history step does."""
    return synthetic_waccm_parameters(CONFIG["model"]["synthetic"], CONFIG["model"]["msis"])


def test_column_density_ratio_has_area_mean_one_every_month(run):
    ds = _open(run, "results/occultation/monthly_lat_alt.nc")
    ratio = ds["column_density_ratio"].values.astype(float)
    w = np.cos(np.deg2rad(ds["lat"].values))[None, :] * np.isfinite(ratio)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(ratio * w, axis=1) / w.sum(axis=1)
    months_with_data = np.isfinite(ratio).any(axis=1)
    # every month with a COSMIC day has a ratio profile, the others none
    assert list(ds["month"].values[months_with_data]) == _months_sampled()
    np.testing.assert_allclose(mean[months_with_data], 1.0, rtol=1e-5)


def test_flux_is_density_times_the_steady_ion_drift(run):
    """fe_flux.nc = n(Fe+) v_i with v_i the full steady solution (winds and E), solved here."""
    st = _open(run, "results/model/state.nc")
    dr = _open(run, "results/drift/drift.nc")
    fx = _open(run, "results/flux/fe_flux.nc")
    assert list(fx["month"].values) == list(range(1, 13))
    assert fx["flux_north"].attrs["units"] == "m-2 s-1"
    # drift.nc holds the field geometry; the model's E is projected perpendicular to B
    assert dr.attrs["electric_field"] == "projected perpendicular to B"
    M = _drift_matrix(_f64(dr["inclination"]), _f64(dr["declination"]), _f64(dr["r_i"]))
    inc, dec = np.deg2rad(_f64(dr["inclination"])), np.deg2rad(_f64(dr["declination"]))
    b = np.stack([np.sin(dec) * np.cos(inc), np.cos(dec) * np.cos(inc), -np.sin(inc)], axis=-1)
    wind = np.stack([_f64(st[k]) for k in ("U", "V", "W")], axis=-1)
    E = np.stack([_f64(st[k]) for k in ("E_east", "E_north", "E_up")], axis=-1)
    E_perp = E - (E * b).sum(-1, keepdims=True) * b
    # a = u + E / (B r): the electric force enters the same equation as a wind
    e_wind = E_perp / (_f64(dr["B"])[..., None] * _f64(dr["r_i"])[..., None])
    v_wind = np.einsum("...ij,...j->...i", M, wind)
    v_e = np.einsum("...ij,...j->...i", M, e_wind)
    n = _f64(st["n_Fep"])
    expect = n[..., None] * (v_wind + v_e)
    months = st["time"].dt.month.values  # monthly-mean files: one time per month
    got = np.stack(
        [_f64(fx[k].sel(month=list(months))) for k in ("flux_north", "flux_up")], axis=-1
    )
    scale = np.abs(expect).max()
    np.testing.assert_allclose(got, expect[..., 1:], rtol=0, atol=FLOAT32_REL * scale)
    # the electric parts are in the flux: without them the flux is off by far more than that
    assert np.abs(got[..., 0] - n * v_wind[..., 1]).max() > 100 * FLOAT32_REL * scale
    # and the parts by driver carry them: ExB + pedersen is the zonal mean of n v_E
    by = fx["flux_north_zm_by_driver"]
    e_part = _f64(by.sel(driver=["ExB", "pedersen"], month=list(months)).sum("driver"))
    np.testing.assert_allclose(e_part, (n * v_e[..., 1]).mean(-1), rtol=0, atol=FLOAT32_REL * scale)
    # parts and total are stored separately in drift.nc (float32): they add up to that precision
    np.testing.assert_allclose(
        _f64(by.sum("driver")), _f64(fx["flux_north_zm"]), rtol=0, atol=FLOAT32_REL * scale
    )


def test_flux_at_the_map_level_is_carried_winter_to_summer(run):
    """The V-driven zonal-mean flux at 106 km is the planted n(Fe+) times the planted v_bar:
    southward in January, northward in July (the planted lower-thermospheric cell, 95-115 km)."""
    fx = _open(run, "results/flux/fe_flux.nc")
    truth = _open(run, "resources/model/synthetic/planted_truth.nc")
    level = float(TRANSPORT["flux"]["level_km"])
    assert fx["flux_north_level"].attrs["level_km"] == level
    params = _waccm_params()
    lat = truth["lat"].values
    for month in (1, 7):
        v_bar = _planted_on_altitudes(truth, "v_bar", month, np.array([level]))[0]
        expect = fep_density(level, lat, month, params) * v_bar
        got = F.level(fx["flux_north_zm_by_driver"].sel(driver="V", month=month), level).values
        # Tolerance: the V-driven drift is (r_i^2 + cos^2 D cos^2 I) / (1 + r_i^2) V, V to
        # 0.2 % at r_i >= 24 (106 km); the planted v_bar is interpolated here from the pressure
        # levels, the model from its hybrid levels, and n(Fe+) at a fixed altitude follows the
        # surface-pressure wave: measured 0.8 % of the peak flux. 2 % of the peak.
        np.testing.assert_allclose(got, expect, rtol=0, atol=0.02 * np.abs(expect).max())
        # toward the summer pole wherever the planted flux is more than twice the tolerance
        big = np.abs(expect) > 0.04 * np.abs(expect).max()
        assert (np.sign(got[big]) == -seasonal_factor(month)).all()


def test_range_table_is_the_range_of_the_map_level(run):
    """flux_106km_range.csv (rule flux_range, reading fe_flux.nc) against the definition."""
    fx = _open(run, "results/flux/fe_flux.nc")
    ranges = pd.read_csv(run / "results" / "flux" / "flux_106km_range.csv").set_index("month")
    rng = TRANSPORT["range"]
    assert list(ranges.index) == list(range(1, 13))
    assert (ranges["level_km"] == TRANSPORT["flux"]["level_km"]).all()
    assert (ranges["units"] == "m-2 s-1").all()
    assert (ranges["range_method"] == "p5-p95 cos-lat weighted").all()
    for m in range(1, 13):
        f = _f64(fx["flux_north_level"].sel(month=m))
        w = np.cos(np.deg2rad(fx["lat"].values))[:, None] * np.ones_like(f)
        lo, hi = _weighted_percentiles(f, w, rng["percentiles"])
        row = ranges.loc[m]
        # the CSV keeps 4 significant digits
        assert row["flux_north_low"] == pytest.approx(lo, rel=5e-4)
        assert row["flux_north_high"] == pytest.approx(hi, rel=5e-4)
        assert row["flux_north_min"] == pytest.approx(f.min(), rel=5e-4)
        assert row["flux_north_max"] == pytest.approx(f.max(), rel=5e-4)
        assert row["flux_north_mean"] == pytest.approx((f * w).sum() / w.sum(), rel=5e-4)
        assert row["southward_area_fraction"] == pytest.approx(
            ((f < 0) * w).sum() / w.sum(), rel=5e-4
        )


def test_a_new_range_definition_reruns_the_range_not_the_flux(run, tmp_path):
    """transport.range is a param of flux_range only: fe_flux.nc is not remade."""
    overlay = tmp_path / "minmax.yaml"
    overlay.write_text("transport:\n  range:\n    method: minmax\n")
    proc = snakemake(run, *TARGETS, "--cores", "1", "--dry-run", "--configfile", str(overlay))
    out = proc.stdout + proc.stderr
    lines = out.split("Job stats:")[1].splitlines()[3:]  # after the header and its rule
    jobs = set()
    for ln in lines:
        if not ln.strip() or ln.split()[0] == "total":
            break
        jobs.add(ln.split()[0])
    assert jobs == {"flux_range", "fig4_fe_flux", "paper_numbers"}, out


def _cosmic_doys() -> list[int]:
    return list(range(1, 367, CONFIG["cosmic"]["day_step"]))


def _month_of(doy: int) -> int:
    return (dt.date(YEAR, 1, 1) + dt.timedelta(days=doy - 1)).month


def _months_sampled() -> list[int]:
    return sorted({_month_of(d) for d in _cosmic_doys()})


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
    alts = np.arange(80.0, 151.0, 1.0)
    v = _planted_on_altitudes(truth, "v_bar", month, alts)
    lat = truth["lat"].values
    phi = xr.DataArray(
        fep_density(alts[:, None], lat[None, :], month, _waccm_params()) * v,
        dims=("altitude", "lat"),
        coords={"altitude": alts, "lat": lat},
    )
    return -F.layer_mean(F.meridional_divergence(phi), layer)


@pytest.mark.parametrize("month", [1, 7])
def test_convergence_band_where_the_planted_circulation_puts_it(run, month):
    conv = TRANSPORT["convergence"]
    layer = (conv["altitude_km"]["min"], conv["altitude_km"]["max"])
    thr = conv["threshold"]
    fx = _open(run, "results/flux/fe_flux.nc")
    hemi = F.summer_hemisphere(month)
    assert hemi == ("S" if seasonal_factor(month) > 0 else "N")  # January: southern summer
    expected = F.convergence_band(_planted_convergence(run, month, layer), hemi, threshold=thr)
    # the part of the flux carried by the planted circulation (V-driven drift)
    v_part = -F.layer_mean(
        F.meridional_divergence(fx["flux_north_zm_by_driver"].sel(driver="V", month=month)), layer
    )
    got = F.convergence_band(v_part, hemi, threshold=thr)
    for k in ("lat_low", "lat_high", "lat_peak"):
        assert got[k] == pytest.approx(expected[k], abs=BAND_TOLERANCE_DEG), (k, got, expected)
    np.testing.assert_allclose(
        v_part.values,
        _planted_convergence(run, month, layer).values,
        rtol=0.1,
        atol=0.05 * expected["peak"],
    )
    # the full flux (all drivers) converges in the same hemisphere, overlapping the expected band
    total = F.convergence_band(
        F.convergence_profile(fx, month, layer, component=conv["component"]), hemi, threshold=thr
    )
    assert total["lat_low"] < expected["lat_high"] and total["lat_high"] > expected["lat_low"]
    # and the table reports that band, in the summer hemisphere
    table = pd.read_csv(run / "results" / "tables" / "paper_numbers.csv")
    name = {1: "January", 7: "July"}[month]
    row = table[table["quantity"].str.contains(f"flux convergence.*{name}")].iloc[0]
    assert row["value_low"] == pytest.approx(total["lat_low"], rel=1e-12)
    assert row["value_high"] == pytest.approx(total["lat_high"], rel=1e-12)
    assert f"°{hemi}" in row["value_this_run"]


def test_residual_drift_is_the_mean_drift_matrix_times_the_zonal_mean_wind(run):
    """residual_drift_monthly.nc: M(I, D, r_i) averaged over longitude and the month's times
    (solved here) times (U_bar, v*, w*), every month and part; its inputs are the monthly zonal
    means of the state and the TEM."""
    rd = _open(run, "results/drift/residual_drift_monthly.nc")
    dr = _open(run, "results/drift/drift.nc")
    st = _open(run, "results/model/state.nc")
    tem = _open(run, "results/model/tem.nc")
    alt_cfg = TRANSPORT["residual_drift"]["altitude_km"]
    assert (
        float(rd["altitude"].min()) == alt_cfg["min"]
        and float(rd["altitude"].max()) == alt_cfg["max"]
    )
    assert list(rd["month"].values) == list(range(1, 13))
    assert list(rd["driver"].values) == ["U", "V", "W"]
    zsel = {"altitude": slice(alt_cfg["min"], alt_cfg["max"])}
    months = dr["time"].dt.month.values
    scale = max(float(np.abs(rd[f"{c}_ion_by_driver"]).max()) for c in "uvw")
    for m in range(1, 13):
        it = np.flatnonzero(months == m)
        r = _f64(dr["r_i"].isel(time=it).sel(zsel))  # (time, altitude, lat, lon)
        M = _drift_matrix(_f64(dr["inclination"].sel(zsel)), _f64(dr["declination"].sel(zsel)), r)
        Mbar = M.mean(axis=(0, 3))  # over the month's times and longitude: (altitude, lat, 3, 3)
        u_bar = _f64(st["U"].isel(time=it).sel(zsel)).mean(axis=(0, 3))
        v_star = _f64(tem["v_star"].isel(time=it).sel(zsel)).mean(axis=0)
        w_star = _f64(tem["w_star"].isel(time=it).sel(zsel)).mean(axis=0)
        for name, mean in (("U_bar", u_bar), ("v_star", v_star), ("w_star", w_star)):
            np.testing.assert_allclose(
                _f64(rd[name].sel(month=m)), mean, rtol=0, atol=FLOAT32_REL * np.abs(mean).max()
            )
        for j, (driver, wind) in enumerate((("U", u_bar), ("V", v_star), ("W", w_star))):
            for i, c in enumerate("uvw"):
                np.testing.assert_allclose(
                    _f64(rd[f"{c}_ion_by_driver"].sel(month=m, driver=driver)),
                    Mbar[..., i, j] * wind,
                    rtol=0,
                    atol=FLOAT32_REL * scale,
                )


@pytest.mark.parametrize("month", [1, 4, 7])
def test_residual_drift_arrows_follow_the_planted_circulation(run, month):
    """The v* under the arrows is the planted residual circulation (winter to summer in the
    95-115 km cell at the solstices, zero at the equinoxes)."""
    rd = _open(run, "results/drift/residual_drift_monthly.nc")
    truth = _open(run, "resources/model/synthetic/planted_truth.nc")
    planted = _planted_on_altitudes(truth, "v_star", month, rd["altitude"].values)
    # Tolerance: the TEM step recovers the planted v* from the eddy fluxes with finite
    # differences on the 10-degree grid: measured 0.065 m/s of the 4 m/s cell. 0.1 m/s.
    np.testing.assert_allclose(_f64(rd["v_star"].sel(month=month)), planted, rtol=0, atol=0.1)
    # the planted circulation is s(month) times a fixed shape on the pressure levels:
    # s = +1 in January, 0 in April, -1 in July
    np.testing.assert_allclose(
        truth["v_star"].sel(month=month).values,
        seasonal_factor(month) * truth["v_star"].sel(month=1).values,
        rtol=0,
        atol=1e-12,
    )


def test_figures_and_benchmarks(run):
    for t in ("results/figures/fig3_es_monthly.png", "results/figures/fig4_fe_flux.png"):
        assert (run / t).stat().st_size > 20_000, t
    # Fig. 3 draws the v* and w* parts (transport.fig3.drivers), finite at every arrow point
    rd = _open(run, "results/drift/residual_drift_monthly.nc")
    assert TRANSPORT["fig3"]["drivers"] == ["V", "W"]
    for c in ("v_ion", "w_ion"):
        assert np.isfinite(rd[f"{c}_by_driver"].sel(driver=["V", "W"]).values).all(), c
    # and the S4max under the arrows: every month with COSMIC days in it has data
    clim = _open(run, "results/occultation/monthly_lat_alt.nc")
    for m in _months_sampled():
        assert np.isfinite(clim["s4max_mean"].sel(month=m).values).sum() >= 10, m
    log4 = (run / "logs" / "figures" / "fig4_fe_flux.log").read_text()
    assert "months [1, 7]" in log4
    # every rule of the slice is benchmarked
    for rule in RULES:
        assert (run / "benchmarks" / "transport" / f"{rule}.tsv").stat().st_size > 0, rule


def test_velocity_row_is_the_range_of_the_residual_drift_in_the_region(run):
    table = pd.read_csv(run / "results" / "tables" / "paper_numbers.csv")
    rd = _open(run, "results/drift/residual_drift_monthly.nc")
    reg, rng = TRANSPORT["velocity_region"], TRANSPORT["range"]
    assert reg["drivers"] is None  # the total drift
    sub = rd["v_ion"].sel(
        month=reg["months"],
        altitude=slice(reg["altitude_km"]["min"], reg["altitude_km"]["max"]),
        lat=slice(reg["lat_deg"]["min"], reg["lat_deg"]["max"]),
    )
    w = np.cos(np.deg2rad(sub["lat"].values))[None, None, :] * np.ones(sub.shape)
    lo, hi = _weighted_percentiles(_f64(sub), w, rng["percentiles"])
    vel = table.iloc[0]
    assert vel["quantity"] == "meridional ion velocity, 107–118 km, 10–60°N, months 6,7,8"
    assert (vel["value_low"], vel["value_high"]) == pytest.approx((lo, hi), rel=1e-12)
    assert f"over {sub.size} model points" in vel["notes"]
    assert vel["units"] == "m s-1" and vel["paper_low"] == -1.08 and vel["paper_high"] == 7.45


def _band_events(wd, season: str) -> tuple[pd.DataFrame, xr.Dataset]:
    """The Es events of a season whose map cell has its centre in the winter-trough band."""
    maps = _open(wd, f"results/occultation/maps_{season}.nc")
    months = (12, 1, 2) if season == "DJF" else (6, 7, 8)
    files = sorted(
        glob.glob(str(wd / "results" / "occultation" / "events" / str(YEAR) / "*.parquet"))
    )
    ev = pd.concat([pd.read_parquet(f) for f in files])
    ev = ev[ev["time"].dt.month.isin(months)]
    i = np.searchsorted(maps["lat_bnds"].values[:, 1], ev["lattp_s4max"].to_numpy(), side="right")
    j = np.searchsorted(maps["lon_bnds"].values[:, 1], ev["lontp_s4max"].to_numpy(), side="right")
    sign = 1.0 if season == "DJF" else -1.0
    band = TRANSPORT["winter_trough"]["geomagnetic_lat_deg"]
    mlat = sign * geomagnetic_latitude(
        maps["lat"].values[i], maps["lon"].values[j], geomagnetic_epoch(CONFIG["cosmic"]["years"])
    )
    return ev[(mlat >= band["min"]) & (mlat <= band["max"])], maps


def _slope_tolerance(station_means: pd.DataFrame, truth: PlantedTruth) -> float:
    """Three standard deviations of the fitted slope from the peak-day errors of the stations.

    A peak-day error eps moves the fitted slope b of latitude against day by about
    b eps / sqrt(S_dd) (S_dd: sum of squared deviations of the planted peak days), so with
    the measured rms error sigma of the stations' peak days against the planted ones the
    slope's standard deviation is b sigma / sqrt(S_dd).
    """
    planted = np.array([truth.peak_doy(lat) for lat in station_means["lat_deg"]])
    sigma = float(np.sqrt(np.mean((station_means["mean_peak_doy"].to_numpy() - planted) ** 2)))
    s_dd = float(((planted - planted.mean()) ** 2).sum())
    return 3.0 * truth.slope_deg_per_day * sigma / np.sqrt(s_dd)


def test_paper_numbers_table(run):
    table = pd.read_csv(run / "results" / "tables" / "paper_numbers.csv")
    assert list(table.columns[:6]) == [
        "quantity",
        "value_this_run",
        "paper_value",
        "units",
        "source",
        "notes",
    ]
    assert len(table) == 9 + 4 * len(RUN_FITS)  # the configured estimator and the paper's method
    assert np.isfinite(table[["value_low", "value_high"]].to_numpy()).all(), table
    assert (table["units"].fillna("") != "").all() and table["paper_value"].notna().all()
    q = " | ".join(table["quantity"])
    for part in (
        "meridional ion velocity, 107–118 km, 10–60°N",
        "flux at 106 km, January",
        "flux at 106 km, July",
        "flux convergence",
        "summer Es maximum",
        "winter-trough S4max",
        "slope, Greenwich chain",
        "speed, all stations",
    ):
        assert part in q, part
    # rows b: the range table's January and July rows
    ranges = pd.read_csv(run / "results" / "flux" / "flux_106km_range.csv").set_index("month")
    for m, name in zip(TRANSPORT["flux"]["months"], ("January", "July"), strict=True):
        row = table[table["quantity"] == f"Fe+ meridional flux at 106 km, {name}"].iloc[0]
        assert (row["value_low"], row["value_high"]) == (
            ranges.loc[m, "flux_north_low"],
            ranges.loc[m, "flux_north_high"],
        )
    # rows d: each edge of the summer band within one latitude bin of the planted band's edges
    es = table[table["quantity"].str.contains("summer Es maximum")]
    assert len(es) == 2
    res = CONFIG["cosmic"]["monthly"]["lat_resolution_deg"]
    for _, row in es.iterrows():
        hemi = "N" if "(north)" in row["quantity"] else "S"
        lo, hi = _planted_es_band(hemi, TRANSPORT["es_band"]["threshold"])
        assert row["value_low"] == pytest.approx(lo, abs=res), (row["quantity"], lo, hi)
        assert row["value_high"] == pytest.approx(hi, abs=res), (row["quantity"], lo, hi)
    # rows e: the mean S4max of the events in the band's cells, which is the planted intensity
    # at each event (tangent point, day, altitude) within three standard errors of the planted
    # log-normal noise (relative variance exp(sigma^2) - 1)
    es_truth = PlantedEsClimatology()
    trough = table[table["quantity"].str.contains("winter-trough")]
    assert len(trough) == 2
    for _, row in trough.iterrows():
        season = "DJF" if "DJF" in row["quantity"] else "JJA"
        ev, _ = _band_events(run, season)
        assert f"of the {len(ev)} events" in row["notes"]
        assert row["value_low"] == pytest.approx(ev["s4max"].mean(), rel=1e-6)  # float32 S4max
        day = ev["time"].dt.normalize()
        maglat = np.array(
            [
                geomagnetic_latitude(la, lo, d.date())
                for la, lo, d in zip(ev["lattp_s4max"], ev["lontp_s4max"], day, strict=True)
            ]
        )
        expect = es_intensity(
            ev["lattp_s4max"].to_numpy(),
            ev["lontp_s4max"].to_numpy(),
            ev["time"].dt.day_of_year.to_numpy(),
            ev["alttp_s4max"].to_numpy(),
            maglat,
            es_truth,
        )
        se = np.sqrt(np.sum(expect**2) * (np.exp(es_truth.noise_sigma**2) - 1.0)) / len(ev)
        assert row["value_low"] == pytest.approx(expect.mean(), abs=3 * se), (
            season,
            expect.mean(),
            se,
        )
    # rows f: the regression table as it is, and the planted slope recovered within the spread
    # the stations' peak-day errors allow
    reg = pd.read_csv(run / "results" / "ionosonde" / "regression.csv")
    reg = reg.loc[reg["default"]].set_index("fit")  # the configured estimator (paper's rows follow)
    means = pd.read_csv(run / "results" / "ionosonde" / "station_means.csv")
    iono_truth = _planted(PlantedTruth, CONFIG["ionosonde"]["synthetic"])
    slopes = table[
        table["quantity"].str.contains("slope")
        & ~table["quantity"].str.contains("the paper's method")
    ]
    assert (slopes["units"] == "degree day-1").all() and len(slopes) == len(RUN_FITS)
    for fit, (_, row) in zip(RUN_FITS, slopes.iterrows(), strict=True):
        assert row["value_low"] == reg.loc[fit, "slope_deg_per_day"]
        stations = means if fit == "all" else means[means["chain"] == fit]
        tol = _slope_tolerance(stations, iono_truth)
        assert row["value_low"] == pytest.approx(iono_truth.slope_deg_per_day, abs=tol), (fit, tol)


def test_report_has_captions_and_tables(run):
    html = (run / "report.html").read_text(errors="replace")
    for text in (
        "column-density ratio",
        "mean of R is exactly 1 in every month",
        "flux_north_low",
        "value_this_run",
        "Figure 3",
        "Figure 4",
        "Tables",
    ):
        assert text in html, text
    assert "System Message" not in html  # no reStructuredText error in any caption
