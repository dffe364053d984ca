"""Fe+ ion-neutral collision frequency, ion gyrofrequency and their ratio r_i.

Collision frequency
-------------------
Fe+ collides with N2, O2 and O non-resonantly, so the polarisation (Langevin,
"Maxwell molecule") interaction applies. Schunk and Nagy (2009, *Ionospheres:
Physics, Plasma Physics, and Chemistry*, 2nd ed., Cambridge Univ. Press,
ch. 4, eq. 4.88 and table 4.1 for the polarisabilities) give, in CGS units,

.. math::

    \\nu_{in} = 2.21\\pi\\, f_m\\, n_n \\left(\\frac{\\gamma_n e^2}{\\mu_{in}}\\right)^{1/2},

with :math:`\\gamma_n` the neutral polarisability, :math:`\\mu_{in}` the
ion-neutral reduced mass and :math:`f_m = m_n/(m_i+m_n)` the momentum-transfer
mass factor. Numerically, :math:`2.21\\pi (e^2 \\cdot 10^{-24}\\,\\mathrm{cm^3}/1\\,\\mathrm{u})^{1/2}
= 2.59\\times10^{-9}\\,\\mathrm{cm^3\\,s^{-1}}`, so

.. math::

    \\nu_{in} = 2.59\\times10^{-9}\\, f_m\\, n_n[\\mathrm{cm^{-3}}]\\,
               (\\gamma_n[10^{-24}\\mathrm{cm^3}] / \\mu_{in}[\\mathrm{u}])^{1/2}\\ \\mathrm{s^{-1}}.

**Default: without** :math:`f_m` (``momentum_transfer=False``). This is the form
behind the sanity numbers of docs/science.md section 4 (r_i = 24 at 106 km over
Beijing; 73 at 100 km; 3 at 120 km). Including :math:`f_m` (S&N's
momentum-transfer frequency) lowers nu_in and r_i for Fe+ by (m_i+m_n)/m_n = 3.0
(N2), 2.7 (O2) and 4.5 (O), 3.0-3.2 for the 100-150 km mixture, which moves
r_i = 1 from about 132 km down to about 120 km;
set ``momentum_transfer=True`` (config ``model.drift.momentum_transfer``) to
use it. The paper does not say which form it used.

Polarisabilities (S&N 2009 table 4.1): N2 1.76, O2 1.59, O 0.77 x 1e-24 cm3.

Gyrofrequency
-------------
omega_i = e B / m_i, with m_i = 55.845 u for Fe+ (docs/science.md section 4).
"""

from __future__ import annotations

import numpy as np

from .constants import (
    ATOMIC_MASS_UNIT,
    ATOMIC_MASS_UNIT_CGS,
    ELEMENTARY_CHARGE,
    ELEMENTARY_CHARGE_CGS,
    MASS_FE_U,
    MASS_N2_U,
    MASS_O2_U,
    MASS_O_U,
)

#: Neutral polarisabilities, 1e-24 cm3 (Schunk and Nagy 2009, table 4.1).
POLARISABILITY_1E24_CM3 = {"N2": 1.76, "O2": 1.59, "O": 0.77}
#: Neutral masses, u.
NEUTRAL_MASS_U = {"N2": MASS_N2_U, "O2": MASS_O2_U, "O": MASS_O_U}
#: 2.21 pi (e^2 x 1e-24 cm3 / 1 u)^(1/2) in CGS, cm3 s-1 (Schunk and Nagy 2009, eq. 4.88).
LANGEVIN_CGS_PREFACTOR = (
    2.21 * np.pi * np.sqrt(ELEMENTARY_CHARGE_CGS**2 * 1e-24 / ATOMIC_MASS_UNIT_CGS)
)


def langevin_rate_coefficient(
    neutral: str, ion_mass_u: float = MASS_FE_U, *, momentum_transfer: bool = False
) -> float:
    """Non-resonant ion-neutral collision rate coefficient C_n (nu_in = C_n n_n).

    Parameters
    ----------
    neutral : {"N2", "O2", "O"}
        Neutral species.
    ion_mass_u : float
        Ion mass in u (default Fe+, 55.845 u).
    momentum_transfer : bool
        Include the momentum-transfer mass factor m_n/(m_i+m_n) of Schunk and
        Nagy (2009, eq. 4.88). Default False (see the module notes).

    Returns
    -------
    float
        C_n in m3 s-1.

    Notes
    -----
    C_n = 2.21 pi (gamma_n e^2 / mu_in)^(1/2) [x m_n/(m_i+m_n)] in CGS,
    = 2.59e-9 (gamma_n / mu_in)^(1/2) cm3 s-1 with gamma_n in 1e-24 cm3 and
    mu_in in u; times 1e-6 for m3 s-1.
    """
    try:
        alpha = POLARISABILITY_1E24_CM3[neutral]
        m_n = NEUTRAL_MASS_U[neutral]
    except KeyError:
        raise ValueError(f"unknown neutral {neutral!r}; expected one of N2, O2, O") from None
    mu = ion_mass_u * m_n / (ion_mass_u + m_n)
    c = LANGEVIN_CGS_PREFACTOR * np.sqrt(alpha / mu) * 1e-6  # cm3/s -> m3/s
    if momentum_transfer:
        c *= m_n / (ion_mass_u + m_n)
    return float(c)


def ion_neutral_collision_frequency(
    n_n2, n_o2, n_o, *, ion_mass_u: float = MASS_FE_U, momentum_transfer: bool = False
):
    """Fe+ (or other heavy ion) collision frequency with N2, O2 and O.

    Works on numpy, dask and xarray inputs alike (pure array arithmetic).

    Parameters
    ----------
    n_n2, n_o2, n_o : array_like
        Neutral number densities, m-3.
    ion_mass_u : float
        Ion mass, u (default Fe+ 55.845).
    momentum_transfer : bool
        Include the m_n/(m_i+m_n) factor (see :func:`langevin_rate_coefficient`).

    Returns
    -------
    array_like
        nu_in in s-1, the sum of the three Langevin terms.
    """
    kw = {"ion_mass_u": ion_mass_u, "momentum_transfer": momentum_transfer}
    return (
        langevin_rate_coefficient("N2", **kw) * n_n2
        + langevin_rate_coefficient("O2", **kw) * n_o2
        + langevin_rate_coefficient("O", **kw) * n_o
    )


def gyrofrequency(b_tesla, ion_mass_u: float = MASS_FE_U):
    """Ion (angular) gyrofrequency omega_i = e B / m_i.

    Parameters
    ----------
    b_tesla : array_like
        Magnetic field magnitude, T.
    ion_mass_u : float
        Ion mass, u (default Fe+ 55.845 u).

    Returns
    -------
    array_like
        omega_i in rad s-1 (about 89 s-1 for Fe+ in a 51,600 nT field).
    """
    return ELEMENTARY_CHARGE * b_tesla / (ion_mass_u * ATOMIC_MASS_UNIT)


def collision_ratio(nu_in, omega_i):
    """r_i = nu_in / omega_i (dimensionless); r_i >> 1 means collision dominated.

    Parameters
    ----------
    nu_in : array_like
        Ion-neutral collision frequency, s-1.
    omega_i : array_like
        Ion gyrofrequency, rad s-1.

    Returns
    -------
    array_like
        r_i, dimensionless.
    """
    return nu_in / omega_i
