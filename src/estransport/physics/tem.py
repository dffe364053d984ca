"""Transformed Eulerian Mean (TEM) residual circulation in pressure coordinates.

Andrews, Holton and Leovy (1987, *Middle Atmosphere Dynamics*, section 3.5)
in the pressure-coordinate form of docs/formats.md 4.6 (as in the DynVarMIP
convention of Gerber and Manzini, 2016):

.. math::

    \\theta = T (p_0/p)^{R/c_p},\\qquad
    \\psi = \\frac{[v'\\theta']}{\\partial_p \\bar\\theta},\\qquad
    v^* = \\bar v - \\partial_p \\psi,\\qquad
    \\omega^* = \\bar\\omega + \\frac{1}{a\\cos\\varphi}\\partial_\\varphi(\\psi\\cos\\varphi),

and w* = -(H/p) omega*. Square brackets and overbars are zonal means, primes
deviations from them. The log-pressure form of docs/science.md section 5 is
identical after d/dz = -(p/H) d/dp.

The functions take xarray objects on **pressure levels** (a 1-D pressure
coordinate) and keep every other dimension (time, ...), so zonal means and
eddy fluxes are formed at each time before any time mean, as docs/science.md
section 5 asks. With dask-backed input the result stays lazy (the pressure,
latitude and longitude dimensions must each be a single chunk).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .constants import CESM_CPDAIR, CESM_EARTH_RADIUS, CESM_RDAIR, THETA_REFERENCE_PRESSURE

#: R/c_p of dry air with CESM's constants (shr_const_mod), dimensionless.
KAPPA = CESM_RDAIR / CESM_CPDAIR


def potential_temperature(temperature, pressure, p_ref: float = THETA_REFERENCE_PRESSURE):
    """Potential temperature theta = T (p_ref / p)^(R/c_p).

    Parameters
    ----------
    temperature : array_like
        K.
    pressure : array_like
        Pa.
    p_ref : float
        Reference pressure, Pa (1000 hPa).

    Returns
    -------
    array_like
        theta, K.
    """
    return temperature * (p_ref / pressure) ** KAPPA


def d_dp(da: xr.DataArray, dim: str = "plev") -> xr.DataArray:
    """Derivative along a pressure coordinate (second order, non-uniform spacing).

    Parameters
    ----------
    da : xarray.DataArray
        Field with a 1-D pressure coordinate ``dim`` in Pa.
    dim : str
        Name of the pressure coordinate.

    Returns
    -------
    xarray.DataArray
        d(da)/dp, in units of da per Pa (centred differences inside,
        second-order one-sided at the ends, as :func:`numpy.gradient`).
    """
    return da.differentiate(dim, edge_order=2)


def d_dlat(da: xr.DataArray, dim: str = "lat") -> xr.DataArray:
    """Derivative with respect to latitude in radians (coordinate in degrees).

    Parameters
    ----------
    da : xarray.DataArray
        Field with a 1-D latitude coordinate ``dim`` in degrees.

    Returns
    -------
    xarray.DataArray
        d(da)/d(phi), per radian.
    """
    return da.differentiate(dim, edge_order=2) * (180.0 / np.pi)


def residual_circulation(
    v: xr.DataArray,
    temperature: xr.DataArray,
    omega: xr.DataArray,
    *,
    plev: str = "plev",
    lat: str = "lat",
    lon: str = "lon",
    earth_radius: float = CESM_EARTH_RADIUS,
) -> xr.Dataset:
    """TEM residual circulation (v*, omega*) from 3-D fields on pressure levels.

    Parameters
    ----------
    v : xarray.DataArray
        Meridional wind, m s-1.
    temperature : xarray.DataArray
        K.
    omega : xarray.DataArray
        Pressure velocity, Pa s-1.
    plev, lat, lon : str
        Names of the pressure (Pa), latitude (degrees) and longitude dimensions;
        ``plev`` and ``lat`` must be coordinates.
    earth_radius : float
        a, m (CESM 6.37122e6).

    Returns
    -------
    xarray.Dataset
        Zonal means on (..., plev, lat): ``v_bar`` (m s-1), ``omega_bar``
        (Pa s-1), ``theta_bar`` (K), ``vtheta`` = [v'theta'] (K m s-1),
        ``psi`` (Pa m s-1), ``v_star`` (m s-1) and ``omega_star`` (Pa s-1).
    """
    p = v[plev]
    theta = potential_temperature(temperature, p)
    v_bar = v.mean(lon)
    theta_bar = theta.mean(lon)
    omega_bar = omega.mean(lon)
    vtheta = ((v - v_bar) * (theta - theta_bar)).mean(lon)
    psi = vtheta / d_dp(theta_bar, plev)
    v_star = v_bar - d_dp(psi, plev)
    coslat = np.cos(np.deg2rad(v[lat]))
    omega_star = omega_bar + d_dlat(psi * coslat, lat) / (earth_radius * coslat)
    attrs = {
        "v_bar": {"units": "m s-1", "long_name": "zonal-mean meridional wind (Eulerian)"},
        "omega_bar": {"units": "Pa s-1", "long_name": "zonal-mean pressure velocity (Eulerian)"},
        "theta_bar": {"units": "K", "long_name": "zonal-mean potential temperature"},
        "vtheta": {"units": "K m s-1", "long_name": "eddy heat flux [v'theta']"},
        "psi": {
            "units": "Pa m s-1",
            "long_name": "TEM eddy streamfunction [v'theta'] / (d theta_bar / dp)",
        },
        "v_star": {"units": "m s-1", "long_name": "TEM residual meridional velocity v*"},
        "omega_star": {"units": "Pa s-1", "long_name": "TEM residual pressure velocity omega*"},
    }
    ds = xr.Dataset(
        {
            "v_bar": v_bar,
            "omega_bar": omega_bar,
            "theta_bar": theta_bar,
            "vtheta": vtheta,
            "psi": psi,
            "v_star": v_star,
            "omega_star": omega_star,
        }
    )
    for name, a in attrs.items():
        ds[name].attrs = a
    return ds


def residual_vertical_velocity(omega_star, pressure, scale_height_m):
    """Log-pressure residual vertical velocity w* = -(H/p) omega*.

    Parameters
    ----------
    omega_star : array_like
        Pa s-1.
    pressure : array_like
        Pa.
    scale_height_m : array_like or float
        H, m (fixed, e.g. 7000 m, or local).

    Returns
    -------
    array_like
        w*, m s-1, positive upward.
    """
    return -scale_height_m * omega_star / pressure
