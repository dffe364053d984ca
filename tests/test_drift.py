"""Ion drift (Yu et al. 2021, A2-A5): closed form against an independent 3 x 3 solve, and limits."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from estransport.physics.collisions import gyrofrequency
from estransport.physics.constants import ATOMIC_MASS_UNIT, ELEMENTARY_CHARGE, MASS_FE_U
from estransport.physics.drift import (
    classical_vertical_drift,
    electric_drift_parts,
    field_unit_vector,
    ion_drift,
    ion_drift_closed_form,
    ion_drift_contributions,
    sum_contributions,
)

M_FE = MASS_FE_U * ATOMIC_MASS_UNIT


def direct_solve(U, I, D, r, E=(0.0, 0.0, 0.0), B=5e-5):
    """Solve 0 = e(E + v x B) - m nu (v - U) as a 3 x 3 linear system (positive ion)."""
    e = ELEMENTARY_CHARGE
    nu = r * gyrofrequency(B)
    inc, dec = np.radians(I), np.radians(D)
    Bv = B * np.array([np.sin(dec) * np.cos(inc), np.cos(dec) * np.cos(inc), -np.sin(inc)])
    # (v x B) = C v
    C = np.array([[0.0, Bv[2], -Bv[1]], [-Bv[2], 0.0, Bv[0]], [Bv[1], -Bv[0], 0.0]])
    A = M_FE * nu * np.eye(3) - e * C
    rhs = M_FE * nu * np.asarray(U, float) + e * np.asarray(E, float)
    return np.linalg.solve(A, rhs)


angles_i = st.floats(-89.9, 89.9)
angles_d = st.floats(-180.0, 180.0)
log_r = st.floats(-3.0, 3.0)
speed = st.floats(-150.0, 150.0)
efield = st.floats(-0.05, 0.05)  # V/m
bfield = st.floats(2.0e-5, 6.5e-5)  # T


@settings(max_examples=300, deadline=None)
@given(I=angles_i, D=angles_d, lr=log_r, U=speed, V=speed, W=speed)
def test_closed_form_A3_A5_equals_direct_solve(I, D, lr, U, V, W):
    r = 10.0**lr
    expected = direct_solve((U, V, W), I, D, r)
    got = np.array(ion_drift_closed_form(U, V, W, I, D, r))
    got_vec = np.array(ion_drift(U, V, W, I, D, r))
    scale = max(1.0, np.abs(expected).max())
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(got_vec, expected, rtol=0, atol=1e-9 * scale)


@settings(max_examples=300, deadline=None)
@given(
    I=angles_i,
    D=angles_d,
    lr=log_r,
    U=speed,
    V=speed,
    W=speed,
    Ex=efield,
    Ey=efield,
    Ez=efield,
    B=bfield,
)
def test_general_solution_with_E_equals_direct_solve(I, D, lr, U, V, W, Ex, Ey, Ez, B):
    r = 10.0**lr
    expected = direct_solve((U, V, W), I, D, r, E=(Ex, Ey, Ez), B=B)
    got = np.array(ion_drift(U, V, W, I, D, r, E=(Ex, Ey, Ez), B=B))
    scale = max(1.0, np.abs(expected).max())
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9 * scale)


@settings(max_examples=200, deadline=None)
@given(I=angles_i, lr=log_r, U=speed, V=speed, W=speed)
def test_A5_with_zero_declination_is_A1(I, lr, U, V, W):
    r = 10.0**lr
    w5 = ion_drift_closed_form(U, V, W, I, 0.0, r)[2]
    w1 = classical_vertical_drift(U, V, W, I, r)
    assert w5 == pytest.approx(w1, abs=1e-12 * max(1.0, abs(w1)))


def test_contributions_add_up_and_are_linear():
    rng = np.random.default_rng(4)
    I, D, r = rng.uniform(-80, 80, 50), rng.uniform(-30, 30, 50), 10 ** rng.uniform(-2, 2, 50)
    U, V, W = rng.normal(0, 30, (3, 50))
    E = tuple(rng.normal(0, 1e-3, (3, 50)))
    B = rng.uniform(3e-5, 6e-5, 50)
    parts = ion_drift_contributions(U, V, W, I, D, r, E=E, B=B)
    assert set(parts) == {"U", "V", "W", "ExB", "pedersen"}
    total = np.array(sum_contributions(parts))
    np.testing.assert_allclose(total, np.array(ion_drift(U, V, W, I, D, r, E=E, B=B)), atol=1e-12)
    only_u = np.array(ion_drift(U, 0 * V, 0 * W, I, D, r))
    np.testing.assert_allclose(np.array(parts["U"]), only_u, atol=1e-12)


@pytest.mark.parametrize("I,D", [(58.44, -5.97), (-60.0, 20.0), (5.0, 0.0), (89.0, 150.0)])
def test_limit_large_r_follows_the_wind(I, D):
    wind = np.array([37.0, -12.0, 0.4])
    v = np.array(ion_drift(*wind, I, D, 1e7))
    np.testing.assert_allclose(v, wind, atol=1e-5)


@pytest.mark.parametrize("I,D", [(58.44, -5.97), (-60.0, 20.0), (5.0, 0.0), (89.0, 150.0)])
def test_limit_small_r_moves_along_B_with_b_dot_V(I, D):
    wind = np.array([37.0, -12.0, 0.4])
    b = np.array(field_unit_vector(I, D))
    v = np.array(ion_drift(*wind, I, D, 1e-7))
    np.testing.assert_allclose(v, (b @ wind) * b, atol=1e-5)
    # the drift is parallel to B: no perpendicular part
    assert np.linalg.norm(np.cross(v, b)) < 1e-5


@pytest.mark.parametrize("I,D", [(58.44, -5.97), (-40.0, 10.0), (75.0, -100.0)])
def test_ExB_limit(I, D):
    B = 5.16e-5
    b = np.array(field_unit_vector(I, D))
    E = np.cross(b, [0.3, -0.8, 0.5]) * 2e-3  # perpendicular to B, V/m
    v = np.array(ion_drift(0.0, 0.0, 0.0, I, D, 1e-7, E=tuple(E), B=B))
    exb = np.cross(E, b * B) / B**2
    # what remains is the Pedersen part r E / B, about 4e-6 m/s at r = 1e-7
    np.testing.assert_allclose(v, exb, rtol=0, atol=1e-5)
    assert np.linalg.norm(exb) == pytest.approx(np.linalg.norm(E) / B)
    # and for r >> 1 the Pedersen part dominates, along E with speed E/(B r)
    exb_part, ped = electric_drift_parts(*E, B, I, D, 1e3)
    np.testing.assert_allclose(np.array(ped), E / (B * 1e3) * (1e6 / (1 + 1e6)), rtol=1e-9)
    assert np.linalg.norm(exb_part) < 1e-2 * np.linalg.norm(ped)


def test_collision_dominated_terms_dominate():
    """docs/science.md 3: for r >> 1 the V term dominates v_i and the U term dominates w_i.

    With D = 0 (B in the meridional plane) the parts follow in closed form from
    v = (b.U) b + (r^2 U_perp + r U_perp x b) / (1 + r^2): an eastward wind gives
    (v, w) = (r sin I, r cos I) U / (1 + r^2), a northward wind
    v = (r^2 + cos^2 I) V / (1 + r^2) and w = -sin I cos I V / (1 + r^2). So
    |v_V / v_U| = (r^2 + cos^2 I) / (r sin I) and |w_U / w_V| = r / sin I, both
    23.5 at r = 20 and I = 58.44 (Beijing).
    """
    I, r = 58.44, 20.0
    si, ci = np.sin(np.radians(I)), np.cos(np.radians(I))
    parts = ion_drift_contributions(30.0, 30.0, 0.3, I, 0.0, r)
    assert abs(parts["V"][1] / parts["U"][1]) == pytest.approx(
        (r * r + ci * ci) / (r * si), rel=1e-12
    )
    assert abs(parts["U"][2] / parts["V"][2]) == pytest.approx(r / si, rel=1e-12)
    assert r / si > 20
    # with Beijing's declination (-5.97) the dominance stays above 10 (23.5 and 16.2)
    parts = ion_drift_contributions(30.0, 30.0, 0.3, I, -5.97, r)
    assert abs(parts["V"][1]) > 10 * abs(parts["U"][1])
    assert abs(parts["U"][2]) > 10 * abs(parts["V"][2])


def test_vectorised_numpy_dask_xarray_agree():
    rng = np.random.default_rng(7)
    shape = (3, 5, 4, 6)  # time, altitude, lat, lon
    U, V, W = rng.normal(0, 30, (3, *shape))
    r = 10 ** rng.uniform(-1, 2, shape)
    I = rng.uniform(-80, 80, shape[1:])
    D = rng.uniform(-20, 20, shape[1:])
    ref = np.array(ion_drift(U, V, W, I, D, r))
    lazy = ion_drift(
        *(da.from_array(x, chunks=(1, 5, 4, 6)) for x in (U, V, W)),
        I,
        D,
        da.from_array(r, chunks=(1, 5, 4, 6)),
    )
    assert isinstance(lazy[0], da.Array)
    np.testing.assert_allclose(np.array([x.compute() for x in lazy]), ref)
    dims = ("time", "altitude", "lat", "lon")
    xr_in = [xr.DataArray(x, dims=dims).chunk({"time": 1}) for x in (U, V, W, r)]
    out = ion_drift(
        *xr_in[:3], xr.DataArray(I, dims=dims[1:]), xr.DataArray(D, dims=dims[1:]), xr_in[3]
    )
    assert out[0].dims == dims and out[0].chunks is not None
    np.testing.assert_allclose(out[2].values, ref[2])
