"""Fe+ flux, its divergence and band, the residual-circulation drift and the paper-number rows.

Small hand-made cases with known answers; the end-to-end checks on the
synthetic default are in tests/test_transport_workflow.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from estransport.physics import flux as F
from estransport.physics.drift import ion_drift_closed_form
from estransport.physics.residual_drift import residual_drift
from estransport.steps import RuleJob
from estransport.steps import transport as steps
from estransport.tables import paper_numbers as P

LAT = np.arange(-85.0, 86.0, 10.0)
LON = np.arange(0.0, 360.0, 60.0)
ALT = np.arange(95.0, 121.0, 1.0)


def _times(per_month: int, months=(1, 7)):
    """cftime noleap times: ``per_month`` samples on the 15th of each month."""
    import cftime

    return [cftime.DatetimeNoLeap(2008, m, 15, 6 * k) for m in months for k in range(per_month)]


def _state_and_drift(per_month: int = 1, seed: int = 0):
    rng = np.random.default_rng(seed)
    times = _times(per_month)
    shape = (len(times), ALT.size, LAT.size, LON.size)
    coords = {"time": times, "altitude": ALT, "lat": LAT, "lon": LON}
    dims = ("time", "altitude", "lat", "lon")
    n = xr.DataArray(1e9 * (1 + rng.random(shape)), dims=dims, coords=coords)
    drivers = ["U", "V", "W", "ExB", "pedersen"]
    v = xr.DataArray(
        rng.normal(0, 3, (5, *shape)), dims=("driver", *dims), coords={"driver": drivers, **coords}
    )
    w = xr.DataArray(
        rng.normal(0, 0.3, (5, *shape)),
        dims=("driver", *dims),
        coords={"driver": drivers, **coords},
    )
    state = xr.Dataset({"n_Fep": n})
    drift = xr.Dataset(
        {"v_ion": v, "w_ion": w, "v_ion_total": v.sum("driver"), "w_ion_total": w.sum("driver")}
    )
    return state, drift


def test_flux_is_density_times_drift_point_by_point():
    state, drift = _state_and_drift(per_month=1)
    ds = F.compute_fe_flux(state, drift, level_km=106.0)
    for i, m in enumerate((1, 7)):
        expect_n = state["n_Fep"].isel(time=i).values * drift["v_ion_total"].isel(time=i).values
        expect_w = state["n_Fep"].isel(time=i).values * drift["w_ion_total"].isel(time=i).values
        np.testing.assert_allclose(ds["flux_north"].sel(month=m).values, expect_n, rtol=1e-12)
        np.testing.assert_allclose(ds["flux_up"].sel(month=m).values, expect_w, rtol=1e-12)
        # the level is the 106 km model level (on the grid: no interpolation error)
        np.testing.assert_allclose(
            ds["flux_north_level"].sel(month=m).values, expect_n[list(ALT).index(106.0)], rtol=1e-12
        )
    # the parts carried by each driver add up to the zonal-mean flux
    np.testing.assert_allclose(
        ds["flux_north_zm_by_driver"].sum("driver"), ds["flux_north_zm"], rtol=1e-10
    )
    for k in ("flux_north", "flux_up", "flux_north_zm", "flux_north_level"):
        assert ds[k].attrs["units"] == "m-2 s-1"
    assert ds["convergence_zm"].attrs["units"] == "m-3 s-1"


def test_monthly_flux_is_the_mean_of_the_product():
    """With several times a month the flux keeps the n-v correlation (mean of n v, not n-bar v-bar)."""
    state, drift = _state_and_drift(per_month=4, seed=1)
    ds = F.compute_fe_flux(state, drift, level_km=106.0)
    prod = (state["n_Fep"] * drift["v_ion_total"]).isel(time=slice(0, 4)).mean("time")
    np.testing.assert_allclose(ds["flux_north"].sel(month=1).values, prod.values, rtol=1e-12)
    naive = state["n_Fep"].isel(time=slice(0, 4)).mean("time") * drift["v_ion_total"].isel(
        time=slice(0, 4)
    ).mean("time")
    assert not np.allclose(naive.values, prod.values, rtol=1e-3)


def test_mismatched_grids_are_an_error():
    state, drift = _state_and_drift()
    with pytest.raises(ValueError, match="coordinate 'lat'"):
        F.compute_fe_flux(state, drift.assign_coords(lat=drift["lat"] + 1.0), level_km=106.0)


def test_spherical_divergence_against_analytic():
    lat = np.linspace(-89.5, 89.5, 180)
    a = F.EARTH_RADIUS_M
    h = np.deg2rad(1.0)  # grid spacing, rad
    # Phi = A cos(phi): div = (1/(a cos)) d(A cos^2)/dphi = -2 A sin(phi) / a. The centred
    # difference of cos^2 = (1 + cos 2 phi)/2 is that derivative times sin(2h)/(2h) exactly,
    # a relative error of (2h)^2/6 = 2e-4 on this 1-degree grid.
    phi = xr.DataArray(1e9 * np.cos(np.deg2rad(lat)), dims="lat", coords={"lat": lat})
    div = F.meridional_divergence(phi, altitude=None)
    analytic = -2e9 * np.sin(np.deg2rad(lat[1:-1])) / a
    np.testing.assert_allclose(div.values[1:-1], analytic * np.sin(2 * h) / (2 * h), rtol=1e-9)
    np.testing.assert_allclose(div.values[1:-1], analytic, rtol=1.01 * (2 * h) ** 2 / 6)
    # with altitude, r = a + z
    phi2 = phi.expand_dims(altitude=[100.0])
    div2 = F.meridional_divergence(phi2)
    np.testing.assert_allclose(div2.values[0, 5:-5], div.values[5:-5] * a / (a + 1e5), rtol=1e-12)
    up = xr.DataArray(3e6 * ALT, dims="altitude", coords={"altitude": ALT})  # m-2 s-1, linear in km
    np.testing.assert_allclose(F.vertical_divergence(up).values, 3e3)  # per m


def test_convergence_band_half_maximum():
    lat = np.arange(-89.5, 90.0, 1.0)
    y = np.exp(-(((np.abs(lat) - 35.0) / 10.0) ** 2)) * np.where(lat > 0, 1.0, 0.3)
    prof = xr.DataArray(y, dims="lat", coords={"lat": lat})
    band = F.convergence_band(prof, "N", threshold=0.5)
    half = 10.0 * np.sqrt(np.log(2.0))
    # edges interpolated linearly on the 1-degree grid: the Gaussian's curvature over one
    # step moves the crossing by under 0.1 degree
    assert band["lat_low"] == pytest.approx(35.0 - half, abs=0.1)
    assert band["lat_high"] == pytest.approx(35.0 + half, abs=0.1)
    assert band["lat_peak"] in (34.5, 35.5)  # the grid latitudes next to the maximum
    south = F.convergence_band(prof, "S", threshold=0.5)
    assert south["lat_low"] == pytest.approx(band["lat_low"], abs=0.1)
    assert south["peak"] == pytest.approx(0.3 * band["peak"], rel=1e-3)
    none = F.convergence_band(-prof, "N", threshold=0.5)
    assert np.isnan(none["lat_low"])


def test_field_range_definitions():
    v = np.arange(101.0)  # 0..100
    assert F.field_range(v, method="minmax", percentiles=(5, 95)) == (0.0, 100.0)
    # equal weights: sample k sits at cumulative fraction (k + 1/2) / 101, so the 5th and 95th
    # percentiles are at k = 0.05 * 101 - 1/2 = 4.55 and 0.95 * 101 - 1/2 = 95.45
    lo, hi = F.field_range(v, method="percentile", percentiles=(5, 95))
    assert (lo, hi) == pytest.approx((4.55, 95.45), rel=1e-12)
    # weight only on 50..100 (51 samples): 50 + 0.05 * 51 - 1/2 and 50 + 0.95 * 51 - 1/2
    w = (v >= 50).astype(float)
    lo, hi = F.field_range(v, w, method="percentile", percentiles=(5, 95))
    assert (lo, hi) == pytest.approx((52.05, 97.95), rel=1e-12)
    # a weight shifts the percentile: doubling the weight of the upper half
    lo, hi = F.field_range(v, 1.0 + (v >= 50), method="percentile", percentiles=(50, 50))
    cw = (np.cumsum(1.0 + (v >= 50)) - (1.0 + (v >= 50)) / 2) / (1.0 + (v >= 50)).sum()
    assert lo == pytest.approx(np.interp(0.5, cw, v), rel=1e-12) and lo > 50.0
    assert np.isnan(F.field_range([np.nan], method="percentile", percentiles=(5, 95))[0])
    with pytest.raises(ValueError):
        F.field_range(v, method="mean", percentiles=(5, 95))


def test_summer_hemisphere():
    assert [F.summer_hemisphere(m) for m in (1, 4, 7, 9, 10, 12)] == ["S", "N", "N", "N", "S", "S"]


def _pointwise_mean_drift(U_bar, v, w, inc, dec, r):
    """Longitude (and time) mean of the A3-A5 drift evaluated at every longitude (and time).

    ``U_bar``, ``v``, ``w`` on (altitude, lat); ``inc``, ``dec`` on (altitude, lat, lon);
    ``r`` on (time, altitude, lat, lon). Loops over longitude and time explicitly.
    """
    acc = [np.zeros(U_bar.shape) for _ in range(3)]
    nt, nlon = r.shape[0], r.shape[-1]
    for t in range(nt):
        for k in range(nlon):
            parts = ion_drift_closed_form(U_bar, v, w, inc[..., k], dec[..., k], r[t, ..., k])
            for c in range(3):
                acc[c] += parts[c]
    return [a / (nt * nlon) for a in acc]


def _residual_inputs(per_month: int, dec_fn, seed: int):
    times = _times(per_month, months=(1, 7))
    lat, lon, alt = LAT, np.arange(0.0, 360.0, 20.0), np.arange(90.0, 131.0, 2.0)
    d4 = ("time", "altitude", "lat", "lon")
    c4 = {"time": times, "altitude": alt, "lat": lat, "lon": lon}
    shape = (len(times), alt.size, lat.size, lon.size)
    rng = np.random.default_rng(seed)
    U = xr.DataArray(rng.normal(0, 20, shape), dims=d4, coords=c4)
    r = xr.DataArray(np.exp(rng.normal(1.0, 0.8, shape)), dims=d4, coords=c4)
    c3 = {k: c4[k] for k in d4[1:]}
    inc = xr.DataArray(
        np.broadcast_to(60 * np.sin(np.deg2rad(lat))[None, :, None], shape[1:]).copy()
        + rng.normal(0, 3, shape[1:]),
        dims=d4[1:],
        coords=c3,
    )
    dec = xr.DataArray(dec_fn(rng, shape[1:]), dims=d4[1:], coords=c3)
    d3 = ("time", "altitude", "lat")
    vs = xr.DataArray(rng.normal(0, 3, shape[:3]), dims=d3, coords={k: c4[k] for k in d3})
    ws = xr.DataArray(rng.normal(0, 0.02, shape[:3]), dims=d3, coords={k: c4[k] for k in d3})
    return U, r, inc, dec, vs, ws


def _check_against_pointwise(per_month, dec_fn, seed):
    U, r, inc, dec, vs, ws = _residual_inputs(per_month, dec_fn, seed)
    out = residual_drift(
        xr.Dataset({"v_star": vs, "w_star": ws}),
        xr.Dataset({"U": U}),
        xr.Dataset({"inclination": inc, "declination": dec, "r_i": r}),
        altitude_km=(100, 120),
    )
    assert out["altitude"].min() == 100 and out["altitude"].max() == 120
    sel = {"altitude": slice(100, 120)}
    month_of = np.array([t.month for t in U["time"].values])
    expected = {}
    for m in (1, 7):
        it = np.flatnonzero(month_of == m)
        U_bar = U.isel(time=it).mean(("time", "lon")).sel(sel).values
        v = vs.isel(time=it).mean("time").sel(sel).values
        w = ws.isel(time=it).mean("time").sel(sel).values
        expect = _pointwise_mean_drift(
            U_bar, v, w, inc.sel(sel).values, dec.sel(sel).values, r.isel(time=it).sel(sel).values
        )
        for c, e in zip(("u", "v", "w"), expect, strict=True):
            np.testing.assert_allclose(
                out[f"{c}_ion"].sel(month=m).values, e, rtol=1e-8, atol=1e-10
            )
        # the V-driven part alone: the same average with only v* as wind
        zero = np.zeros_like(U_bar)
        e_v = _pointwise_mean_drift(
            zero, v, zero, inc.sel(sel).values, dec.sel(sel).values, r.isel(time=it).sel(sel).values
        )
        np.testing.assert_allclose(
            out["v_ion_by_driver"].sel(month=m, driver="V").values, e_v[1], rtol=1e-8, atol=1e-10
        )
        expected[m] = (U_bar, v, w, it, expect)
    for c in ("u", "v", "w"):
        np.testing.assert_allclose(
            out[f"{c}_ion_by_driver"].sum("driver"), out[f"{c}_ion"], rtol=1e-12
        )
    assert list(out["driver"].values) == ["U", "V", "W"]
    return out, (U, r, inc, dec), expected


def test_residual_drift_is_the_zonal_and_monthly_mean_of_the_pointwise_drift():
    """Two history times a month, small declinations: the drift is the mean of M(I, D, r_i) (U_bar, v*, w*)."""
    _check_against_pointwise(2, lambda rng, shape: rng.normal(0, 5, shape), seed=3)


def test_residual_drift_with_declination_wrapping_around_the_latitude_circle():
    """Near a magnetic pole D takes every value in -180..180 around a latitude circle: its arithmetic
    mean is meaningless, the mean of the pointwise drift is not."""
    out, (U, r, inc, dec), expected = _check_against_pointwise(
        1, lambda rng, shape: rng.uniform(-180.0, 180.0, shape), seed=5
    )
    sel = {"altitude": slice(100, 120)}
    # the old approach (drift of the zonal means of I, D and r_i) gives a different answer
    for m in (1, 7):
        U_bar, v, w, it, expect = expected[m]
        old = ion_drift_closed_form(
            U_bar,
            v,
            w,
            inc.mean("lon").sel(sel).values,
            dec.mean("lon").sel(sel).values,
            r.isel(time=it).mean(("time", "lon")).sel(sel).values,
        )
        for c in range(3):
            assert not np.allclose(old[c], expect[c], rtol=0.05, atol=0.05)
    # the declination diagnostic is the circular mean, inside -180..180
    assert (np.abs(out["declination"]) <= 180.0).all()


def test_es_band_and_trough_rows():
    lat = np.arange(-87.5, 88.0, 5.0)
    ratio = np.where((np.abs(lat) > 10) & (np.abs(lat) < 60), 2.0, 0.2)
    ratio = np.where(lat > 0, ratio, ratio * 0.8)
    ds = xr.Dataset(
        {"column_density_ratio": (("month", "lat"), np.tile(ratio, (12, 1)))},
        coords={"month": np.arange(1, 13), "lat": lat},
        attrs={"lat_resolution_deg": 5.0},
    )
    rows = P.es_band_rows(ds, threshold=1.0)  # bands 10-60 both sides, edges on bin edges
    assert [r["value_low"] for r in rows] == [10.0, 10.0]
    assert [r["value_high"] for r in rows] == [60.0, 60.0]
    assert rows[0]["units"] == "degree" and rows[0]["paper_low"] == 10.0

    # trough: 0.1 inside the 60-80 geomagnetic band of the winter hemisphere, 0.5 elsewhere
    from estransport.geomag import geomagnetic_epoch, geomagnetic_latitude

    glat, glon = np.meshgrid(lat, np.arange(-175.0, 180.0, 10.0), indexing="ij")
    mlat = geomagnetic_latitude(glat, glon, geomagnetic_epoch([2008]))
    maps = {}
    for season, sign in (("DJF", 1), ("JJA", -1)):
        mean = np.where((sign * mlat >= 60) & (sign * mlat <= 80), 0.1, 0.5)[None]
        maps[season] = xr.Dataset(
            {
                "s4max_mean": (("season", "lat", "lon"), mean),
                "count": (("season", "lat", "lon"), np.full(mean.shape, 3)),
            },
            coords={"season": [season], "lat": lat, "lon": glon[0]},
        )
    rows = P.winter_trough_rows(maps, years=[2008], maglat_deg=(60.0, 80.0))
    assert [r["value_low"] for r in rows] == pytest.approx([0.1, 0.1])


def test_ionosonde_rows_and_velocity_row():
    reg = pd.DataFrame(
        {
            "fit": ["Greenwich", "120E", "all"],
            "slope_deg_per_day": [1.0, np.nan, 2.0],
            "slope_se_deg_per_day": [0.1, np.nan, 0.2],
            "speed_m_per_s": [1.3, np.nan, 2.6],
            "speed_se_m_per_s": [0.13, np.nan, 0.26],
            "r": [0.9, np.nan, 0.8],
            "p_value": [0.01, np.nan, 0.02],
            "n_points": [5, 2, 10],
        }
    )
    rows = P.ionosonde_rows(reg)
    assert len(rows) == 6
    assert rows[0]["paper_value"] == "8.06 ± 0.15" and rows[1]["paper_low"] == 10.35
    assert rows[2]["value_this_run"] == "no fit (2 points)"
    assert rows[5]["value_low"] == 2.6 and rows[5]["units"] == "m s-1"

    lat = np.arange(-85.0, 86.0, 10.0)
    alt = np.arange(100.0, 121.0)
    v = (
        np.broadcast_to(np.where(lat > 0, 1.0, -1.0), (12, alt.size, lat.size))
        * (np.arange(1, 13)[:, None, None])
    )
    drift = xr.Dataset(
        {"v_ion": (("month", "altitude", "lat"), v)},
        coords={"month": np.arange(1, 13), "altitude": alt, "lat": lat},
    )
    row = P.velocity_rows(
        drift,
        altitude_km=(107.0, 118.0),
        lat_deg=(10.0, 60.0),
        months=(6, 7, 8),
        drivers=None,
        range_method="minmax",
        percentiles=(5, 95),
        area_weighted=True,
    )[0]
    assert (row["value_low"], row["value_high"]) == (6.0, 8.0)  # June-August, northern latitudes
    assert row["paper_value"] == "-1.08 to 7.45"


def test_fe_flux_and_flux_range_steps(tmp_path):
    """Rules fe_flux and flux_range: the flux file, then its range table from the file alone."""
    state, drift = _state_and_drift(per_month=1)
    state.to_netcdf(tmp_path / "state.nc")
    drift.to_netcdf(tmp_path / "drift.nc")
    steps.fe_flux(
        RuleJob(
            input={"state": str(tmp_path / "state.nc"), "drift": str(tmp_path / "drift.nc")},
            output={"flux": str(tmp_path / "fe_flux.nc")},
            params={"level_km": 106},
        )
    )
    rng = {"method": "minmax", "percentiles": [5, 95], "area_weighted": True}
    steps.flux_range(
        RuleJob(
            input={"flux": str(tmp_path / "fe_flux.nc")},
            output={"ranges": str(tmp_path / "range.csv")},
            params={"range": rng},
        )
    )
    table = pd.read_csv(tmp_path / "range.csv")
    assert list(table["month"]) == [1, 7] and (table["units"] == "m-2 s-1").all()
    assert (table["range_method"] == "minmax").all() and (table["level_km"] == 106).all()
    with xr.open_dataset(tmp_path / "fe_flux.nc") as ds:
        assert len(ds.attrs["config_sha256"]) == 64
        for i, m in enumerate((1, 7)):
            jan = ds["flux_north_level"].sel(month=m).values
            # the 106 km level is a model level: the product at that level, 4 digits in the CSV
            expect = (state["n_Fep"] * drift["v_ion_total"]).isel(time=i).sel(altitude=106.0).values
            np.testing.assert_allclose(jan, expect, rtol=1e-12)
            assert table.loc[i, "flux_north_low"] == pytest.approx(expect.min(), rel=5e-4)
            assert table.loc[i, "flux_north_high"] == pytest.approx(expect.max(), rel=5e-4)


def test_fe_flux_step_without_fe_ions_names_fep(tmp_path):
    from estransport.errors import InputFileError

    state, drift = _state_and_drift(per_month=1)
    state.rename(n_Fep="n_air").to_netcdf(tmp_path / "state.nc")
    drift.to_netcdf(tmp_path / "drift.nc")
    job = RuleJob(
        input={"state": str(tmp_path / "state.nc"), "drift": str(tmp_path / "drift.nc")},
        output={"flux": str(tmp_path / "f.nc")},
        params={"level_km": 106},
    )
    with pytest.raises(InputFileError, match="Fep"):
        steps.fe_flux(job)
    assert not (tmp_path / "f.nc").exists()


def test_divergence_is_finite_off_the_poles_and_nan_on_pole_rows():
    """CESM FV grids carry +-90 degree rows: the 1/cos(phi) factor must not blow up there."""
    import xarray as xr

    from estransport.physics.flux import meridional_divergence

    lat = np.linspace(-90, 90, 97)
    # A flux of 1e9 m-2 s-1 everywhere, including the pole rows.
    flux = xr.DataArray(np.full(lat.size, 1e9), coords={"lat": lat}, dims="lat")
    div = meridional_divergence(flux, altitude=None)
    assert np.isnan(div.values[[0, -1]]).all()
    inner = div.values[1:-1]
    assert np.isfinite(inner).all()
    # Analytic: (1/(a cos)) d(cos * F)/dphi = -F tan(phi) / a. Off the pole rows the centred
    # difference of cos is the derivative times sin(h)/h exactly (h = 1.875 degrees: a
    # relative error h^2/6 = 1.8e-4).
    a = F.EARTH_RADIUS_M
    h = np.deg2rad(lat[1] - lat[0])
    expected = -1e9 * np.tan(np.radians(lat[1:-1])) / a
    np.testing.assert_allclose(inner, expected * np.sin(h) / h, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(inner, expected, rtol=1.01 * h**2 / 6, atol=1e-9)
