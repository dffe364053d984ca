"""Synthetic WACCM history files: real CESM layout, read back by the reader, planted values recovered."""

from __future__ import annotations

import atexit
import dataclasses
import functools
import shutil
import tempfile
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr
import yaml

from estransport.errors import InputFileError
from estransport.model import cesm
from estransport.model.state import build_model_state
from estransport.synthetic.waccm import (
    SyntheticWaccmParameters,
    fep_density,
    history_file_names,
    write_synthetic_history,
)

#: Small grid for the tests: 10 x 30 degrees (18 x 12 points), 12 monthly files.
SMALL = {"lat_step_deg": 10.0, "lon_step_deg": 30.0}


@functools.lru_cache(maxsize=4)
def synthetic_run(
    samples_per_day: int = 0,
) -> tuple[list[Path], xr.Dataset, SyntheticWaccmParameters]:
    """Write (once per session) a small synthetic run; return its files, truth and parameters."""
    params = SyntheticWaccmParameters(**SMALL, samples_per_day=samples_per_day)
    outdir = Path(tempfile.mkdtemp(prefix="estransport_waccm_"))
    atexit.register(shutil.rmtree, outdir, ignore_errors=True)
    paths, truth = write_synthetic_history(outdir, params)
    return paths, truth, params


@functools.lru_cache(maxsize=2)
def synthetic_state(composition: str = "auto") -> xr.Dataset:
    paths, _, _ = synthetic_run()
    return build_model_state(paths, composition=composition).compute()


def test_files_have_the_cesm_layout():
    paths, _, params = synthetic_run()
    assert [p.name for p in paths] == history_file_names(params)
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
    ds = cesm.open_history(paths)
    assert ds.sizes["time"] == 12
    assert [t.month for t in ds["time"].values] == list(range(1, 13))
    assert ds["time"].values[0].day == 16  # mid-January
    z = cesm.altitude_from_history(ds).isel(time=6).mean("lon").compute()
    p_top = ds["p"].isel(time=0, lev=0, lat=0, lon=0).values
    assert p_top == pytest.approx(float(truth["plev"][0]), rel=1e-9)
    # geometric altitude round-trips the generator's Z3 (float32: ~1 cm)
    zref = truth["z_mean"].sel(month=7).values * 1e3  # (plev, lat)
    upper = truth["plev"].values < 1e3
    np.testing.assert_allclose(z.values[upper], zref[upper], atol=0.5)


def test_state_recovers_planted_fe_layer_and_grid():
    st = synthetic_state()
    _, _, params = synthetic_run()
    assert st["U"].dims == ("time", "altitude", "lat", "lon")
    assert (
        float(st["altitude"][0]) == 80.0
        and float(st["altitude"][-1]) == 150.0
        and st.sizes["altitude"] == 71
    )
    for name, da in st.data_vars.items():
        assert "units" in da.attrs and "long_name" in da.attrs, name
    assert st.attrs["Conventions"].startswith("CF-") and "estransport_version" in st.attrs
    fe = st["n_Fep"].isel(time=0).mean("lon")
    lat = float(fe["lat"][9])  # 5 N
    profile = fe.sel(lat=lat)
    peak_alt = float(profile["altitude"][int(np.argmax(profile.values))])
    assert peak_alt == pytest.approx(params.fep_peak_km, abs=1.0)
    planted = fep_density(st["altitude"].values, lat, 1, params)
    np.testing.assert_allclose(profile.values, planted, rtol=0.03, atol=2e-3 * params.fep_peak_m3)
    # no NaN on the default grid (the synthetic model top is ~180 km)
    assert not np.isnan(st["U"].values).any()


def test_state_winds_and_W():
    st = synthetic_state()
    # zonal mean zonal wind in January at 85 km: westerly in the NH (winter), easterly in the SH
    u = st["U"].isel(time=0).mean("lon").sel(altitude=85.0)
    assert float(u.sel(lat=45.0)) > 10 and float(u.sel(lat=-45.0)) < -10
    # W is small (cm/s) and has the planted sign: sinking over the winter (north) pole in January
    w = st["W"].isel(time=0).mean("lon").sel(altitude=85.0)
    assert abs(float(w.max())) < 0.2
    assert float(w.sel(lat=75.0)) < 0 < float(w.sel(lat=-75.0))
    # electric field read from EX/EY/EZ
    assert float(st["E_east"].isel(time=0, altitude=0, lon=0).sel(lat=5.0)) == pytest.approx(
        1e-3 * np.cos(np.radians(5)), rel=1e-5
    )


def test_msis_composition_path_agrees_with_model_composition():
    """Total density + MSIS composition ~ the files' own O/O2 (both are MSIS-based here)."""
    model = synthetic_state("auto")
    msis = synthetic_state("msis")
    assert "model O and O2" in model.attrs["composition"] and "NRLMSIS" in msis.attrs["composition"]
    for s in ("n_N2", "n_O2", "n_O"):
        a = model[s].sel(altitude=slice(90, 140)).mean(("lon",)).values
        b = msis[s].sel(altitude=slice(90, 140)).mean(("lon",)).values
        np.testing.assert_allclose(b, a, rtol=0.06)


def test_tides_in_instantaneous_files():
    """samples_per_day = 4: the planted diurnal + semidiurnal tides are in U and cancel in the daily mean."""
    paths, _, params = synthetic_run(4)
    assert paths[0].name.endswith(".cam.h1.2008-01-15-00000.nc")
    ds = cesm.open_history(paths[:1])
    assert ds.sizes["time"] == 4
    assert [t.hour for t in ds["time"].values] == [0, 6, 12, 18]
    u = ds["U"].values.astype(float)  # (time, lev, lat, lon)
    anomaly = u - u.mean(axis=0)
    z = cesm.altitude_from_history(ds).isel(time=0).values / 1e3
    near = np.abs(z - params.tide_peak_km) < 2.0
    amp = np.abs(anomaly).max(axis=0)[near].max()
    assert params.diurnal_tide < amp <= params.diurnal_tide + params.semidiurnal_tide + 1.0
    mono, _, _ = synthetic_run(0)
    u_mean = cesm.open_history(mono[:1])["U"].values[0]
    np.testing.assert_allclose(u.mean(axis=0), u_mean, atol=1e-3)


def test_schema_defaults_match_the_dataclass(repo):
    schema = yaml.safe_load((repo / "workflow" / "schemas" / "model.schema.yaml").read_text())
    props = schema["properties"]["synthetic"]["properties"]
    defaults = {f.name: f.default for f in dataclasses.fields(SyntheticWaccmParameters)}
    for key, spec in props.items():
        value = spec["default"]
        assert (tuple(value) if isinstance(value, list) else value) == defaults[key], key
    # every dataclass field but the indices taken from model.msis and the fixed months is configurable
    assert set(defaults) - set(props) == {"f107", "f107a", "ap", "months"}
    with pytest.raises(ValueError, match="unknown"):
        SyntheticWaccmParameters.from_config({"v_mesosphere": 1.0, "nonsense": 2})


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
    st = build_model_state([dst]).isel(time=0, altitude=20).compute()
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
        build_model_state([magnetic])


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
    from estransport.model.state import require_fep
    from estransport.model.steps import compute_drift

    paths, _, _ = synthetic_run()
    dst = tmp_path / "nofe.cam.h0.2008-07.nc"
    _without(paths[6], dst, ("Fep",))
    ds = cesm.open_history(dst)  # default variables no longer require Fep
    assert "Fep" not in ds and "T" in ds
    with caplog.at_level(logging.WARNING):
        st = build_model_state([dst])
    assert "'Fep'" in caplog.text and str(dst) in caplog.text
    assert "n_Fep" not in st and "absent" in st.attrs["fe_ion"] and "'Fep'" in st.attrs["fe_ion"]
    for name in ("U", "V", "W", "n_N2", "n_O2", "n_O", "E_east"):
        assert name in st, name
    # the same fields as with Fep
    full = synthetic_state().isel(time=[6])
    sub = st.isel(altitude=slice(10, 40))
    np.testing.assert_allclose(sub["V"].values, full["V"].isel(altitude=slice(10, 40)).values)
    # Fig. 1's input (drift) and Fig. 2c,d's (TEM) are made without Fe+
    drift = compute_drift(st.isel(altitude=[20, 26]), igrf_date="2008-07-01")
    assert np.isfinite(drift["v_ion_total"].values).all()
    tem = tem_from_history([dst])
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
    files, ds = cesm.open_run(paths[:2], ["T"], optional=["O", "O2"])
    assert files == [str(p) for p in paths[:2]]
    assert {"T", "Z3", "O", "O2", "z"} <= set(ds.variables) and "Fep" not in ds
    assert ds["z"].attrs["units"] == "m" and "Z3" in ds["z"].attrs["comment"]
    # hand value: 0.7 x 28.014 + 0.1 x 31.998 + 0.2 x 15.999 = 26.0094 u
    assert float(cesm.mean_molecular_mass(0.2, 0.1)) == pytest.approx(26.0094, abs=1e-9)
    assert float(cesm.mean_molecular_mass(0.0, 0.0)) == pytest.approx(28.014)
    st = synthetic_state()  # the state uses it: its mean mass from its own O/O2 densities
    n = st["n_air"].isel(time=0, altitude=30)
    expect = cesm.mean_molecular_mass(
        st["n_O"].isel(time=0, altitude=30) / n, st["n_O2"].isel(time=0, altitude=30) / n
    )
    np.testing.assert_allclose(st["mean_mass"].isel(time=0, altitude=30), expect, rtol=1e-10)


def test_state_is_written_float32_through_the_shared_writer(tmp_path, monkeypatch):
    """make_model_state writes with estransport.io.atomic.write_netcdf: float32, zlib, time chunks."""
    from estransport.io import atomic
    from estransport.model import steps

    calls = []

    def spy(ds, path, **kw):
        calls.append(kw)
        return atomic.write_netcdf(ds, path, **kw)

    monkeypatch.setattr(steps, "write_netcdf", spy)
    paths, _, _ = synthetic_run()
    out = tmp_path / "state.nc"
    steps.make_model_state(paths[:2], out, {"altitude_km": {"min": 90, "max": 110, "step": 5}})
    assert len(calls) == 1
    with netCDF4.Dataset(out) as nc:
        for name in ("U", "n_Fep", "mean_mass"):
            v = nc[name]
            assert v.dtype == np.float32, name
            assert v.filters()["zlib"] and v.filters()["complevel"] == 4, name
            assert v.chunking() == [1, 5, 18, 12], name
        assert nc["time"].dtype != np.float32  # coordinates are left alone
    assert not hasattr(steps, "_write_float32")


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
