"""Vertical coordinates of CAM/WACCM output: pressure, geometric altitude, vertical wind.

The formulas the CESM history reader (:mod:`estransport.model.cesm`) and the
model-state and TEM steps apply to model fields (docs/formats.md section 4):

* :func:`hybrid_pressure` - mid-level pressure of hybrid sigma-pressure levels,
  p = hyam P0 + hybm PS (4.2);
* :func:`geometric_altitude` - WACCM-X's conversion of the geopotential height
  Z3 to geometric altitude (4.4);
* :func:`gravity_at`, :func:`scale_height` - g(z) and the local pressure scale
  height R* T / (m g(z));
* :func:`omega_to_w` - vertical wind from the pressure velocity,
  w = -omega H / p (4.5);
* :func:`air_number_density` - n = p / (k_B T);
* :func:`mean_molecular_mass` - of an N2/O2/O mixture.

The constants are CESM's own (``shr_const_mod``, :mod:`.constants`), so the
conversions invert the model's.
"""

from __future__ import annotations

from .constants import (
    BOLTZMANN,
    CESM_EARTH_RADIUS,
    CESM_GRAVITY,
    CESM_P0,
    GAS_CONSTANT_KMOL,
    MASS_N2_U,
    MASS_O2_U,
    MASS_O_U,
)


def hybrid_pressure(hyam, hybm, ps, p0: float = CESM_P0):
    """Mid-level pressure of hybrid sigma-pressure levels, p = hyam P0 + hybm PS.

    Parameters
    ----------
    hyam, hybm : array_like
        Hybrid A and B coefficients at midpoints (dimensionless).
    ps : array_like
        Surface pressure, Pa.
    p0 : float
        Reference pressure, Pa (1e5 in CAM, ``CESM_P0``).

    Returns
    -------
    array_like
        Pressure, Pa (broadcast of the inputs).
    """
    return hyam * p0 + hybm * ps


def geometric_altitude(
    z3, phis=None, *, earth_radius: float = CESM_EARTH_RADIUS, gravity: float = CESM_GRAVITY
):
    """Geometric altitude from CAM's geopotential height Z3 (docs/formats.md 4.4).

    Parameters
    ----------
    z3 : array_like
        Geopotential height above sea level, m (CAM ``Z3``).
    phis : array_like, optional
        Surface geopotential, m2 s-2 (CAM ``PHIS``). Omitted: z_s = 0, which
        differs from the exact form by about z_s^2 / R_E (0.16 m for 1 km).
    earth_radius : float
        R_E, m (CESM 6.37122e6).
    gravity : float
        g, m s-2 (CESM 9.80616).

    Returns
    -------
    array_like
        Geometric altitude above sea level, m. At Z3 = 110 km it exceeds Z3 by
        about 1.9 km.

    Notes
    -----
    WACCM-X ``geometric_hgt``: z_s = PHIS/g, z_gp = Z3 - z_s, a = 1 + z_s/R_E,
    z = (z_s + a z_gp) / (1 - a z_gp / R_E), which is R_E Z3 / (R_E - Z3)
    without PHIS.
    """
    if phis is None:
        return earth_radius * z3 / (earth_radius - z3)
    zs = phis / gravity
    zgp = z3 - zs
    a = 1.0 + zs / earth_radius
    return (zs + a * zgp) / (1.0 - a * zgp / earth_radius)


def gravity_at(z_m, *, earth_radius: float = CESM_EARTH_RADIUS, g0: float = CESM_GRAVITY):
    """Gravitational acceleration at geometric altitude z (inverse-square law).

    Parameters
    ----------
    z_m : array_like
        Geometric altitude, m.
    earth_radius : float
        R_E, m (CESM 6.37122e6).
    g0 : float
        g at the surface, m s-2 (CESM 9.80616).

    Returns
    -------
    array_like
        g(z) = g0 (R_E / (R_E + z))^2, m s-2.
    """
    return g0 * (earth_radius / (earth_radius + z_m)) ** 2


def scale_height(temperature, mean_mass_u, z_m):
    """Local pressure scale height H = R* T / (m g(z)).

    Parameters
    ----------
    temperature : array_like
        K.
    mean_mass_u : array_like
        Mean molecular mass, u (kg kmol-1); 28.96 for air below the turbopause.
    z_m : array_like
        Geometric altitude, m (for g(z)).

    Returns
    -------
    array_like
        H, m.
    """
    return GAS_CONSTANT_KMOL * temperature / (mean_mass_u * gravity_at(z_m))


def omega_to_w(omega, pressure, scale_height_m):
    """Vertical wind from the pressure velocity, w = -omega H / p (docs/formats.md 4.5).

    Parameters
    ----------
    omega : array_like
        Pressure vertical velocity, Pa s-1 (CAM ``OMEGA``, positive downward motion).
    pressure : array_like
        Pa.
    scale_height_m : array_like or float
        H in m: the local scale height (:func:`scale_height`, as WACCM-X
        ``calc_wn``) or a constant (7000 m in CAM's FV TEM diagnostics).

    Returns
    -------
    array_like
        w, m s-1, positive upward.
    """
    return -omega * scale_height_m / pressure


def air_number_density(pressure, temperature):
    """Total number density n = p / (k_B T).

    Parameters
    ----------
    pressure : array_like
        Pa.
    temperature : array_like
        K.

    Returns
    -------
    array_like
        m-3.
    """
    return pressure / (BOLTZMANN * temperature)


def mean_molecular_mass(x_o, x_o2):
    """Mean molecular mass of an N2/O2/O mixture, N2 being the remainder 1 - x(O) - x(O2).

    He, Ar, H and N are neglected: together they are below about 1 % of the
    number density at 80-150 km (NRLMSIS 2.1; Ar, the largest, is 0.93 % in the
    mixed atmosphere and falls off above the turbopause near 100 km).

    Parameters
    ----------
    x_o, x_o2 : array_like
        Mole (volume mixing) fractions of O and O2.

    Returns
    -------
    array_like
        m = (1 - x_O - x_O2) m_N2 + x_O2 m_O2 + x_O m_O, in u (kg kmol-1).
    """
    return (1.0 - x_o - x_o2) * MASS_N2_U + x_o2 * MASS_O2_U + x_o * MASS_O_U
