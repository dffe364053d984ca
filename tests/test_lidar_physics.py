"""The physics of the MIC slice: the r_i -> 0 limit at 200 km, trajectories and convergence nodes.

Each check compares the library with an independent computation: the
field-aligned formula written out here, closed-form solutions of dz/dt = w, and
analytic node positions.
"""

from __future__ import annotations

import numpy as np
import pytest

from estransport.physics.atmosphere import msis_point
from estransport.physics.collisions import (
    collision_ratio,
    gyrofrequency,
    ion_neutral_collision_frequency,
)
from estransport.physics.drift import ion_drift
from estransport.physics.igrf import field_at
from estransport.physics.trajectory import (
    convergence_nodes,
    follow_node,
    integrate_vertical_trajectory,
)

CA_U = 40.078  # Ca standard atomic weight (IUPAC/CIAAW)


def field_aligned_w(U, V, W, inc_deg, dec_deg):
    """w_i = -sin I (U sin D cos I + V cos D cos I - W sin I), written out (docs/science.md §9)."""
    i, d = np.radians(inc_deg), np.radians(dec_deg)
    return -np.sin(i) * (U * np.sin(d) * np.cos(i) + V * np.cos(d) * np.cos(i) - W * np.sin(i))


@pytest.fixture(scope="module")
def beijing_200km():
    """I, D and r_i of Ca+ at 200 km over Beijing (IGRF-14, NRLMSIS 2.1 with F10.7 68, Ap 4)."""
    inc, dec, b = field_at(40.3, 116.2, 200.0, "2009-11-15")
    ms = msis_point(
        np.datetime64("2009-11-15T16:00"), 40.3, 116.2, [200.0], f107=68, f107a=68, ap=4
    )
    nu = ion_neutral_collision_frequency(
        ms["n_N2"].values, ms["n_O2"].values, ms["n_O"].values, ion_mass_u=CA_U
    )
    r = float(collision_ratio(nu, gyrofrequency(b, CA_U))[0])
    return float(inc), float(dec), r


def test_r_to_zero_limit_is_the_field_aligned_formula_at_200_km(beijing_200km):
    inc, dec, r = beijing_200km
    rng = np.random.default_rng(7)
    U, V, W = rng.normal(0, 40, (3, 200))
    expected = field_aligned_w(U, V, W, inc, dec)
    # the limit itself: r -> 0 (1e-8) reproduces the formula to rounding
    _, _, w0 = ion_drift(U, V, W, inc, dec, 1e-8)
    np.testing.assert_allclose(w0, expected, rtol=0, atol=1e-6)
    # at the real r_i of 200 km (about 0.026) the full drift differs from the limit
    # only at order r_i times the wind: |w - w_fa| <= r (|U| + |V| + |W|)
    assert 0.005 < r < 0.06
    _, _, w = ion_drift(U, V, W, inc, dec, r)
    assert np.all(np.abs(w - expected) <= r * (np.abs(U) + np.abs(V) + np.abs(W)))
    # and the difference shrinks linearly as r does
    _, _, w_half = ion_drift(U, V, W, inc, dec, r / 2)
    ratio = np.median(np.abs(w_half - expected) / np.abs(w - expected))
    assert ratio == pytest.approx(0.5, abs=0.02)


def test_constant_drift_gives_a_straight_descent():
    t = np.arange(0, 7201, 600.0)
    z = np.arange(80, 301, 5.0)
    w = np.full((t.size, z.size), -2.5)  # m/s downward
    tr = integrate_vertical_trajectory(t, z, w, t0_s=300.0, z0_km=250.0, t_end_s=6000.0)
    assert tr.status == "completed"
    np.testing.assert_allclose(tr.altitude_km, 250.0 - 2.5e-3 * (tr.time_s - 300.0), atol=1e-6)


def test_trajectory_converges_on_a_moving_node_with_the_analytic_lag():
    """w = -k (z - z_n(t)) with z_n = z1 - v t: the layer settles at z_n + v/k (lag v/k above)."""
    k = 1.0e-3  # s-1 (m/s per m)
    v = 2.0e-3  # km/s node speed (7.2 km/h)
    z1 = 250.0
    t = np.arange(0, 20001, 300.0)
    z = np.arange(100, 301, 0.5)
    zn = z1 - v * t
    w = -k * (z[None, :] - zn[:, None]) * 1e3  # m/s
    tr = integrate_vertical_trajectory(t, z, w, t0_s=0.0, z0_km=z1 + 10.0, t_end_s=18000.0)
    lag = v / k  # km
    late = tr.time_s > 10000
    np.testing.assert_allclose(tr.altitude_km[late], z1 - v * tr.time_s[late] + lag, atol=0.05)


def test_trajectory_stops_when_leaving_the_grid():
    t = np.arange(0, 3601, 600.0)
    z = np.arange(100, 151, 1.0)
    w = np.full((t.size, z.size), -10.0)
    tr = integrate_vertical_trajectory(t, z, w, t0_s=0.0, z0_km=110.0, t_end_s=3600.0)
    assert tr.status == "left_grid"
    assert tr.altitude_km[-1] == pytest.approx(100.0, abs=1e-3)
    assert tr.time_s[-1] == pytest.approx(1000.0, abs=1.0)
    out = integrate_vertical_trajectory(t, z, w, t0_s=-100.0, z0_km=110.0, t_end_s=3600.0)
    assert out.status == "outside_time"


def test_convergence_nodes_of_a_sine_profile():
    """w = -A sin(2 pi (z - z0)/lam): down above z0 + n lam, up below: nodes there."""
    z = np.arange(80.0, 300.0, 0.7)
    lam, z0 = 37.0, 101.3
    w = -20.0 * np.sin(2 * np.pi * (z - z0) / lam)
    nodes = convergence_nodes(z, w)
    expected = z0 + lam * np.arange(0, 6)
    expected = expected[(expected > z[0]) & (expected < z[-1])]
    np.testing.assert_allclose(nodes, expected, atol=0.05)
    # divergence points (w down below, up above) are not nodes
    assert not np.any(np.isclose(convergence_nodes(z, -w)[:, None], expected[None, :], atol=1.0))


def test_exact_zero_between_up_and_down_is_one_node():
    z = np.array([100.0, 101.0, 102.0, 103.0, 104.0])
    w = np.array([2.0, 1.0, 0.0, -1.0, -2.0])
    np.testing.assert_allclose(convergence_nodes(z, w), [102.0])
    assert convergence_nodes(z, np.array([1.0, np.nan, -1.0, -1.0, -1.0])).size == 0


def test_follow_node_tracks_a_descending_node():
    t = np.arange(0, 36001, 1800.0)
    z = np.arange(100, 301, 0.5)
    zn = 260.0 - 5.0 * t / 3600.0  # 5 km/h
    w = -1e-3 * (z[None, :] - zn[:, None]) * 1e3
    tt, zz = follow_node(t, z, w, t0_s=0.0, z0_km=255.0, max_jump_km=10.0)
    np.testing.assert_allclose(zz, 260.0 - 5.0 * tt / 3600.0, atol=0.3)
    assert tt.size == t.size
