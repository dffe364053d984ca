"""The planted truth of the synthetic WACCM files: analytic fields, independent of the library.

Each function evaluates one planted shape (see :mod:`estransport.synthetic.waccm`
for what is planted); :mod:`.fields` evaluates them on the model grid. The
potential-temperature constants are written out here and NOT imported from
:mod:`estransport.physics`, so the TEM recovery tests check the library.
"""

from __future__ import annotations

import numpy as np

from .params import SyntheticWaccmParameters

#: Angular frequency of the solar day, rad s-1 (2 pi / 86400 s): migrating tides
#: follow local solar time.
OMEGA_SOLAR_DAY = 2.0 * np.pi / 86400.0

#: R/c_p of dry air, written out here on purpose and NOT imported from
#: :mod:`estransport.physics.tem`: the TEM recovery test must fail if the
#: library's kappa, potential temperature or d/dp were wrong, which it could not
#: if the generator built the eddy heat flux with the same code. An ideal
#: diatomic gas has c_p = (7/2) R, so R/c_p = 2/7 = 0.2857 (equivalently
#: gamma = c_p/c_v = 1.40, the ratio of specific heats of the U.S. Standard
#: Atmosphere 1976); Wallace and Hobbs (2006, *Atmospheric Science*, 2nd ed.,
#: sections 3.1 and 3.3) give R_d = 287.0 and c_p = 1004 J kg-1 K-1, i.e. 0.286
#: to 3 decimals. (CESM's 287.04/1004.64 = 0.285716 differs from 2/7 by 1e-5
#: relative, far below the test tolerances.)
KAPPA_DRY_AIR = 2.0 / 7.0
#: Reference pressure of potential temperature, Pa (1000 hPa, the meteorological
#: convention, e.g. Andrews, Holton and Leovy 1987, eq. 1.1.4a; it cancels in psi).
THETA_P0 = 1.0e5


def seasonal_factor(month) -> np.ndarray:
    """Solstitial factor s = cos(2 pi (month - 1)/12): +1 in January, -1 in July.

    Parameters
    ----------
    month : array_like
        Calendar month, 1-12.

    Returns
    -------
    numpy.ndarray
        s, dimensionless.
    """
    return np.cos(2.0 * np.pi * (np.asarray(month, float) - 1.0) / 12.0)


def _lobe(z, lo, hi):
    x = (np.asarray(z, float) - lo) / (hi - lo)
    return np.where((x > 0) & (x < 1), np.sin(np.pi * x) ** 2, 0.0)


def cell_profile(z_km, params: SyntheticWaccmParameters) -> np.ndarray:
    """Vertical profile G(z) of the planted residual meridional velocity, m s-1.

    Positive G is northward in January (s = +1): summer (south) to winter
    (north) in the mesospheric and upper-thermospheric cells, and negative
    (winter to summer) in the lower-thermospheric cell.

    Parameters
    ----------
    z_km : array_like
        Reference altitude, km.
    params : SyntheticWaccmParameters

    Returns
    -------
    numpy.ndarray
        G in m s-1.
    """
    b = params.cell_bounds_km
    return (
        params.v_mesosphere * _lobe(z_km, b[0], b[1])
        - params.v_lower_thermosphere * _lobe(z_km, b[1], b[2])
        + params.v_upper_thermosphere * _lobe(z_km, b[2], b[3])
    )


def eddy_shape(zeta, zeta_c, width):
    """Gaussian q(zeta) of the eddy streamfunction and q - dq/dzeta (for d psi / dp)."""
    x = (zeta - zeta_c) / width
    q = np.exp(-0.5 * x * x)
    dq = -x / width * q
    return q, q - dq


def eddy_amplitude(params: SyntheticWaccmParameters) -> float:
    """A such that max |v_bar - v*| = eddy_mean_flow (sin(2 lat) peaks at 1)."""
    # |q - dq/dzeta| sampled over +-8 widths every 0.004 width: its maximum to ~1e-5
    x = np.linspace(-8, 8, 4001) * params.eddy_width_scale_heights
    _, dpsi = eddy_shape(x, 0.0, params.eddy_width_scale_heights)
    return params.eddy_mean_flow / np.max(np.abs(dpsi))


def fep_density(z_km, lat, month, params: SyntheticWaccmParameters) -> np.ndarray:
    """Planted Fe+ number density, m-3 (broadcast of the inputs).

    Parameters
    ----------
    z_km : array_like
        Geometric altitude, km.
    lat : array_like
        Latitude, degrees.
    month : array_like
        Month 1-12.
    params : SyntheticWaccmParameters

    Returns
    -------
    numpy.ndarray
        n(Fe+), m-3.
    """
    z = np.asarray(z_km, float)
    sigma = np.where(z < params.fep_peak_km, params.fep_width_below_km, params.fep_width_above_km)
    shape = np.exp(-0.5 * ((z - params.fep_peak_km) / sigma) ** 2)
    summer = -seasonal_factor(month) * np.sin(np.deg2rad(lat))
    return params.fep_peak_m3 * shape * (1.0 + params.fep_summer_enhancement * summer)


def zonal_wind(
    z_km, lat, lon, month, ut_hours, params: SyntheticWaccmParameters, *, tides: bool = True
):
    """Planted zonal wind: solstitial jets plus migrating diurnal and semidiurnal tides, m s-1.

    Parameters
    ----------
    z_km, lat, lon : array_like
        Altitude (km), latitude and longitude (degrees); broadcast.
    month : int
        Month 1-12.
    ut_hours : float
        Universal time, hours (ignored without tides).
    params : SyntheticWaccmParameters
    tides : bool
        Include the tides (False for monthly means, where they average out).

    Returns
    -------
    numpy.ndarray
        U, m s-1.
    """
    z = np.asarray(z_km, float)
    phi = np.deg2rad(lat)
    # cos(pi arg) turns from +1 at jet_reversal_km - 20 km to -1 at + 20 km
    arg = np.clip((z - params.jet_reversal_km + 20.0) / 40.0, 0.0, 1.0)
    u = params.jet * seasonal_factor(month) * np.sin(2.0 * phi) * np.cos(np.pi * arg)
    if tides:
        local_time = OMEGA_SOLAR_DAY * ut_hours * 3600.0 + np.deg2rad(lon)  # rad
        env = np.exp(-0.5 * ((z - params.tide_peak_km) / params.tide_width_km) ** 2)
        k1 = 2.0 * np.pi / params.diurnal_wavelength_km
        k2 = 2.0 * np.pi / params.semidiurnal_wavelength_km
        zz = z - params.tide_peak_km
        # latitude shapes (our choice): the diurnal tide a Gaussian in |lat| centred at
        # 25 degrees (20 degree width; the migrating diurnal tide peaks in the
        # subtropics), the semidiurnal cos(lat)
        u = u + params.diurnal_tide * env * np.exp(-(((np.abs(lat) - 25.0) / 20.0) ** 2)) * np.cos(
            local_time + k1 * zz
        )
        u = u + params.semidiurnal_tide * env * np.cos(phi) * np.cos(2.0 * local_time + k2 * zz)
    return u
