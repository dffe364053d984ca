"""Steady ion drift in a neutral wind and an electric field (Yu et al. 2021, appendix A).

Coordinates are east, north, up. The magnetic field is
**B** = B (sin D cos I, cos D cos I, -sin I) = B **b**, with the dip angle I
positive downward and the declination D positive east (docs/science.md section 3).
The steady momentum equation of a singly charged positive ion (A2) is

    0 = e (**E** + **v** x **B**) - m nu (**v** - **U**),

with **U** = (U, V, W) the neutral wind and **v** = (u_i, v_i, w_i) the ion
drift. Dividing by m nu and writing r = nu / omega (omega = eB/m) gives
**v** - (1/r) **v** x **b** = **a**, with **a** = **U** + **E**/(B r). Its
solution is

    **v** = [ r^2 **a** + r (**a** x **b**) + (**a** . **b**) **b** ] / (1 + r^2).

With **E** = 0 this is the closed form A3-A5 of the paper (checked
component by component in the tests, and against a direct 3 x 3 solve). With
**E** != 0 the electric part separates into

* the E x B drift, (**E** x **b**) / (B (1 + r^2)), which tends to
  **E** x **B** / B^2 for r -> 0, and
* the Pedersen ("Coulomb-force-induced") drift,
  [ r **E** + (**E** . **b**) **b** / r ] / (B (1 + r^2)), which is r **E**/B
  along **E** when **E** is perpendicular to **B**.

Everything is pure element-wise array arithmetic, so numpy arrays, dask arrays
and xarray DataArrays (lazy or not) of any shape work, with broadcasting.
Angles are in degrees; r must be positive.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: Names of the drift contributions returned by :func:`ion_drift_contributions`.
DRIVERS = ("U", "V", "W", "ExB", "pedersen")


def field_unit_vector(inclination, declination):
    """Unit vector along **B** (east, north, up) from I and D.

    Parameters
    ----------
    inclination, declination : array_like
        I (positive down) and D (positive east), degrees.

    Returns
    -------
    tuple of array_like
        (b_east, b_north, b_up) = (sin D cos I, cos D cos I, -sin I), dimensionless.
    """
    inc = np.deg2rad(inclination)
    dec = np.deg2rad(declination)
    cos_i = np.cos(inc)
    return np.sin(dec) * cos_i, np.cos(dec) * cos_i, -np.sin(inc)


def wind_drift_matrix(inclination, declination, r):
    """Matrix M with **v** = M **U** for E = 0 (the coefficients of A3-A5).

    Parameters
    ----------
    inclination, declination : array_like
        I and D in degrees.
    r : array_like
        r_i = nu_in / omega_i, dimensionless, > 0.

    Returns
    -------
    tuple of tuple of array_like
        ``M[i][j]`` (i = output east/north/up, j = wind east/north/up),
        dimensionless: M = [r^2 1 + r C + b b^T] / (1 + r^2), where C a = a x b.
    """
    bx, by, bz = field_unit_vector(inclination, declination)
    r2 = r * r
    den = 1.0 + r2
    # C a = a x b: rows (0, bz, -by), (-bz, 0, bx), (by, -bx, 0)
    return (
        ((r2 + bx * bx) / den, (r * bz + bx * by) / den, (-r * by + bx * bz) / den),
        ((-r * bz + by * bx) / den, (r2 + by * by) / den, (r * bx + by * bz) / den),
        ((r * by + bz * bx) / den, (-r * bx + bz * by) / den, (r2 + bz * bz) / den),
    )


def ion_drift_closed_form(U, V, W, inclination, declination, r):
    """Ion drift for E = 0, written exactly as equations A3-A5 of Yu et al. (2021).

    Parameters
    ----------
    U, V, W : array_like
        Neutral wind east, north, up, m s-1.
    inclination, declination : array_like
        I (positive down) and D (positive east), degrees.
    r : array_like
        r_i = nu_in / omega_i, dimensionless.

    Returns
    -------
    u_i, v_i, w_i : array_like
        Ion drift east, north, up, m s-1.
    """
    inc = np.deg2rad(inclination)
    dec = np.deg2rad(declination)
    si, ci, sd, cd = np.sin(inc), np.cos(inc), np.sin(dec), np.cos(dec)
    den = 1.0 + r * r
    u = (
        (r * r + sd**2 * ci**2) * U
        + (-r * si + sd * cd * ci**2) * V
        - (r * cd * ci + sd * si * ci) * W
    ) / den
    v = (
        (r * si + sd * cd * ci**2) * U
        + (r * r + cd**2 * ci**2) * V
        + (r * sd * ci - cd * si * ci) * W
    ) / den
    w = (
        (r * cd * ci - sd * si * ci) * U - (r * sd * ci + cd * si * ci) * V + (r * r + si**2) * W
    ) / den
    return u, v, w


def classical_vertical_drift(U, V, W, inclination, r):
    """Classical wind-shear vertical ion drift (A1), valid for D = 0.

    Parameters
    ----------
    U, V, W : array_like
        Neutral wind east, north, up, m s-1.
    inclination : array_like
        I, degrees (positive down).
    r : array_like
        r_i, dimensionless.

    Returns
    -------
    array_like
        w_i = [r cos I U - sin I cos I V + (r^2 + sin^2 I) W] / (1 + r^2), m s-1.
    """
    inc = np.deg2rad(inclination)
    si, ci = np.sin(inc), np.cos(inc)
    return (r * ci * U - si * ci * V + (r * r + si * si) * W) / (1.0 + r * r)


def electric_drift_parts(E_east, E_north, E_up, B, inclination, declination, r):
    """E x B and Pedersen (Coulomb-force) drifts of the ion.

    Parameters
    ----------
    E_east, E_north, E_up : array_like
        Electric field in the frame of the Earth, V m-1.
    B : array_like
        |B|, T.
    inclination, declination : array_like
        Degrees.
    r : array_like
        r_i, dimensionless, > 0.

    Returns
    -------
    exb : tuple of array_like
        (E x b) / (B (1 + r^2)), m s-1 (east, north, up).
    pedersen : tuple of array_like
        [r E + (E . b) b / r] / (B (1 + r^2)), m s-1 (east, north, up).
    """
    bx, by, bz = field_unit_vector(inclination, declination)
    den = B * (1.0 + r * r)
    exb = (
        (E_north * bz - E_up * by) / den,
        (E_up * bx - E_east * bz) / den,
        (E_east * by - E_north * bx) / den,
    )
    par = (E_east * bx + E_north * by + E_up * bz) / r
    pedersen = (
        (r * E_east + par * bx) / den,
        (r * E_north + par * by) / den,
        (r * E_up + par * bz) / den,
    )
    return exb, pedersen


def ion_drift_contributions(
    U, V, W, inclination, declination, r, *, E=None, B=None
) -> dict[str, tuple]:
    """Ion drift split into the parts driven by U, V, W and by the electric field.

    The drift is linear in (U, V, W, **E**), so the parts add up exactly to the
    total of :func:`ion_drift`.

    Parameters
    ----------
    U, V, W : array_like
        Neutral wind east, north, up, m s-1.
    inclination, declination : array_like
        I and D, degrees.
    r : array_like
        r_i = nu_in / omega_i, dimensionless, > 0.
    E : tuple of array_like, optional
        (E_east, E_north, E_up), V m-1. Omitted: no electric parts.
    B : array_like, optional
        |B| in T; required with ``E``.

    Returns
    -------
    dict
        Keys ``"U"``, ``"V"``, ``"W"`` and, with ``E``, ``"ExB"`` and ``"pedersen"``;
        each value is the (east, north, up) drift in m s-1.
    """
    M = wind_drift_matrix(inclination, declination, r)
    out = {
        "U": (M[0][0] * U, M[1][0] * U, M[2][0] * U),
        "V": (M[0][1] * V, M[1][1] * V, M[2][1] * V),
        "W": (M[0][2] * W, M[1][2] * W, M[2][2] * W),
    }
    if E is not None:
        if B is None:
            raise ValueError("B (field magnitude in T) is required with an electric field")
        exb, ped = electric_drift_parts(E[0], E[1], E[2], B, inclination, declination, r)
        out["ExB"] = exb
        out["pedersen"] = ped
    return out


def sum_contributions(parts: Mapping[str, tuple]) -> tuple:
    """Add drift contributions component-wise.

    Parameters
    ----------
    parts : mapping of str to tuple
        As returned by :func:`ion_drift_contributions`.

    Returns
    -------
    tuple of array_like
        Total (east, north, up) drift, m s-1.
    """
    values = list(parts.values())
    total = list(values[0])
    for vec in values[1:]:
        total = [t + c for t, c in zip(total, vec, strict=True)]
    return tuple(total)


def ion_drift(U, V, W, inclination, declination, r, *, E=None, B=None):
    """Total steady ion drift (general solution of A2, with or without E).

    Parameters
    ----------
    U, V, W : array_like
        Neutral wind east, north, up, m s-1.
    inclination, declination : array_like
        I (positive down) and D (positive east), degrees.
    r : array_like
        r_i = nu_in / omega_i, dimensionless, > 0.
    E : tuple of array_like, optional
        (E_east, E_north, E_up) in V m-1.
    B : array_like, optional
        |B| in T, required with ``E``.

    Returns
    -------
    u_i, v_i, w_i : array_like
        Ion drift east, north, up, m s-1.

    Notes
    -----
    Limits: r -> infinity gives the neutral wind; r -> 0 with E = 0 gives
    (**b** . **U**) **b**; r -> 0 with **E** perpendicular to **B** adds
    **E** x **B** / B^2.
    """
    return sum_contributions(
        ion_drift_contributions(U, V, W, inclination, declination, r, E=E, B=B)
    )
