"""TEM residual circulation recovers the planted circulation of the synthetic model.

Tolerance: in the 95-115 km cell (reference altitude of the pressure levels)
the recovered v* correlates with the planted v* with r > 0.999 and its
amplitude (regression slope) is within 1 % (measured on the 10 x 30 degree test
grid: r = 0.999998, slope 0.99999). omega* at 80-150 km: r > 0.995 and slope
within 1 % (measured r = 0.9977, slope 0.9974; 0.9998 and 1.0002 above 95 km):
the planted eddy sits at 78 km (model.synthetic.eddy_center_km), at pressures
60 times those of 100 km, so its omega part, d(psi cos lat)/d lat, is large there
and the library's second-order latitude difference on 10-degree cells is off by
about 2 % of it (with the eddy at 100 km, its earlier place, r was 0.9999).
Within 10 km of the eddy centre the Eulerian mean v_bar, which carries the planted
eddy-induced flow, fails the v* test (r = 0.958), so the eddy heat fluxes are
really used. The eddy streamfunction psi = [v'theta'] / (d theta_bar/dp) is
recovered there with r > 0.999 and its amplitude within 3 % (measured r = 0.999993,
slope 0.980: the library's finite-difference d theta_bar/dp on the model levels
against the generator's closed form on the MSIS column).

The generator builds theta_bar and d theta_bar/dp in closed form with its own
literal R/c_p (:mod:`estransport.synthetic.waccm.truth`), never with
:mod:`estransport.physics.tem`, so these tests check the library's kappa,
theta and d/dp: :func:`test_recovery_detects_a_wrong_kappa` shows that a wrong
``KAPPA`` makes them fail.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from estransport.model.circulation import tem_from_history
from estransport.physics.tem import potential_temperature, residual_circulation

from .model_helpers import synthetic_parameters, synthetic_run, tem_options

MIN_CORRELATION = 0.999
#: omega* at 80-150 km on the 10-degree test grid (see the module docstring).
MIN_CORRELATION_OMEGA = 0.995
AMPLITUDE_TOLERANCE = 0.01
PSI_AMPLITUDE_TOLERANCE = 0.03


@functools.lru_cache(maxsize=1)
def tem_run() -> xr.Dataset:
    paths, _, _ = synthetic_run()
    return tem_from_history(paths, **tem_options()).compute()


def _layer(truth, lo, hi):
    z = truth["z_ref"].values
    return (z > lo) & (z < hi)


def _fit(x, y):
    ok = np.isfinite(x) & np.isfinite(y)
    r = np.corrcoef(x[ok], y[ok])[0, 1]
    slope = np.polyfit(y[ok], x[ok], 1)[0]
    return r, slope


def _v_star_fit(tem, truth, sel=None):
    """(r, slope) of recovered against planted v* in the 95-115 km cell (or the levels ``sel``)."""
    sel = _layer(truth, 95.0, 115.0) if sel is None else sel
    planted = truth["v_star"].values[:, sel, :].ravel()
    return _fit(tem["v_star_plev"].values[:, sel, :].ravel(), planted)


def _eddy_layer(truth):
    """Pressure levels within 10 km of the planted eddy centre (model.synthetic.eddy_center_km)."""
    _, _, params = synthetic_run()
    return _layer(truth, params.eddy_center_km - 10.0, params.eddy_center_km + 10.0)


def _psi_fit(tem, truth):
    """(r, slope) of recovered against planted psi within 10 km of the eddy centre."""
    sel = _eddy_layer(truth)
    got = tem["psi_plev"].values[:, sel, :]
    planted = np.broadcast_to(truth["psi"].values[sel, :], got.shape)
    return _fit(got.ravel(), planted.ravel())


def _within(r, slope, tolerance):
    return r > MIN_CORRELATION and abs(slope - 1.0) <= tolerance


def test_recovers_planted_v_star_in_the_lower_thermospheric_cell():
    _, truth, _ = synthetic_run()
    tem = tem_run()
    r, slope = _v_star_fit(tem, truth)
    assert r > MIN_CORRELATION
    assert slope == pytest.approx(1.0, abs=AMPLITUDE_TOLERANCE)
    # where the eddies are, the Eulerian mean is not the residual circulation
    sel = _eddy_layer(truth)
    planted = truth["v_star"].values[:, sel, :].ravel()
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
    assert r > MIN_CORRELATION_OMEGA and slope == pytest.approx(1.0, abs=AMPLITUDE_TOLERANCE)


def test_recovers_planted_eddy_streamfunction():
    _, truth, _ = synthetic_run()
    r, slope = _psi_fit(tem_run(), truth)
    assert r > MIN_CORRELATION
    assert slope == pytest.approx(1.0, abs=PSI_AMPLITUDE_TOLERANCE)


@pytest.mark.parametrize(
    "wrong_kappa,check",
    [
        # R/c_p of a monatomic gas (2/5): the mistake of treating the O-rich
        # thermosphere as monatomic; psi comes back ~30 % too small
        (0.4, "psi"),
        # the value of the code review: the residual v* itself fails
        (1.5, "v_star"),
    ],
)
def test_recovery_detects_a_wrong_kappa(monkeypatch, wrong_kappa, check):
    """Mutation test: with a wrong library kappa the recovery fails its own tolerance.

    (Before the generator had its own kappa, it imported the library's, and
    KAPPA = 1.5 still passed every recovery test.)
    """
    import estransport.physics.tem as tem_module

    paths, truth, _ = synthetic_run()
    monkeypatch.setattr(tem_module, "KAPPA", wrong_kappa)
    tem = tem_from_history(paths, **tem_options()).compute()
    if check == "psi":
        r, slope = _psi_fit(tem, truth)
        assert not _within(r, slope, PSI_AMPLITUDE_TOLERANCE), (r, slope)
        assert slope < 1.0 - 2 * PSI_AMPLITUDE_TOLERANCE  # degraded well beyond the tolerance
    else:  # where the eddy flux carries part of the flow
        r, slope = _v_star_fit(tem, truth, _eddy_layer(truth))
        assert not _within(r, slope, AMPLITUDE_TOLERANCE), (r, slope)
        assert r < 0.99  # measured 0.969 (0.99997 with the right kappa)
    # and with the right kappa the same checks pass (the difference is kappa alone)
    right = tem_run()
    assert _within(*_psi_fit(right, truth), PSI_AMPLITUDE_TOLERANCE)
    assert _within(*_v_star_fit(right, truth), AMPLITUDE_TOLERANCE)
    assert _within(*_v_star_fit(right, truth, _eddy_layer(truth)), AMPLITUDE_TOLERANCE)


def test_generator_does_not_use_the_library_tem(monkeypatch):
    """The planted eddy heat flux is independent of estransport.physics.tem.

    With the library's KAPPA, potential_temperature and d_dp broken, the
    generator writes the same fields (so a library error cannot cancel out in
    the recovery tests, as it did when the generator imported them).
    """
    import estransport.physics.tem as tem_module
    from estransport.synthetic.waccm import planted_fields

    params = synthetic_parameters(months=(1, 7))
    ref = planted_fields(params)

    def broken(*args, **kwargs):
        raise AssertionError("the generator must not call estransport.physics.tem")

    monkeypatch.setattr(tem_module, "KAPPA", 1.5)
    monkeypatch.setattr(tem_module, "potential_temperature", broken)
    monkeypatch.setattr(tem_module, "d_dp", broken)
    again = planted_fields(params)
    for a, b in zip(ref["records"], again["records"], strict=True):
        np.testing.assert_array_equal(a["T"], b["T"])
        np.testing.assert_array_equal(a["V"], b["V"])


def test_potential_temperature_hand_value():
    """theta(250 K, 500 hPa) = 250 x 2^(2/7) = 250 x 1.219014 = 304.753 K (R/c_p = 2/7 for dry air)."""
    assert float(potential_temperature(250.0, 5.0e4)) == pytest.approx(304.753, abs=0.005)
    assert float(potential_temperature(250.0, 1.0e5)) == pytest.approx(250.0, abs=1e-12)
    # 1 Pa (about 80 km): 190 K x (1e5)^(2/7) = 190 x 26.827 = 5097.1 K
    assert float(potential_temperature(190.0, 1.0)) == pytest.approx(5097.1, rel=1e-4)


def _planted_on_altitudes(truth, name, month_index, altitudes):
    """A planted field of (month, plev, lat) at fixed altitudes, via the planted level altitudes."""
    z = truth["z_mean"].isel(month=month_index).values[::-1]  # (plev, lat), increasing
    f = truth[name].isel(month=month_index).values[::-1]
    return np.stack([np.interp(altitudes, z[:, j], f[:, j]) for j in range(z.shape[1])], -1)


@pytest.mark.parametrize("month,summer_sign", [(1, -1), (7, +1)])
def test_three_cells_have_the_planted_speeds_at_solstice(month, summer_sign):
    """Summer-to-winter below ~95 km, winter-to-summer at 95-115 km, summer-to-winter above ~115 km.

    Layer means of v* at each latitude of 45 S-45 N against the planted v* at the same
    altitudes: within 0.3 % at 100-110 and 125-150 km (measured 0.05 % and 0.003 %) and
    within 3 % at 82-90 km (measured 1.0 %: the eddy-induced part, up to 1.5 m/s,
    centred at 78 km and proportional to sin 2lat, comes back with psi, 2 % low). And
    w* = -(H/p) omega* at 85 km against the planted omega* with the step's own H
    (measured within 4.2 % of max |w*| poleward to 75 degrees, in the eddy layer whose
    omega part the 10-degree latitude difference gets about 2 % wrong; the 85 degree
    rows, where the latitude derivatives are one-sided, are left out; bound 6 %).
    """
    _, truth, _ = synthetic_run()
    tem = tem_run()
    t = [i for i, x in enumerate(tem["time"].values) if x.month == month][0]
    alts, lat = tem["altitude"].values, tem["lat"].values
    planted = _planted_on_altitudes(truth, "v_star", t, alts)
    band = np.abs(lat) <= 45.0
    v = tem["v_star"].isel(time=t).values
    to_summer = summer_sign  # northward (+) is towards the summer hemisphere in July
    for (lo, hi), direction, rtol in (
        ((82, 90), -1, 0.03),
        ((100, 110), +1, 0.003),
        ((125, 150), -1, 0.003),
    ):
        layer = (alts >= lo) & (alts <= hi)
        got = v[layer][:, band].mean(axis=0)
        expected = planted[layer][:, band].mean(axis=0)
        np.testing.assert_allclose(got, expected, rtol=rtol, err_msg=f"{lo}-{hi} km")
        # -1: summer -> winter, +1: winter -> summer, at more than 1 m/s in the band mean
        assert float(got.mean()) * to_summer * direction > 1.0, (lo, hi)
    # w*: upwelling over the summer pole, sinking over the winter pole (mesospheric cell)
    plev = tem["plev"].values
    w_plev = -tem["H_plev"].isel(time=t).values / plev[:, None] * truth["omega_star"].values[t]
    z_plev = tem["z_plev"].isel(time=t).values[::-1]
    expected_w = np.array([np.interp(85.0, z_plev[:, j], w_plev[::-1, j]) for j in range(lat.size)])
    w = tem["w_star"].isel(time=t).sel(altitude=85.0).values
    inner = np.abs(lat) <= 75.0
    np.testing.assert_allclose(
        w[inner], expected_w[inner], rtol=0, atol=0.06 * np.abs(expected_w).max()
    )
    assert float(w[lat == 75.0 * summer_sign][0]) > 0 > float(w[lat == -75.0 * summer_sign][0])
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


def test_wave_eddy_gives_the_analytic_psi_and_v_star_shift():
    """A wave-1 eddy in phase in v and theta: psi and the v* shift -dpsi/dp against closed forms.

    T(p) = 200 + 10 ln(10/p) K, so with kappa = R/c_p = 2/7 (written out here, not
    the library's) theta_bar = T (p0/p)^kappa and
    d theta_bar/dp = -(p0/p)^kappa (10 + kappa T) / p. v' = 5 cos(lon) m/s and
    theta' = 2 cos(lon) K give [v'theta'] = 5 K m/s, so
    psi = -5 p (p/p0)^kappa / g with g = 10 + kappa T, and
    d psi/dp = -5 (p/p0)^kappa ((1 + kappa) g + 10 kappa) / g^2.
    """
    kappa, p0 = 2.0 / 7.0, 1.0e5
    plev = np.geomspace(1e-3, 10.0, 200)  # 2nd-order differences good to ~1e-3 here
    lat = np.linspace(-80, 80, 9)
    lon = np.arange(0, 360, 30.0)
    shape = (1, plev.size, lat.size, lon.size)
    coords = {"time": [0], "plev": plev, "lat": lat, "lon": lon}
    dims = ("time", "plev", "lat", "lon")
    T_col = 200 + np.log(10 / plev) * 10
    v = xr.DataArray(
        np.broadcast_to(np.cos(np.radians(lat))[None, None, :, None], shape),
        dims=dims,
        coords=coords,
    )
    T = xr.DataArray(np.broadcast_to(T_col[None, :, None, None], shape), dims=dims, coords=coords)
    om = xr.DataArray(np.full(shape, 1e-6), dims=dims, coords=coords)
    wave = xr.DataArray(np.cos(np.radians(lon)), dims="lon", coords={"lon": lon})
    exner = xr.DataArray((plev / p0) ** kappa, dims="plev", coords={"plev": plev})
    out = residual_circulation(v, T, om)
    out2 = residual_circulation(v + 5.0 * wave, T + 2.0 * wave * exner, om)  # theta' = 2 cos(lon) K
    np.testing.assert_allclose(out2["vtheta"].values, 5.0, rtol=1e-4)  # CESM kappa vs 2/7
    g = 10.0 + kappa * T_col
    psi = -5.0 * plev * (plev / p0) ** kappa / g
    dpsi_dp = -5.0 * (plev / p0) ** kappa * ((1 + kappa) * g + 10 * kappa) / g**2
    got_psi = out2["psi"].isel(time=0).values  # (plev, lat): psi does not depend on lat here
    np.testing.assert_allclose(got_psi, np.broadcast_to(psi[:, None], got_psi.shape), rtol=5e-3)
    shift = (out2["v_star"] - out["v_star"]).isel(time=0).values
    inner = slice(2, -2)  # psi's one-sided end differences spoil the two outer levels
    np.testing.assert_allclose(
        shift[inner], np.broadcast_to(-dpsi_dp[inner, None], shift[inner].shape), rtol=3e-3
    )
    # the Eulerian mean is unchanged (the wave has zero zonal mean), so the shift is all in v*
    np.testing.assert_allclose(out2["v_bar"].values, out["v_bar"].values, atol=1e-12)


def test_fig2cd_seasons_are_the_climatology_seasons():
    """Fig. 2c,d averages the months of the climatology's seasons (one definition of DJF etc.)."""
    from estransport.climatology.gridding import MONTH_TO_SEASON, SEASONS
    from estransport.plotting import fig2cd

    for month in range(1, 13):
        (season,) = [s for s, months in fig2cd.SEASON_MONTHS.items() if month in months]
        assert season == SEASONS[MONTH_TO_SEASON[month]]
    stamps = pd.to_datetime(["2008-01-15", "2008-02-15", "2008-03-15", "2008-12-15"])
    time = xr.DataArray([1.0, 2.0, 3.0, 4.0], dims="time", coords={"time": stamps})
    assert float(fig2cd.seasonal_mean(time, "DJF")) == pytest.approx(7.0 / 3.0)  # Jan, Feb, Dec
    assert float(fig2cd.seasonal_mean(time, "mam")) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="season"):
        fig2cd.seasonal_mean(time, "JAS")


def test_fig2cd_ratio_200_draws_1_cm_s_vertical_as_long_as_2_m_s(tmp_path, monkeypatch):
    """What the docs and the caption say the schema default ratio draws, on the drawn figure.

    Fig. 2d from the synthetic tem.nc with ratio 200 and a 2 m/s key: the key's
    vertical arrow reads 1 cm/s, both key arrows have one page length, and the
    figure states the exaggeration.
    """
    import matplotlib

    matplotlib.use("Agg")
    from estransport.config import validate_config
    from estransport.plotting import fig2cd

    from .workflow_helpers import default_config

    assert validate_config(default_config())["model"]["fig2cd"]["ratio"] == 200
    tem_path = tmp_path / "tem.nc"
    tem_run().to_netcdf(tem_path)
    figures = []
    monkeypatch.setattr(fig2cd, "save_figure", lambda fig, *a, **k: figures.append(fig))
    fig2cd.plot_fig2cd(
        tem_path,
        tmp_path / "fig2d.png",
        season="JJA",
        panel="d",
        altitude_km=(80.0, 150.0),
        ratio=200.0,
        lat_stride=2,
        altitude_stride_km=3.0,
        vmax=None,
        dpi=60,
        ref_speed=2.0,
    )
    (fig,) = figures
    ax = fig.axes[0]
    keys = [a for a in ax.artists if hasattr(a, "U")] + [
        c for c in ax.get_children() if type(c).__name__ == "QuiverKey"
    ]
    labels = sorted({k.text.get_text() for k in keys})
    assert labels == ["1 cm/s vert.", "2 m/s merid."], labels
    assert len({k.U for k in keys}) == 1  # one page length for both key arrows
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "vertical exaggerated 200x" in texts and "JJA" in texts and "(d)" in texts
