"""Synthetic WACCM history files: real CESM layout, read back by the reader, planted values recovered."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr

from estransport.config import validate_config
from estransport.errors import ConfigError, InputFileError
from estransport.model import cesm
from estransport.model.state import build_model_state
from estransport.physics.atmosphere import msis_profiles
from estransport.physics.vertical import mean_molecular_mass
from estransport.steps import RuleJob
from estransport.steps.model import synthetic_waccm_parameters
from estransport.synthetic.waccm import (
    SyntheticWaccmParameters,
    fep_density,
    history_file_names,
    zonal_wind,
)

from .model_helpers import (
    drift_options,
    model_config,
    state_options,
    synthetic_run,
    synthetic_state,
    tem_options,
)
from .workflow_helpers import default_config

#: Constants written out for the independent checks: R* = N_A k_B (SI 2019,
#: J K-1 kmol-1), and CESM's g (m s-2) and Earth radius (m) (shr_const_mod).
R_STAR, G0, R_EARTH = 8314.46, 9.80616, 6.37122e6


def _level_altitudes_km(path: Path) -> np.ndarray:
    """Geometric altitude (km) of every level of the first record, (lev, lat, lon)."""
    ds = cesm.open_history([path], ps_fallback="error")
    return cesm.altitude_from_history(ds).isel(time=0).values / 1e3


def _max_spacing_km(z: np.ndarray, lo: float, hi: float) -> float:
    """Largest level spacing (km) among the levels between lo and hi km (top first)."""
    dz = z[:-1] - z[1:]
    inside = (z[:-1] > lo) & (z[1:] < hi)
    return float(dz[inside].max())


def test_files_have_the_cesm_layout():
    paths, _, params = synthetic_run()
    names = history_file_names(
        case=params.case, year=params.year, samples_per_day=params.samples_per_day
    )
    assert [p.name for p in paths] == names
    assert paths[0].name == "estransport_waccm_synthetic.cam.h0.2008-01.nc"
    with netCDF4.Dataset(paths[0]) as nc:
        assert nc.data_model == "NETCDF3_64BIT_OFFSET"
        assert nc.Conventions == "CF-1.0" and nc.source == "CAM" and nc.case == params.case
        assert nc.time_period_freq == "month_1"
        assert nc.dimensions["time"].isunlimited()
        for name in ("T", "U", "V", "OMEGA", "Z3", "Fep", "O", "O2", "EX", "EY", "EZ"):
            v = nc[name]
            assert v.dimensions == ("time", "lev", "lat", "lon") and v.dtype == np.float32, name
            assert v.cell_methods == "time: mean"
        assert nc["PS"].dimensions == ("time", "lat", "lon")
        assert nc["Fep"].units == "mol/mol" and nc["Fep"].mixing_ratio == "dry"
        assert float(nc["P0"][...]) == 1e5
        # January mean: stamped at the end (1 Feb), bounds = the month
        assert nc["time"].calendar == "noleap" and nc["time"].bounds == "time_bnds"
        assert float(nc["time"][0]) == 31.0 and list(nc["time_bnds"][0]) == [0.0, 31.0]
        assert int(nc["date"][0]) == 20080201 and int(nc["datesec"][0]) == 0
        lev = nc["lev"][:]
        np.testing.assert_allclose(lev, 1000 * (nc["hyam"][:] + nc["hybm"][:]))
        assert nc["lev"].formula_terms == "a: hyam b: hybm p0: P0 ps: PS"
        hybm = nc["hybm"][:]
        assert (
            hybm[0] == 0.0 and hybm[-1] > 0.5
        )  # pure pressure at the top, sigma-like at the bottom


def test_reader_reads_synthetic_times_pressures_and_altitudes():
    paths, truth, _ = synthetic_run()
    ds = cesm.open_history(paths, ps_fallback="error")
    assert ds.sizes["time"] == 12
    assert [t.month for t in ds["time"].values] == list(range(1, 13))
    assert ds["time"].values[0].day == 16  # mid-January
    z = cesm.altitude_from_history(ds).isel(time=6).mean("lon").compute()
    p_top = ds["p"].isel(time=0, lev=0, lat=0, lon=0).values
    assert p_top == pytest.approx(float(truth["plev"][0]), rel=1e-9)
    # geometric altitude round-trips the generator's Z3 (float32 Z3 of ~1e5 m: ~1 cm)
    zref = truth["z_mean"].sel(month=7).values * 1e3  # (plev, lat)
    upper = truth["plev"].values < 1e3
    np.testing.assert_allclose(z.values[upper], zref[upper], atol=0.5)


def test_state_recovers_planted_fe_layer_and_grid():
    st = synthetic_state()
    paths, _, params = synthetic_run()
    assert st["U"].dims == ("time", "altitude", "lat", "lon")
    assert (
        float(st["altitude"][0]) == 80.0
        and float(st["altitude"][-1]) == 150.0
        and st.sizes["altitude"] == 71
    )
    for name, da in st.data_vars.items():
        assert "units" in da.attrs and "long_name" in da.attrs, name
    assert st.attrs["Conventions"].startswith("CF-") and "estransport_version" in st.attrs
    fe = st["n_Fep"].isel(time=0)  # January, (altitude, lat, lon)
    profile = fe.mean("lon").sel(lat=5.0)
    peak_alt = float(profile["altitude"][int(np.argmax(profile.values))])
    assert peak_alt == pytest.approx(params.fep_peak_km, abs=1.0)  # the 1 km output grid
    # The state interpolates ln(Fep) and ln(n_air) linearly between levels; for the
    # Gaussian layer ln n is a parabola, so the error of ln n is at most
    # h^2 / (8 sigma^2) (h the level spacing, sigma the narrower, lower width).
    h = _max_spacing_km(_level_altitudes_km(paths[0]), 85.0, 120.0)
    rtol = np.expm1(h**2 / (8.0 * params.fep_width_below_km**2))
    lat = st["lat"].values
    planted = fep_density(st["altitude"].values[:, None, None], lat[None, :, None], 1, params)
    np.testing.assert_allclose(fe.values, np.broadcast_to(planted, fe.shape), rtol=rtol, atol=0)
    # no NaN on the default grid (the synthetic model top is ~180 km)
    assert not np.isnan(st["U"].values).any()


def test_state_winds_and_W():
    """U, W and E of the state against the planted fields and an independent w = -omega H / p."""
    st = synthetic_state()
    paths, truth, params = synthetic_run()
    lat, lon = st["lat"].values, st["lon"].values
    # U (monthly mean: jets, no tides) at 85 km in January: westerly in the northern
    # (winter) hemisphere. The state interpolates linearly between levels, so the
    # error is at most h^2/8 |U''| with |U''| <= jet (pi / 40 km)^2 (the planted
    # cos(pi (z - z_r + 20) / 40) profile).
    u = st["U"].isel(time=0).sel(altitude=85.0).values
    planted = zonal_wind(85.0, lat[:, None], lon[None, :], 1, 0.0, params, tides=False)
    h = _max_spacing_km(_level_altitudes_km(paths[0]), 80.0, 90.0)
    planted = np.broadcast_to(planted, u.shape)  # no tides: the same at every longitude
    np.testing.assert_allclose(u, planted, rtol=0, atol=h**2 / 8 * params.jet * (np.pi / 40) ** 2)
    assert float(u[lat == 45.0].mean()) > 10 and float(u[lat == -45.0].mean()) < -10
    # zonal-mean W at 85 km against -omega_bar H / p, with omega_bar and the pressure
    # level altitudes from the planted truth and H = R* T / (m g(z)) from MSIS on the
    # 15th (the generator's background). Measured agreement: 0.5 % of max |w|
    # (interpolation of omega, T and m between levels); bound 1 %.
    for m_i, month in ((0, 1), (6, 7)):
        w = st["W"].isel(time=m_i).mean("lon").sel(altitude=85.0).values
        z = truth["z_mean"].isel(month=m_i).values[::-1]  # (plev, lat), increasing
        omega = truth["omega_bar"].isel(month=m_i).values[::-1]
        lnp = np.log(truth["plev"].values[::-1])
        om85 = np.array([np.interp(85.0, z[:, j], omega[:, j]) for j in range(lat.size)])
        p85 = np.exp([np.interp(85.0, z[:, j], lnp) for j in range(lat.size)])
        msis = params.f107, params.f107a, params.ap
        bg = msis_profiles(
            [dt.datetime(2008, month, 15)], [85.0], lat, f107=msis[0], f107a=msis[1], ap=msis[2]
        ).isel(time=0, altitude=0)
        g = G0 * (R_EARTH / (R_EARTH + 85e3)) ** 2
        expected = -om85 * (R_STAR * bg["T"].values / (bg["mean_mass"].values * g)) / p85
        np.testing.assert_allclose(w, expected, rtol=0, atol=0.01 * np.abs(expected).max())
        # sinking over the winter pole, rising over the summer pole
        winter = 75.0 if month == 1 else -75.0
        assert w[lat == winter][0] < 0 < w[lat == -winter][0]
    # electric field read from EX/EY/EZ: EX = E0 cos(lat)
    e_east = st["E_east"].isel(time=0, altitude=0, lon=0).values
    np.testing.assert_allclose(
        e_east, 1e-3 * params.electric_field_mv_m * np.cos(np.radians(lat)), rtol=1e-6
    )


def test_msis_composition_path_agrees_with_model_composition():
    """Total density + MSIS composition ~ the files' own O/O2 (both are MSIS-based here).

    They differ by the date (the generator evaluates MSIS on the 15th, the state at
    the middle of the averaging interval) and by interpolating the files' mixing
    ratios twice (MSIS grid -> levels -> fixed altitudes). Measured at 90-140 km:
    N2 1.2 %, O2 0.3 %, O 3.8 %; bounds 1.5 %, 0.5 % and 5 %.
    """
    model = synthetic_state("auto")
    msis = synthetic_state("msis")
    assert "model O and O2" in model.attrs["composition"] and "NRLMSIS" in msis.attrs["composition"]
    for s, rtol in (("n_N2", 0.015), ("n_O2", 0.005), ("n_O", 0.05)):
        a = model[s].sel(altitude=slice(90, 140)).mean(("lon",)).values
        b = msis[s].sel(altitude=slice(90, 140)).mean(("lon",)).values
        np.testing.assert_allclose(b, a, rtol=rtol)


def test_tides_in_instantaneous_files():
    """samples_per_day = 4: the planted diurnal + semidiurnal tides are in U and cancel in the daily mean.

    Four equally spaced UTs sample both tides at quarter periods, so the daily mean
    is the jet alone and each anomaly is the planted tide at the level's altitude.
    """
    paths, _, params = synthetic_run(4)
    assert paths[0].name.endswith(".cam.h1.2008-01-15-00000.nc")
    ds = cesm.open_history(paths[:1], ps_fallback="error")
    assert ds.sizes["time"] == 4
    assert [t.hour for t in ds["time"].values] == [0, 6, 12, 18]
    u = ds["U"].values.astype(float)  # (time, lev, lat, lon)
    z = cesm.altitude_from_history(ds).isel(time=0).values / 1e3  # (lev, lat, lon)
    lat = ds["lat"].values[None, :, None]
    lon = ds["lon"].values[None, None, :]
    for k, ut in enumerate((0.0, 6.0, 12.0, 18.0)):
        tide = zonal_wind(z, lat, lon, 1, ut, params) - zonal_wind(
            z, lat, lon, 1, ut, params, tides=False
        )
        # float32 U of up to ~60 m/s: 1e-5 m/s; the level altitude from float32 Z3: ~1 cm
        np.testing.assert_allclose(u[k] - u.mean(axis=0), tide, rtol=0, atol=1e-3)
    near = np.abs(z - params.tide_peak_km) < 2.0
    assert np.abs(u - u.mean(axis=0)).max(axis=0)[near].max() > params.diurnal_tide
    mono, _, _ = synthetic_run(0)
    u_mean = cesm.open_history(mono[:1], ps_fallback="error")["U"].values[0]
    np.testing.assert_allclose(u.mean(axis=0), u_mean, atol=1e-3)


def test_parameters_are_the_config_values():
    """The step builds the generator's parameters from model.synthetic and model.msis, nothing else."""
    cfg = validate_config(default_config())["model"]
    params = synthetic_waccm_parameters(cfg["synthetic"], cfg["msis"])
    values = dataclasses.asdict(params)
    for key, value in cfg["synthetic"].items():
        assert values[key] == (tuple(value) if isinstance(value, list) else value), key
    assert (params.f107, params.f107a, params.ap) == tuple(
        cfg["msis"][k] for k in ("f107", "f107a", "ap")
    )
    # every field but the indices taken from model.msis and the months is a config key
    assert set(values) - set(cfg["synthetic"]) == {"f107", "f107a", "ap", "months"}
    assert params.months == tuple(range(1, 13))
    # no planted value has a default in the library: a missing one is an error
    partial = {k: v for k, v in cfg["synthetic"].items() if k != "v_mesosphere"}
    with pytest.raises(TypeError, match="v_mesosphere"):
        synthetic_waccm_parameters(partial, cfg["msis"])
    # an unknown key is stopped by the schema, naming it
    bad = default_config()
    bad["model"]["synthetic"]["nonsense"] = 2
    with pytest.raises(ConfigError) as info:
        validate_config(bad)
    assert info.value.key == "model.synthetic.nonsense"
    assert isinstance(params, SyntheticWaccmParameters)


def _with_ed_fields(src: Path, dst: Path, *, magnetic: bool = False) -> None:
    """Copy a history file, replacing EX/EY/EZ by 2-D ED1/ED2 (geographic or magnetic grid)."""
    with xr.open_dataset(src, decode_times=False) as ds:
        ds = ds.load().drop_vars(["EX", "EY", "EZ"])
    lat = ds["lat"].values
    ed1 = np.full((ds.sizes["time"], lat.size, ds.sizes["lon"]), 2e-3, "f4")
    ed2 = np.broadcast_to((1e-3 * np.ones_like(lat))[None, :, None], ed1.shape).astype("f4")
    dims = ("time", "mlat", "mlon") if magnetic else ("time", "lat", "lon")
    ds["ED1"] = (dims, ed1, {"units": "V/m"})
    ds["ED2"] = (dims, ed2, {"units": "V/m"})
    ds.to_netcdf(dst, format="NETCDF3_64BIT")


def test_ed1_ed2_electric_field(tmp_path):
    """ED1 (magnetic eastward) -> E_east; ED2 (equatorward) -> -sign(lat) E_north; no E_up."""
    paths, _, _ = synthetic_run()
    dst = tmp_path / "ed.cam.h0.2008-01.nc"
    _with_ed_fields(paths[0], dst)
    st = build_model_state([dst], **state_options()).isel(time=0, altitude=20).compute()
    assert st.attrs["electric_field"] == "ED1/ED2"
    np.testing.assert_allclose(st["E_east"].values, 2e-3, rtol=1e-6)
    north = st["E_north"].values
    lat = st["lat"].values
    np.testing.assert_allclose(north[lat > 0], -1e-3, rtol=1e-6)  # equatorward = south in the NH
    np.testing.assert_allclose(north[lat < 0], 1e-3, rtol=1e-6)
    assert float(np.abs(st["E_up"]).max()) == 0.0
    magnetic = tmp_path / "edm.cam.h0.2008-01.nc"
    _with_ed_fields(paths[0], magnetic, magnetic=True)
    with pytest.raises(InputFileError, match="magnetic grid"):
        build_model_state([magnetic], **state_options())


def _without(src: Path, dst: Path, names: tuple[str, ...]) -> None:
    """Copy a history file without some variables (netCDF-3, as WACCM writes)."""
    with xr.open_dataset(src, decode_times=False) as ds:
        ds = ds.load().drop_vars(list(names))
    ds.to_netcdf(dst, format="NETCDF3_64BIT")


def test_reader_and_state_without_fep(tmp_path, caplog):
    """WACCM without metal chemistry: no Fep -> state without n_Fep (warning), drift and TEM
    still work (Figs. 1, 2c,d); the Fe+ flux's accessor stops naming Fep and the file."""
    import logging

    from estransport.model.circulation import tem_from_history
    from estransport.model.drift import compute_drift
    from estransport.model.state import require_fep

    paths, _, _ = synthetic_run()
    dst = tmp_path / "nofe.cam.h0.2008-07.nc"
    _without(paths[6], dst, ("Fep",))
    ds = cesm.open_history(dst, ps_fallback="error")  # default variables do not require Fep
    assert "Fep" not in ds and "T" in ds
    with caplog.at_level(logging.WARNING):
        st = build_model_state([dst], **state_options())
    assert "'Fep'" in caplog.text and str(dst) in caplog.text
    assert "n_Fep" not in st and "absent" in st.attrs["fe_ion"] and "'Fep'" in st.attrs["fe_ion"]
    for name in ("U", "V", "W", "n_N2", "n_O2", "n_O", "E_east"):
        assert name in st, name
    # the same fields as with Fep
    full = synthetic_state().isel(time=[6])
    sub = st.isel(altitude=slice(10, 40))
    np.testing.assert_allclose(sub["V"].values, full["V"].isel(altitude=slice(10, 40)).values)
    # Fig. 1's input (drift) and Fig. 2c,d's (TEM) are made without Fe+
    drift = compute_drift(st.isel(altitude=[20, 26]), **drift_options())
    assert np.isfinite(drift["v_ion_total"].values).all()
    tem = tem_from_history([dst], **tem_options())
    assert np.isfinite(tem["v_star"].sel(altitude=105.0).values).all()
    # the Fe+ flux needs it: a clear error naming Fep, the state file and the history file
    state_nc = tmp_path / "state.nc"
    with pytest.raises(InputFileError) as info:
        require_fep(st, state_nc)
    msg = str(info.value)
    assert "'Fep'" in msg and str(state_nc) in msg and dst.name in msg and "Fe+ flux" in msg
    # and with Fep it hands over n_Fep
    assert list(require_fep(full).data_vars) == ["n_Fep"]


def test_open_run_and_mean_molecular_mass():
    """The shared prologue of the state and TEM steps, and the shared mean-mass formula."""
    paths, _, _ = synthetic_run()
    files, ds = cesm.open_run(paths[:2], ["T"], optional=["O", "O2"], ps_fallback="error")
    assert files == [str(p) for p in paths[:2]]
    assert {"T", "Z3", "O", "O2", "z"} <= set(ds.variables) and "Fep" not in ds
    assert ds["z"].attrs["units"] == "m" and "Z3" in ds["z"].attrs["comment"]
    # hand value: 0.7 x 28.014 + 0.1 x 31.998 + 0.2 x 15.999 = 26.0094 u
    assert float(mean_molecular_mass(0.2, 0.1)) == pytest.approx(26.0094, abs=1e-9)
    assert float(mean_molecular_mass(0.0, 0.0)) == pytest.approx(28.014)
    st = synthetic_state()  # the state uses it: its mean mass from its own O/O2 densities
    n = st["n_air"].isel(time=0, altitude=30)
    expect = mean_molecular_mass(
        st["n_O"].isel(time=0, altitude=30) / n, st["n_O2"].isel(time=0, altitude=30) / n
    )
    np.testing.assert_allclose(st["mean_mass"].isel(time=0, altitude=30), expect, rtol=1e-10)


def test_state_is_written_float32_through_the_shared_writer(tmp_path, monkeypatch):
    """The model_state step writes with estransport.io.atomic.write_netcdf: float32, zlib, time chunks."""
    from estransport.io import atomic
    from estransport.steps import model as steps

    calls = []
    write = atomic.write_netcdf

    def spy(ds, path, **kw):
        calls.append(kw)
        return write(ds, path, **kw)

    # the step imports the writer when it runs (steps.model stays light for the DAG)
    monkeypatch.setattr(atomic, "write_netcdf", spy)
    paths, _, _ = synthetic_run()
    out = tmp_path / "state.nc"
    cfg = model_config()
    cfg["altitude_km"] = {"min": 90, "max": 110, "step": 5}
    keys = ("altitude_km", "scale_height", "composition", "electric_field", "ps_fallback", "msis")
    steps.model_state(
        RuleJob(
            input={"history": [str(p) for p in paths[:2]]},
            output={"state": str(out)},
            params={"model": {k: cfg[k] for k in keys}},
        )
    )
    assert len(calls) == 1
    with netCDF4.Dataset(out) as nc:
        assert nc["altitude"][:].tolist() == [90.0, 95.0, 100.0, 105.0, 110.0]
        for name in ("U", "n_Fep", "mean_mass"):
            v = nc[name]
            assert v.dtype == np.float32, name
            assert v.filters()["zlib"] and v.filters()["complevel"] == 4, name
            assert v.chunking() == [1, 5, 18, 12], name
        assert nc["time"].dtype != np.float32  # coordinates are left alone


def test_ed2_at_the_equator_gives_zero_north_field():
    """ED2 is equatorward: south (-) north of the equator, north (+) south of it, 0 on it."""
    from estransport.model.state import _electric_field

    lat = np.array([-10.0, 0.0, 10.0])
    dims = ("time", "lat", "lon")
    ds = xr.Dataset(
        {
            "ED1": (dims, np.full((1, 3, 2), 2e-3)),
            "ED2": (dims, np.full((1, 3, 2), 1e-3)),
        },
        coords={"lat": lat, "lon": [0.0, 180.0]},
    )
    e = _electric_field(ds, "x.nc")
    north = e["E_north"].transpose(*dims).values[0, :, 0]
    np.testing.assert_array_equal(north, [1e-3, 0.0, -1e-3])
    assert np.isfinite(e["E_north"].values).all()
    assert float(np.abs(e["E_up"]).max()) == 0.0
