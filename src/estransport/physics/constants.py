"""Physical constants used by the model and drift code (SI units), each with its source.

CODATA values are the exact SI-defining constants (2019 redefinition) or the
CODATA 2018 recommended values. CESM constants are those of ``shr_const_mod``
(CESM share code), so that quantities derived from model output invert the
model's own conversions exactly.
"""

from __future__ import annotations

#: Elementary charge, C (exact, SI 2019).
ELEMENTARY_CHARGE = 1.602176634e-19
#: Boltzmann constant, J K-1 (exact, SI 2019).
BOLTZMANN = 1.380649e-23
#: Avogadro constant, mol-1 (exact, SI 2019).
AVOGADRO = 6.02214076e23
#: Universal gas constant R* = N_A k_B, J K-1 kmol-1 (exact, SI 2019).
GAS_CONSTANT_KMOL = AVOGADRO * BOLTZMANN * 1.0e3
#: Atomic mass constant (unified atomic mass unit), kg (CODATA 2018).
ATOMIC_MASS_UNIT = 1.66053906660e-27
#: Speed of light in vacuum, m s-1 (exact, SI).
SPEED_OF_LIGHT = 299_792_458.0

# CGS (Gaussian) forms, for formulas quoted in CGS (Schunk and Nagy 2009, eq. 4.88).
#: Elementary charge in Gaussian units, statC (esu): e[C] x c[m s-1] x 10
#: = 4.803204712570263e-10, exact from the SI 2019 / CODATA 2018 values of e and c
#: (1 C = 10 c[m s-1] statC).
ELEMENTARY_CHARGE_CGS = ELEMENTARY_CHARGE * SPEED_OF_LIGHT * 10.0
#: Atomic mass constant in g (CODATA 2018: 1.660 539 066 60(50) x 1e-27 kg).
ATOMIC_MASS_UNIT_CGS = ATOMIC_MASS_UNIT * 1.0e3

#: Standard atomic weight of Fe, u (IUPAC/CIAAW 2021: 55.845). docs/science.md section 4.
MASS_FE_U = 55.845
#: Molecular masses of the major neutrals, u (IUPAC standard atomic weights:
#: N 14.007, O 15.999).
MASS_N2_U = 28.014
MASS_O2_U = 31.998
MASS_O_U = 15.999

#: CESM gravitational acceleration, m s-2 (``SHR_CONST_G``, shr_const_mod; docs/formats.md 4.4).
CESM_GRAVITY = 9.80616
#: CESM Earth radius, m (``SHR_CONST_REARTH``, shr_const_mod; docs/formats.md 4.4).
CESM_EARTH_RADIUS = 6.37122e6
#: CESM dry-air gas constant, J kg-1 K-1 (``SHR_CONST_RDAIR`` = R*/M_dry with
#: M_dry = 28.966 kg kmol-1; equal to CESM's value to 1e-6).
CESM_RDAIR = GAS_CONSTANT_KMOL / 28.966
#: CESM dry-air specific heat at constant pressure, J kg-1 K-1 (``SHR_CONST_CPDAIR``).
CESM_CPDAIR = 1.00464e3
#: CAM reference pressure P0, Pa (hycoef.F90; docs/formats.md 4.2).
CESM_P0 = 1.0e5
#: Reference pressure of potential temperature, Pa (1000 hPa; docs/formats.md 4.6).
THETA_REFERENCE_PRESSURE = 1.0e5
#: Fixed scale height of CAM's FV TEM diagnostics (ctem.F90), m (docs/formats.md 4.5).
CAM_TEM_SCALE_HEIGHT = 7000.0
