"""TEM residual circulation recovers the planted circulation of the synthetic model.

Tolerance: in the 95-115 km cell (reference altitude of the pressure levels)
the recovered v* correlates with the planted v* with r > 0.95 and its
amplitude (regression slope) is within 10 %; the Eulerian mean v_bar, which
carries the planted eddy-induced flow, fails the same test, so the eddy heat
fluxes are really used.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import xarray as xr

from estransport.model.circulation import tem_from_history
from estransport.physics.tem import potential_temperature, residual_circulation

from .test_model_synthetic import synthetic_run

MIN_CORRELATION = 0.95
AMPLITUDE_TOLERANCE = 0.10


@functools.lru_cache(maxsize=1)
def tem_run() -> xr.Dataset:
    paths, _, _ = synthetic_run()
    return tem_from_history(paths).compute()


def _layer(truth, lo, hi):
    z = truth["z_ref"].values
    return (z > lo) & (z < hi)


def _fit(x, y):
    ok = np.isfinite(x) & np.isfinite(y)
    r = np.corrcoef(x[ok], y[ok])[0, 1]
    slope = np.polyfit(y[ok], x[ok], 1)[0]
    return r, slope


def test_recovers_planted_v_star_in_the_lower_thermospheric_cell():
    _, truth, _ = synthetic_run()
    tem = tem_run()
    sel = _layer(truth, 95.0, 115.0)
    planted = truth["v_star"].values[:, sel, :].ravel()
    got = tem["v_star_plev"].values[:, sel, :].ravel()
    r, slope = _fit(got, planted)
    assert r > MIN_CORRELATION
    assert slope == pytest.approx(1.0, abs=AMPLITUDE_TOLERANCE)
    # the Eulerian mean is not the residual circulation here
    eul = tem["v_bar_plev"].values[:, sel, :].ravel()
    r_e, slope_e = _fit(eul, planted)
    assert r_e < MIN_CORRELATION or abs(slope_e - 1.0) > AMPLITUDE_TOLERANCE


def test_recovers_planted_omega_star_80_150_km():
    _, truth, _ = synthetic_run()
    tem = tem_run()
    sel = _layer(truth, 80.0, 150.0)
    r, slope = _fit(
        tem["omega_star_plev"].values[:, sel, :].ravel(),
        truth["omega_star"].values[:, sel, :].ravel(),
    )
    assert r > MIN_CORRELATION and slope == pytest.approx(1.0, abs=AMPLITUDE_TOLERANCE)


@pytest.mark.parametrize("month,summer_sign", [(1, -1), (7, +1)])
def test_three_cells_have_the_right_signs_at_solstice(month, summer_sign):
    """Summer-to-winter below ~95 km, winter-to-summer at 95-115 km, summer-to-winter above ~115 km."""
    tem = tem_run()
    t = [i for i, x in enumerate(tem["time"].values) if x.month == month][0]
    v = tem["v_star"].isel(time=t).sel(lat=slice(-45, 45)).mean("lat")
    to_summer = summer_sign  # northward (+) is towards the summer hemisphere in July
    assert float(v.sel(altitude=slice(82, 90)).mean()) * to_summer < -1.0  # summer -> winter
    assert float(v.sel(altitude=slice(100, 110)).mean()) * to_summer > 1.0  # winter -> summer
    assert float(v.sel(altitude=slice(125, 150)).mean()) * to_summer < -1.0  # summer -> winter
    # w*: upwelling over the summer pole, sinking over the winter pole, in the mesospheric cell
    w = tem["w_star"].isel(time=t).sel(altitude=85.0)
    assert float(w.sel(lat=75.0 * summer_sign)) > 0 > float(w.sel(lat=-75.0 * summer_sign))
    for name in ("v_star", "w_star"):
        assert tem[name].attrs["units"] == "m s-1"


def test_no_eddies_means_v_star_is_v_bar():
    """Analytic check: zonally uniform fields have no eddy flux, so v* = v_bar, omega* = omega_bar."""
    plev = np.geomspace(1e-3, 10.0, 12)
    lat = np.linspace(-80, 80, 9)
    lon = np.arange(0, 360, 30.0)
    shape = (2, plev.size, lat.size, lon.size)
    coords = {"time": [0, 1], "plev": plev, "lat": lat, "lon": lon}
    dims = ("time", "plev", "lat", "lon")
    v = xr.DataArray(
        np.broadcast_to(np.cos(np.radians(lat))[None, None, :, None], shape),
        dims=dims,
        coords=coords,
    )
    T = xr.DataArray(
        np.broadcast_to((200 + np.log(10 / plev) * 10)[None, :, None, None], shape),
        dims=dims,
        coords=coords,
    )
    om = xr.DataArray(np.full(shape, 1e-6), dims=dims, coords=coords)
    out = residual_circulation(v, T, om)
    np.testing.assert_allclose(out["v_star"].values, out["v_bar"].values, atol=1e-12)
    np.testing.assert_allclose(out["omega_star"].values, 1e-6, atol=1e-18)
    # with a wave-1 eddy in phase: psi = [v'theta'] / dtheta/dp and v* shifts by -dpsi/dp
    wave = np.cos(np.radians(lon))
    v2 = v + 5.0 * wave
    theta_bar = potential_temperature(T, T["plev"])
    T2 = T + (2.0 * wave) * (T / theta_bar)  # theta' = 2 K cos(lon)
    out2 = residual_circulation(v2, T2, om)
    np.testing.assert_allclose(out2["vtheta"].values, 5.0 * 2.0 / 2.0, rtol=1e-10)
