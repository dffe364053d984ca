"""CESM/CAM history reader on the real sample files, its formulas
(:mod:`estransport.physics.vertical`) and the column interpolation.

The files are cesm/* of the registry tests/data/realdata.tsv.
"""

from __future__ import annotations

import logging

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from estransport.errors import InputFileError
from estransport.model import cesm
from estransport.model.interpolate import interpolate_to_altitude
from estransport.physics import vertical

pytestmark = pytest.mark.realdata


def test_vinth2p_pressure_without_P0(realdata, caplog):
    """Old CCM/CAM file without P0: hyam is a fraction of 1e5 Pa."""
    path = realdata("cesm/vinth2p.nc")
    with caplog.at_level(logging.INFO):
        ds = cesm.open_history(path, ["T"], ps_fallback="error")
    assert "no P0" in caplog.text
    with netCDF4.Dataset(path) as nc:
        hyam, hybm = nc["hyam"][:].astype(float), nc["hybm"][:].astype(float)
        ps = nc["PS"][:].astype(float)
    p = ds["p"].values
    for t, k, j, i in [(0, 0, 0, 0), (0, 17, 10, 20), (1, 9, 40, 100), (1, 12, 63, 127)]:
        assert p[t, k, j, i] == pytest.approx(hyam[k] * 1e5 + hybm[k] * ps[t, j, i], rel=1e-12)
    # a hand-checked value: top level 0.0048093 * 1e5 Pa (hybm = 0)
    assert p[0, 0, 10, 10] == pytest.approx(480.93, abs=0.01)
    assert p[0, 17, 0, 0] == pytest.approx(0.9925282 * ps[0, 0, 0], rel=1e-6)
    assert ds["p"].attrs["units"] == "Pa"
    # lazy until asked
    assert ds["T"].chunks is not None


def test_vinth2p_time_without_bounds(realdata, caplog):
    with caplog.at_level(logging.WARNING):
        ds = cesm.open_history(realdata("cesm/vinth2p.nc"), ["T"], ps_fallback="error")
    assert "no time bounds" in caplog.text
    t0 = ds["time"].values[0]
    assert (t0.year, t0.month, t0.day) == (49, 12, 17)  # days since 0049-09-01 + 107


def test_fpzip_time_from_time_bnds(realdata):
    """The monthly stamp is the end of the interval; the reader uses the time_bnds midpoint."""
    path = realdata("cesm/c.fpzip.cam-fv.T.3months.nc")
    ds = cesm.open_history(path, ["T"], ps_fallback="reference")
    expected = [
        cftime.DatetimeNoLeap(1920, 1, 16, 12),
        cftime.DatetimeNoLeap(1920, 2, 15, 0),
        cftime.DatetimeNoLeap(1920, 3, 16, 12),
    ]
    assert list(ds["time"].values) == expected
    assert list(ds["time"].dt.month.values) == [1, 2, 3]  # not Feb, Mar, Apr as the stamps say


def test_fpzip_missing_PS_is_an_error_naming_it(realdata):
    path = realdata("cesm/c.fpzip.cam-fv.T.3months.nc")
    with pytest.raises(InputFileError) as err:
        cesm.open_history(path, ["T"], ps_fallback="error")
    msg = str(err.value)
    assert "'PS'" in msg and str(path) in msg and "ps_fallback" in msg


def test_fpzip_reference_fallback_pressure(realdata, caplog):
    """ps_fallback='reference': p = (hyam + hybm) P0, exact on the 12 pure-pressure levels."""
    path = realdata("cesm/c.fpzip.cam-fv.T.3months.nc")
    with caplog.at_level(logging.WARNING):
        ds = cesm.open_history(path, ["T"], ps_fallback="reference")
    assert "no PS" in caplog.text
    with netCDF4.Dataset(path) as nc:
        hyam, hybm, p0 = nc["hyam"][:], nc["hybm"][:], float(nc["P0"][...])
    p = ds["p"].isel(time=1, lat=100, lon=200).values
    np.testing.assert_allclose(p, hyam * p0 + hybm * p0, rtol=1e-12)
    pure = hybm == 0
    assert pure.sum() == 12
    assert p[0] == pytest.approx(364.3465694, rel=1e-9)  # 0.00364346569 * 1e5 Pa
    assert "reference fallback" in ds["p"].attrs["comment"]


def test_missing_variable_names_variable_and_file(realdata):
    path = realdata("cesm/c.fpzip.cam-fv.T.3months.nc")
    with pytest.raises(InputFileError) as err:
        cesm.open_history(path, ["T", "Z3"], ps_fallback="reference")
    assert (
        "'Z3'" in str(err.value)
        and "geopotential height" in str(err.value)
        and str(path) in str(err.value)
    )
    # the model state needs U, V, OMEGA (Fep is optional): the first missing one is named
    from estransport.model.state import build_model_state

    from .model_helpers import state_options

    with pytest.raises(InputFileError, match=r"variable '(U|Z3)'"):
        build_model_state(path, **state_options(ps_fallback="reference"))


def test_unstructured_grid_is_refused(realdata):
    with pytest.raises(InputFileError, match="lat, lon"):
        cesm.open_history(realdata("cesm/hybrid_subset.nc"), ["V"], ps_fallback="error")


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        cesm.open_history(tmp_path / "nope.cam.h0.2008-01.nc", ["T"], ps_fallback="error")


def test_geometric_altitude_formula():
    """docs/formats.md 4.4: z = R_E Z3 / (R_E - Z3) without PHIS; at 110 km about 1.9 km above Z3."""
    R = 6.37122e6
    z = vertical.geometric_altitude(110e3)
    assert z == pytest.approx(R * 110e3 / (R - 110e3), rel=1e-15)
    assert z - 110e3 == pytest.approx(1.93e3, abs=0.02e3)
    # with orography: exact WACCM-X form; differs from the PHIS-free form by about z_s^2 / R_E
    zs = 1000.0
    exact = vertical.geometric_altitude(110e3, phis=zs * 9.80616)
    a = 1 + zs / R
    assert exact == pytest.approx((zs + a * (110e3 - zs)) / (1 - a * (110e3 - zs) / R), rel=1e-15)
    assert abs(exact - z) < 1.0
    # Z3 = 0 at sea level stays 0
    assert vertical.geometric_altitude(0.0) == 0.0


def test_omega_to_w_and_density():
    # w = -omega H / p: omega = 1e-5 Pa/s (sinking) at 0.03 Pa with H = 6 km is w = -2 m/s
    assert vertical.omega_to_w(1e-5, 0.03, 6000.0) == pytest.approx(-2.0)
    assert vertical.scale_height(200.0, 28.0, 0.0) == pytest.approx(
        8314.46 * 200 / (28.0 * 9.80616), rel=1e-5
    )
    assert vertical.air_number_density(1.0, 200.0) == pytest.approx(1.0 / (1.380649e-23 * 200.0))


def test_column_interpolation():
    """Linear in z exactly, log-linear for densities, NaN outside; either level order."""
    z = np.array([150e3, 120e3, 100e3, 90e3, 80e3])  # CAM order: top first
    zz = np.broadcast_to(z, (2, 3, 5)).copy()
    zz[1] += 500.0  # a second column, shifted
    lin = 2.0 * zz / 1e3 + 1.0
    dens = 1e20 * np.exp(-zz / 7000.0)
    dims = ("time", "lat", "lev")
    out = interpolate_to_altitude(
        {"lin": xr.DataArray(lin, dims=dims), "dens": xr.DataArray(dens, dims=dims)},
        xr.DataArray(zz, dims=dims),
        [70.0, 80.0, 95.0, 130.0, 150.0, 160.0],
        log_interp=["dens"],
    )
    lin_z, dens_z = out["lin"].values, out["dens"].values
    np.testing.assert_allclose(lin_z[0, 0, 1:5], 2.0 * np.array([80.0, 95.0, 130.0, 150.0]) + 1.0)
    np.testing.assert_allclose(
        dens_z[0, 0, 1:5], 1e20 * np.exp(-np.array([80e3, 95e3, 130e3, 150e3]) / 7000.0), rtol=1e-12
    )
    assert np.isnan(lin_z[:, :, 0]).all() and np.isnan(lin_z[:, :, -1]).all()
    assert np.isnan(lin_z[1, 0, 1])  # 80 km is below the shifted column
    assert out["lin"].dims == ("time", "lat", "altitude")
