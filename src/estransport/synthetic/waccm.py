"""Synthetic WACCM history files with a planted truth (the embedded default model).

The generator writes files in the CESM/CAM history layout (FORMATS.md
section 4): netCDF-3 64-bit offset, hybrid sigma-pressure levels (``hyam``,
``hybm``, ``hyai``, ``hybi``, ``P0``, ``PS``, ``lev``, ``ilev``), ``time`` /
``time_bnds`` / ``date`` / ``datesec`` with a ``noleap`` calendar, float32
fields ``T U V OMEGA Z3 PHIS Fep O O2`` (and ``EX EY EZ``), CAM attributes
(``Conventions``, ``source``, ``case``, ``time_period_freq``, ``cell_methods``,
``mixing_ratio``). The reader (:mod:`estransport.model.cesm`) reads them like
real WACCM output, so the default run takes the real-data path.

What is planted (every number is a field of :class:`SyntheticWaccmParameters`):

* **Background** temperature, pressure and composition: NRLMSIS 2.1 diurnal
  means on the 15th of each month (F10.7 and Ap explicit). Each level's
  geometric altitude is where the MSIS pressure equals the level pressure;
  ``Z3`` is the matching geopotential height R_E z / (R_E + z).
* **Residual circulation** v*(p, lat, month) = s(month) G(z_ref(p)) cos(lat),
  with s = cos(2 pi (month - 1) / 12) (+1 in January, -1 in July) and
  G a sum of three sin^2 lobes: summer-to-winter ``v_mesosphere`` between
  ``cell_bounds_km[0]`` and ``[1]`` (70-95 km), winter-to-summer
  ``v_lower_thermosphere`` between ``[1]`` and ``[2]`` (95-115 km), and
  summer-to-winter ``v_upper_thermosphere`` between ``[2]`` and ``[3]``
  (115-170 km). z_ref(p) is the annual, area-weighted mean geometric altitude
  of the pressure surface. omega* follows from mass continuity with
  omega* = 0 at p = 0.
* **Eddies**: a stationary zonal wave (``eddy_wavenumber``) in v and theta
  whose heat flux [v'theta'] = psi d(theta_bar)/dp carries the eddy
  streamfunction psi = A sin(2 lat) p q(zeta), q a Gaussian in
  zeta = ln(P0/p) centred at ``eddy_center_km`` with width
  ``eddy_width_scale_heights``; A is set so that max |v_bar - v*| =
  ``eddy_mean_flow``. The Eulerian mean flow written to the files is
  v_bar = v* + d(psi)/dp and omega_bar = omega* - (1/(a cos lat)) d(psi cos lat)/d(lat),
  so the TEM step has to use the eddy fluxes to recover v* and omega*.
  theta_bar and d(theta_bar)/dp are computed here in closed form with a
  literal R/c_p = 2/7, never with :mod:`estransport.physics.tem`, so the
  recovery tests check the library's kappa, theta and d/dp.
* **Zonal wind**: solstitial jets ``jet`` s(month) sin(2 lat), reversing sign
  across ``jet_reversal_km`` over +-20 km, plus migrating diurnal and
  semidiurnal tides (amplitudes ``diurnal_tide``, ``semidiurnal_tide``,
  vertical wavelengths ``*_wavelength_km``, Gaussian envelope centred at
  ``tide_peak_km``). Tides average out of monthly means (``samples_per_day``
  = 0, tape h0); with ``samples_per_day`` = n > 0 an instantaneous tape h1
  holds n universal times on the 15th of each month and the tides are there.
* **Fe+**: number density n_peak exp(-(z - z_peak)^2 / (2 sigma^2)), sigma
  = ``fep_width_below_km`` below and ``fep_width_above_km`` above the peak,
  times 1 + ``fep_summer_enhancement`` x (-s sin lat) (larger in the summer
  hemisphere); written as the mixing ratio n / (p / k_B T).
* **Electric field** (``electric_field_mv_m`` > 0): EX = E0 cos(lat),
  EY = 0.5 E0 sin(2 lat), EZ = 0, constant in height and time.

The generator also returns the planted truth (v*, omega*, psi, v_bar,
omega_bar and z_ref on pressure levels) and writes it beside the history
files as ``planted_truth.nc`` for the tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..io.atomic import atomic_path
from ..physics.constants import (
    BOLTZMANN,
    CESM_EARTH_RADIUS,
    CESM_P0,
)

if TYPE_CHECKING:  # xarray and MSIS are imported where used: the
    import xarray as xr  # workflow imports this module at parse time for file names

log = logging.getLogger(__name__)

#: Days in each month of the noleap calendar.
_NOLEAP_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_OMEGA_EARTH = 2.0 * np.pi / 86400.0  # solar-day angular frequency, rad s-1 (tides)

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
_KAPPA_DRY_AIR = 2.0 / 7.0
#: Reference pressure of potential temperature, Pa (1000 hPa; it cancels in psi).
_THETA_P0 = 1.0e5


@dataclass(frozen=True)
class SyntheticWaccmParameters:
    """Planted truth and layout of the synthetic WACCM history files.

    Attributes
    ----------
    year : int
        Model year written in the files (noleap calendar).
    case : str
        CESM case name (global attribute ``case`` and file-name prefix).
    lat_step_deg, lon_step_deg : float
        Grid spacing, degrees. Latitudes are cell centres (-87.5 ... 87.5 for 5),
        longitudes start at 0.
    samples_per_day : int
        0: one monthly-mean record per month (tape h0, files
        ``{case}.cam.h0.YYYY-MM.nc``); n > 0: n instantaneous records at
        equally spaced UTs on the 15th (tape h1, ``{case}.cam.h1.YYYY-MM-15-00000.nc``).
    top_pressure_pa : float
        Pressure of the model-top interface, Pa (5e-5 Pa is about 180 km).
    dlnp_upper, dlnp_lower : float
        Interface spacing in ln p above and below ``upper_boundary_pa``.
    upper_boundary_pa : float
        Pa; above it levels are spaced by ``dlnp_upper``.
    pure_pressure_below_pa : float
        Interfaces at reference pressure below this (Pa) are pure pressure
        (hybm = 0); below it B rises to 1 at the surface.
    surface_pressure_pa, surface_pressure_wave_pa : float
        PS = mean + wave x sin(2 lat) cos(lon), Pa.
    f107, f107a : float
        F10.7 and its 81-day mean for NRLMSIS, sfu.
    ap : float
        Daily Ap for NRLMSIS.
    cell_bounds_km : tuple of 4 float
        Reference altitudes bounding the mesospheric, lower-thermospheric and
        upper-thermospheric cells, km.
    v_mesosphere, v_lower_thermosphere, v_upper_thermosphere : float
        Peak residual meridional speed of each cell at the equator at
        solstice, m s-1 (summer-to-winter, winter-to-summer, summer-to-winter).
    eddy_mean_flow : float
        max |v_bar - v*|, the eddy-induced part of the Eulerian mean flow, m s-1.
    eddy_center_km : float
        Reference altitude of the centre of the eddy streamfunction, km.
    eddy_width_scale_heights : float
        Gaussian width of the eddy streamfunction in ln p (scale heights).
    eddy_wave_v : float
        Amplitude of the stationary wave in v at the eddy centre, m s-1.
    eddy_wavenumber : int
        Zonal wavenumber of the stationary wave.
    jet : float
        Zonal-mean zonal wind amplitude, m s-1 (westerly in the winter
        mesosphere).
    jet_reversal_km : float
        Altitude where the zonal-mean wind changes sign, km.
    diurnal_tide, semidiurnal_tide : float
        Zonal-wind tide amplitudes at ``tide_peak_km``, m s-1.
    diurnal_wavelength_km, semidiurnal_wavelength_km : float
        Vertical wavelengths of the tides, km (phase descends with time).
    tide_peak_km, tide_width_km : float
        Gaussian envelope of the tide amplitudes, km.
    fep_peak_m3 : float
        Peak Fe+ number density, m-3.
    fep_peak_km : float
        Altitude of the Fe+ peak, km.
    fep_width_below_km, fep_width_above_km : float
        Gaussian widths (standard deviations) below and above the peak, km.
    fep_summer_enhancement : float
        Relative enhancement in the summer hemisphere (0 = none).
    electric_field_mv_m : float
        E0 of the planted electric field, mV m-1 (0 = no EX/EY/EZ written).
    """

    year: int = 2008
    case: str = "estransport_waccm_synthetic"
    lat_step_deg: float = 5.0
    lon_step_deg: float = 10.0
    samples_per_day: int = 0
    top_pressure_pa: float = 5.0e-5
    dlnp_upper: float = 0.2
    dlnp_lower: float = 0.5
    upper_boundary_pa: float = 100.0
    pure_pressure_below_pa: float = 1.0e4
    surface_pressure_pa: float = 100_000.0
    surface_pressure_wave_pa: float = 800.0
    f107: float = 68.0
    f107a: float = 68.0
    ap: float = 4.0
    cell_bounds_km: tuple[float, float, float, float] = (70.0, 95.0, 115.0, 170.0)
    v_mesosphere: float = 8.0
    v_lower_thermosphere: float = 4.0
    v_upper_thermosphere: float = 10.0
    eddy_mean_flow: float = 1.5
    eddy_center_km: float = 100.0
    eddy_width_scale_heights: float = 1.5
    eddy_wave_v: float = 20.0
    eddy_wavenumber: int = 1
    jet: float = 30.0
    jet_reversal_km: float = 100.0
    diurnal_tide: float = 20.0
    semidiurnal_tide: float = 15.0
    diurnal_wavelength_km: float = 25.0
    semidiurnal_wavelength_km: float = 50.0
    tide_peak_km: float = 110.0
    tide_width_km: float = 25.0
    fep_peak_m3: float = 3.0e9
    fep_peak_km: float = 100.0
    fep_width_below_km: float = 3.0
    fep_width_above_km: float = 6.0
    fep_summer_enhancement: float = 0.3
    electric_field_mv_m: float = 1.0
    months: tuple[int, ...] = field(default=tuple(range(1, 13)))

    @classmethod
    def from_config(cls, cfg: dict | None) -> SyntheticWaccmParameters:
        """Build from a config mapping; unknown keys are an error, missing keys take defaults.

        Parameters
        ----------
        cfg : dict or None
            Mapping of field names to values (lists are turned into tuples).

        Returns
        -------
        SyntheticWaccmParameters
        """
        cfg = dict(cfg or {})
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(cfg) - names)
        if unknown:
            raise ValueError(f"unknown synthetic WACCM parameter(s): {unknown}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()})


# --------------------------------------------------------------------------------------
# planted shapes
# --------------------------------------------------------------------------------------


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


def _eddy_q(zeta, zeta_c, width):
    """Gaussian q(zeta) of the eddy streamfunction and q - dq/dzeta (for d psi / dp)."""
    x = (zeta - zeta_c) / width
    q = np.exp(-0.5 * x * x)
    dq = -x / width * q
    return q, q - dq


def _eddy_amplitude(params: SyntheticWaccmParameters) -> float:
    """A such that max |v_bar - v*| = eddy_mean_flow (sin(2 lat) peaks at 1)."""
    x = np.linspace(-8, 8, 4001) * params.eddy_width_scale_heights
    _, dpsi = _eddy_q(x, 0.0, params.eddy_width_scale_heights)
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
    arg = np.clip((z - params.jet_reversal_km + 20.0) / 40.0, 0.0, 1.0)
    u = params.jet * seasonal_factor(month) * np.sin(2.0 * phi) * np.cos(np.pi * arg)
    if tides:
        local_time = _OMEGA_EARTH * ut_hours * 3600.0 + np.deg2rad(lon)  # rad
        env = np.exp(-0.5 * ((z - params.tide_peak_km) / params.tide_width_km) ** 2)
        k1 = 2.0 * np.pi / params.diurnal_wavelength_km
        k2 = 2.0 * np.pi / params.semidiurnal_wavelength_km
        zz = z - params.tide_peak_km
        u = u + params.diurnal_tide * env * np.exp(-(((np.abs(lat) - 25.0) / 20.0) ** 2)) * np.cos(
            local_time + k1 * zz
        )
        u = u + params.semidiurnal_tide * env * np.cos(phi) * np.cos(2.0 * local_time + k2 * zz)
    return u


# --------------------------------------------------------------------------------------
# grid and background
# --------------------------------------------------------------------------------------


def hybrid_coefficients(params: SyntheticWaccmParameters) -> dict[str, np.ndarray]:
    """Hybrid A/B coefficients at interfaces and midpoints (index 0 = model top).

    Parameters
    ----------
    params : SyntheticWaccmParameters

    Returns
    -------
    dict
        ``hyai``, ``hybi`` (nlev+1) and ``hyam``, ``hybm`` (nlev), dimensionless
        (fractions of P0 = 1e5 Pa); midpoints are interface means, as in CAM.
    """
    up = np.arange(
        np.log(params.top_pressure_pa), np.log(params.upper_boundary_pa), params.dlnp_upper
    )
    low = np.linspace(
        np.log(params.upper_boundary_pa),
        np.log(CESM_P0),
        int(np.ceil(np.log(CESM_P0 / params.upper_boundary_pa) / params.dlnp_lower)) + 1,
    )
    p_ref = np.exp(np.concatenate([up, low]))
    b = (
        np.clip(
            (p_ref - params.pure_pressure_below_pa) / (CESM_P0 - params.pure_pressure_below_pa),
            0.0,
            1.0,
        )
        ** 1.5
    )
    a = p_ref / CESM_P0 - b
    a[-1], b[-1] = 0.0, 1.0
    return {
        "hyai": a,
        "hybi": b,
        "hyam": 0.5 * (a[1:] + a[:-1]),
        "hybm": 0.5 * (b[1:] + b[:-1]),
    }


def _month_dates(params: SyntheticWaccmParameters):
    return [dt.datetime(params.year, m, 15) for m in params.months]


def _background(params: SyntheticWaccmParameters, lats: np.ndarray) -> xr.Dataset:
    """Diurnal-mean MSIS on a 1-km grid 0-260 km for each month and latitude."""
    from ..physics.atmosphere import msis_profiles

    alts = np.arange(0.0, 261.0, 1.0)
    return msis_profiles(
        _month_dates(params), alts, lats, f107=params.f107, f107a=params.f107a, ap=params.ap
    )


def _z_of_lnp(bg_col_lnp: np.ndarray, z_km: np.ndarray, lnp: np.ndarray) -> np.ndarray:
    """Altitude (km) at which a column's ln p equals ``lnp`` (log-linear extrapolation below)."""
    x = -bg_col_lnp  # increasing with height
    slope = (z_km[1] - z_km[0]) / (x[1] - x[0])
    xe = np.concatenate([[x[0] - 3.0], x])
    ze = np.concatenate([[z_km[0] - 3.0 * slope], z_km])
    return np.interp(-lnp, xe, ze)


def _cumulative_from_top(f: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Integral of f dp from p = 0 to each p (trapezoid; f constant above the first point)."""
    out = np.empty_like(f)
    out[0] = f[0] * p[0]
    out[1:] = out[0] + np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(p))
    return out


# --------------------------------------------------------------------------------------
# generator
# --------------------------------------------------------------------------------------


def planted_fields(params: SyntheticWaccmParameters) -> dict:
    """Compute every planted field on the model grid (no files written).

    Parameters
    ----------
    params : SyntheticWaccmParameters

    Returns
    -------
    dict
        ``coords`` (lat, lon, hybrid coefficients), ``records`` (one dict of
        float64 arrays per history time record, each field (lev, lat, lon))
        and ``truth`` (:class:`xarray.Dataset` on (month, plev, lat)).
    """
    import xarray as xr

    lats = np.arange(-90.0 + params.lat_step_deg / 2, 90.0, params.lat_step_deg)
    lons = np.arange(0.0, 360.0, params.lon_step_deg)
    hy = hybrid_coefficients(params)
    nlev = hy["hyam"].size
    plev = (hy["hyam"] + hy["hybm"]) * CESM_P0  # reference pressure of each level, Pa
    phi = np.deg2rad(lats)
    a_earth = CESM_EARTH_RADIUS

    bg = _background(params, lats)
    z_grid = bg["altitude"].values
    lnp_bg = np.log(bg["pressure"].values)  # (month, alt, lat)
    T_bg = bg["T"].values
    frac = {s: (bg[f"n_{s}"] / bg["n_total"]).values for s in ("O", "O2")}

    # reference altitude of each pressure level: annual, area-weighted mean
    w = np.cos(phi) / np.cos(phi).sum()
    z_month_lat = np.stack(
        [
            np.stack(
                [_z_of_lnp(lnp_bg[m, :, j], z_grid, np.log(plev)) for j in range(lats.size)],
                axis=-1,
            )
            for m in range(len(params.months))
        ]
    )  # (month, lev, lat), km
    z_ref = (z_month_lat * w).sum(-1).mean(0)  # (lev,)

    # residual circulation and its continuity-consistent omega*
    fine_lnp = np.linspace(np.log(params.top_pressure_pa) - 2.0, np.log(CESM_P0), 4000)
    fine_z = np.interp(fine_lnp, np.log(plev), z_ref)  # ln(plev) increases downward
    G_fine = cell_profile(fine_z, params)
    I_fine = _cumulative_from_top(G_fine, np.exp(fine_lnp))
    G = cell_profile(z_ref, params)  # (lev,)
    I_lev = np.interp(np.log(plev), fine_lnp, I_fine)

    A = _eddy_amplitude(params)
    zeta = np.log(CESM_P0 / plev)
    i_c = np.argmin(np.abs(z_ref - params.eddy_center_km))
    q, dpsi_shape = _eddy_q(zeta, zeta[i_c], params.eddy_width_scale_heights)
    g_lat = np.sin(2.0 * phi)
    psi = A * g_lat[None, :] * (plev * q)[:, None]  # (lev, lat), Pa m s-1
    dpsi_dp = A * g_lat[None, :] * dpsi_shape[:, None]  # (lev, lat), m s-1
    dpsicos_dphi = (
        A
        * (plev * q)[:, None]
        * (2 * np.cos(2 * phi) * np.cos(phi) - np.sin(2 * phi) * np.sin(phi))[None, :]
    )
    eddy_omega = dpsicos_dphi / (a_earth * np.cos(phi))[None, :]  # (lev, lat), Pa s-1

    kmon = np.array(params.months)
    s = seasonal_factor(kmon)  # (month,)
    v_star = s[:, None, None] * G[None, :, None] * np.cos(phi)[None, None, :]
    omega_star = (
        s[:, None, None] * (2.0 * np.sin(phi) / a_earth)[None, None, :] * I_lev[None, :, None]
    )
    v_bar = v_star + dpsi_dp[None]
    omega_bar = omega_star - eddy_omega[None]

    # zonal-mean background theta on the reference pressure levels -> eddy heat flux.
    # Independent of estransport.physics.tem: theta_bar = T (P0/p)^kappa with the
    # literal kappa above, and its p-derivative in closed form,
    #   d theta_bar / dp = (P0/p)^kappa (dT/d ln p - kappa T) / p,
    # with dT/d ln p = (dT/dz) / (d ln p/dz) taken on the MSIS 1-km column (not a
    # finite difference on the model levels, which is what the TEM step does).
    dT_dlnp_bg = np.gradient(T_bg, axis=1) / np.gradient(lnp_bg, axis=1)  # (month, alt, lat), K

    def _on_levels(col):
        """Column field (month, alt, lat) at the reference-level altitudes -> (month, lev, lat)."""
        return np.stack(
            [
                np.stack(
                    [
                        np.interp(z_month_lat[m, :, j], z_grid, col[m, :, j])
                        for j in range(lats.size)
                    ],
                    axis=-1,
                )
                for m in range(len(kmon))
            ]
        )

    T_ref = _on_levels(T_bg)  # (month, lev, lat), K
    dT_dlnp = _on_levels(dT_dlnp_bg)  # (month, lev, lat), K
    exner_inv = ((_THETA_P0 / plev) ** _KAPPA_DRY_AIR)[None, :, None]  # (P0/p)^kappa
    dtheta_dp = exner_inv * (dT_dlnp - _KAPPA_DRY_AIR * T_ref) / plev[None, :, None]  # K Pa-1
    flux = psi[None] * dtheta_dp  # [v'theta'], K m s-1
    amp_v = params.eddy_wave_v * (np.sqrt(q) + 0.05)  # (lev,)
    amp_theta = 2.0 * flux / amp_v[None, :, None]  # (month, lev, lat), K
    wave = np.cos(params.eddy_wavenumber * np.deg2rad(lons))  # (lon,)

    # PS and level pressures (time-independent)
    PS = (
        params.surface_pressure_pa
        + params.surface_pressure_wave_pa
        * np.sin(2 * phi)[:, None]
        * np.cos(np.deg2rad(lons))[None, :]
    )
    p_full = (
        hy["hyam"][:, None, None] * CESM_P0 + hy["hybm"][:, None, None] * PS[None]
    )  # (lev, lat, lon)

    records = []
    n_samples = max(params.samples_per_day, 1)
    for m_i, month in enumerate(kmon):
        # level altitudes and background T at every (lev, lat, lon)
        z_lev = np.empty((nlev, lats.size, lons.size))
        T_lev = np.empty_like(z_lev)
        xO = np.empty_like(z_lev)
        xO2 = np.empty_like(z_lev)
        for j in range(lats.size):
            zc = _z_of_lnp(lnp_bg[m_i, :, j], z_grid, np.log(p_full[:, j, :]).ravel()).reshape(
                nlev, lons.size
            )
            z_lev[:, j, :] = zc
            T_lev[:, j, :] = np.interp(zc, z_grid, T_bg[m_i, :, j])
            xO[:, j, :] = np.interp(zc, z_grid, frac["O"][m_i, :, j])
            xO2[:, j, :] = np.interp(zc, z_grid, frac["O2"][m_i, :, j])
        theta_prime = amp_theta[m_i][:, :, None] * wave[None, None, :]
        T_total = T_lev + theta_prime * (p_full / _THETA_P0) ** _KAPPA_DRY_AIR
        V = (
            v_bar[m_i][:, :, None]
            + (amp_v[:, None, None] * np.ones(lats.size)[None, :, None]) * wave[None, None, :]
        )
        OMEGA = np.broadcast_to(omega_bar[m_i][:, :, None], z_lev.shape).copy()
        n_air = p_full / (BOLTZMANN * T_total)
        fep = fep_density(z_lev, lats[None, :, None], month, params) / n_air
        for k in range(n_samples):
            ut = 24.0 * k / n_samples
            U = zonal_wind(
                z_lev,
                lats[None, :, None],
                lons[None, None, :],
                month,
                ut,
                params,
                tides=params.samples_per_day > 0,
            )
            rec = {
                "month": int(month),
                "ut_hours": ut,
                "T": T_total,
                "U": U,
                "V": V,
                "OMEGA": OMEGA,
                "Z3": CESM_EARTH_RADIUS * (z_lev * 1e3) / (CESM_EARTH_RADIUS + z_lev * 1e3),
                "PS": PS,
                "Fep": fep,
                "O": xO,
                "O2": xO2,
                "z_km": z_lev,
            }
            if params.electric_field_mv_m > 0:
                e0 = params.electric_field_mv_m * 1e-3
                shape = z_lev.shape
                rec["EX"] = np.broadcast_to(e0 * np.cos(phi)[None, :, None], shape)
                rec["EY"] = np.broadcast_to(0.5 * e0 * np.sin(2 * phi)[None, :, None], shape)
                rec["EZ"] = np.zeros(shape)
            records.append(rec)

    truth = xr.Dataset(
        {
            "v_star": (
                ("month", "plev", "lat"),
                v_star,
                {"units": "m s-1", "long_name": "planted residual meridional velocity"},
            ),
            "omega_star": (
                ("month", "plev", "lat"),
                omega_star,
                {"units": "Pa s-1", "long_name": "planted residual pressure velocity"},
            ),
            "v_bar": (
                ("month", "plev", "lat"),
                v_bar,
                {"units": "m s-1", "long_name": "zonal-mean meridional wind written to the files"},
            ),
            "omega_bar": (
                ("month", "plev", "lat"),
                omega_bar,
                {"units": "Pa s-1", "long_name": "zonal-mean OMEGA written to the files"},
            ),
            "psi": (
                ("plev", "lat"),
                psi,
                {"units": "Pa m s-1", "long_name": "planted TEM eddy streamfunction"},
            ),
            "z_mean": (
                ("month", "plev", "lat"),
                z_month_lat,
                {"units": "km", "long_name": "geometric altitude of the reference pressure level"},
            ),
            "z_ref": (
                ("plev",),
                z_ref,
                {
                    "units": "km",
                    "long_name": "annual area-weighted mean altitude of the pressure level",
                },
            ),
        },
        coords={
            "month": ("month", kmon),
            "plev": ("plev", plev, {"units": "Pa", "long_name": "reference pressure of the level"}),
            "lat": ("lat", lats, {"units": "degrees_north"}),
        },
        attrs={
            "title": "planted truth of the synthetic WACCM history files",
            **{
                f"param_{k}": (str(v) if isinstance(v, tuple) else v)
                for k, v in dataclasses.asdict(params).items()
            },
        },
    )
    return {"coords": {"lat": lats, "lon": lons, **hy}, "records": records, "truth": truth}


def _time_axis(params: SyntheticWaccmParameters):
    """Time values, bounds and date stamps (days since year-01-01, noleap)."""
    starts = np.concatenate([[0], np.cumsum(_NOLEAP_DAYS)])
    out = []
    n = max(params.samples_per_day, 1)
    for month in params.months:
        if params.samples_per_day == 0:
            lo, hi = starts[month - 1], starts[month]
            end_year, end_month = (params.year + 1, 1) if month == 12 else (params.year, month + 1)
            out.append(
                [(float(hi), (float(lo), float(hi)), end_year * 10000 + end_month * 100 + 1, 0)]
            )
        else:
            recs = []
            for k in range(n):
                t = starts[month - 1] + 14 + k / n
                recs.append(
                    (
                        float(t),
                        (float(t), float(t)),
                        params.year * 10000 + month * 100 + 15,
                        int(round(86400 * k / n)),
                    )
                )
            out.append(recs)
    return out


def history_file_names(params: SyntheticWaccmParameters) -> list[str]:
    """File names the generator writes, in month order.

    Parameters
    ----------
    params : SyntheticWaccmParameters

    Returns
    -------
    list of str
        ``{case}.cam.h0.YYYY-MM.nc`` (monthly means) or
        ``{case}.cam.h1.YYYY-MM-15-00000.nc`` (instantaneous).
    """
    if params.samples_per_day == 0:
        return [f"{params.case}.cam.h0.{params.year:04d}-{m:02d}.nc" for m in params.months]
    return [f"{params.case}.cam.h1.{params.year:04d}-{m:02d}-15-00000.nc" for m in params.months]


_FIELD_ATTRS = {
    "T": {"units": "K", "long_name": "Temperature"},
    "U": {"units": "m/s", "long_name": "Zonal wind"},
    "V": {"units": "m/s", "long_name": "Meridional wind"},
    "OMEGA": {"units": "Pa/s", "long_name": "Vertical velocity (pressure)"},
    "Z3": {"units": "m", "long_name": "Geopotential Height (above sea level)"},
    "Fep": {"units": "mol/mol", "long_name": "Fep concentration", "mixing_ratio": "dry"},
    "O": {"units": "mol/mol", "long_name": "O concentration", "mixing_ratio": "dry"},
    "O2": {"units": "mol/mol", "long_name": "O2 concentration", "mixing_ratio": "dry"},
    "EX": {"units": "V/m", "long_name": "Zonal component of electric field"},
    "EY": {"units": "V/m", "long_name": "Meridional component of electric field"},
    "EZ": {"units": "V/m", "long_name": "Vertical component of electric field"},
}


def _write_history_file(path: Path, params, coords, records, times) -> None:
    import netCDF4

    hy = coords
    nlev = hy["hyam"].size
    with atomic_path(path) as tmp, netCDF4.Dataset(tmp, "w", format="NETCDF3_64BIT_OFFSET") as nc:
        nc.Conventions = "CF-1.0"
        nc.source = "CAM"
        nc.case = params.case
        nc.title = "estransport synthetic WACCM history file (planted truth, see estransport.synthetic.waccm)"
        nc.logname = "estransport"
        nc.host = "synthetic"
        nc.time_period_freq = (
            "month_1"
            if params.samples_per_day == 0
            else f"hour_{24 // max(params.samples_per_day, 1)}"
        )
        nc.topography_file = "none (PHIS = 0)"
        nc.createDimension("time", None)
        nc.createDimension("lev", nlev)
        nc.createDimension("ilev", nlev + 1)
        nc.createDimension("lat", coords["lat"].size)
        nc.createDimension("lon", coords["lon"].size)
        nc.createDimension("nbnd", 2)
        nc.createDimension("chars", 8)

        def var(name, dtype, dims, attrs, data=None):
            """Create one CAM-style variable with attributes and data."""
            v = nc.createVariable(name, dtype, dims)
            for k, val in attrs.items():
                v.setncattr(k, val)
            if data is not None:
                v[...] = data
            return v

        var("P0", "f8", (), {"long_name": "reference pressure", "units": "Pa"}, CESM_P0)
        var(
            "lat",
            "f8",
            ("lat",),
            {"long_name": "latitude", "units": "degrees_north"},
            coords["lat"],
        )
        var(
            "lon",
            "f8",
            ("lon",),
            {"long_name": "longitude", "units": "degrees_east"},
            coords["lon"],
        )
        var(
            "lev",
            "f8",
            ("lev",),
            {
                "long_name": "hybrid level at midpoints (1000*(A+B))",
                "units": "hPa",
                "positive": "down",
                "standard_name": "atmosphere_hybrid_sigma_pressure_coordinate",
                "formula_terms": "a: hyam b: hybm p0: P0 ps: PS",
            },
            0.01 * CESM_P0 * (hy["hyam"] + hy["hybm"]),
        )
        var(
            "ilev",
            "f8",
            ("ilev",),
            {
                "long_name": "hybrid level at interfaces (1000*(A+B))",
                "units": "hPa",
                "positive": "down",
                "standard_name": "atmosphere_hybrid_sigma_pressure_coordinate",
                "formula_terms": "a: hyai b: hybi p0: P0 ps: PS",
            },
            0.01 * CESM_P0 * (hy["hyai"] + hy["hybi"]),
        )
        var(
            "hyam",
            "f8",
            ("lev",),
            {"long_name": "hybrid A coefficient at layer midpoints", "units": "1"},
            hy["hyam"],
        )
        var(
            "hybm",
            "f8",
            ("lev",),
            {"long_name": "hybrid B coefficient at layer midpoints", "units": "1"},
            hy["hybm"],
        )
        var(
            "hyai",
            "f8",
            ("ilev",),
            {"long_name": "hybrid A coefficient at layer interfaces", "units": "1"},
            hy["hyai"],
        )
        var(
            "hybi",
            "f8",
            ("ilev",),
            {"long_name": "hybrid B coefficient at layer interfaces", "units": "1"},
            hy["hybi"],
        )
        var(
            "gw",
            "f8",
            ("lat",),
            {"long_name": "latitude weights"},
            np.cos(np.deg2rad(coords["lat"])) * np.deg2rad(params.lat_step_deg),
        )
        var(
            "time",
            "f8",
            ("time",),
            {
                "long_name": "time",
                "units": f"days since {params.year:04d}-01-01 00:00:00",
                "calendar": "noleap",
                "bounds": "time_bnds",
            },
            [t[0] for t in times],
        )
        var(
            "time_bnds",
            "f8",
            ("time", "nbnd"),
            {"long_name": "time interval endpoints"},
            [t[1] for t in times],
        )
        var(
            "date", "i4", ("time",), {"long_name": "current date (YYYYMMDD)"}, [t[2] for t in times]
        )
        var(
            "datesec",
            "i4",
            ("time",),
            {"long_name": "current seconds of current date"},
            [t[3] for t in times],
        )
        written = netCDF4.stringtochar(
            np.array([dt.date.today().strftime("%m/%d/%y")] * len(times), dtype="S8")
        )
        var("date_written", "S1", ("time", "chars"), {}, written)
        var(
            "time_written",
            "S1",
            ("time", "chars"),
            {},
            netCDF4.stringtochar(np.array(["00:00:00"] * len(times), dtype="S8")),
        )
        cell = "time: mean" if params.samples_per_day == 0 else "time: point"
        var(
            "PS",
            "f4",
            ("time", "lat", "lon"),
            {"units": "Pa", "long_name": "Surface pressure", "cell_methods": cell},
            np.stack([r["PS"] for r in records]).astype("f4"),
        )
        var(
            "PHIS",
            "f4",
            ("lat", "lon"),
            {"units": "m2/s2", "long_name": "Surface geopotential"},
            np.zeros((coords["lat"].size, coords["lon"].size), "f4"),
        )
        for name, attrs in _FIELD_ATTRS.items():
            if name not in records[0]:
                continue
            var(
                name,
                "f4",
                ("time", "lev", "lat", "lon"),
                {"mdims": np.int32(1), **attrs, "cell_methods": cell},
                np.stack([r[name] for r in records]).astype("f4"),
            )


def write_synthetic_history(
    outdir: str | os.PathLike,
    params: SyntheticWaccmParameters | None = None,
    *,
    truth_name: str = "planted_truth.nc",
) -> tuple[list[Path], xr.Dataset]:
    """Write the synthetic WACCM history files (one per month) and the planted truth.

    Parameters
    ----------
    outdir : path-like
        Output directory (created).
    params : SyntheticWaccmParameters, optional
        Planted truth and layout; defaults if omitted.
    truth_name : str
        File name of the planted-truth netCDF written beside the history files
        (empty string: not written).

    Returns
    -------
    paths : list of pathlib.Path
        History files in month order.
    truth : xarray.Dataset
        Planted truth on (month, plev, lat) (see :func:`planted_fields`).
    """
    params = params or SyntheticWaccmParameters()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    fields = planted_fields(params)
    times = _time_axis(params)
    n = max(params.samples_per_day, 1)
    paths = []
    for i, name in enumerate(history_file_names(params)):
        recs = fields["records"][i * n : (i + 1) * n]
        path = outdir / name
        _write_history_file(path, params, fields["coords"], recs, times[i])
        paths.append(path)
        log.info("wrote %s (%d record(s))", path, len(recs))
    truth = fields["truth"]
    if truth_name:
        with atomic_path(outdir / truth_name) as tmp:
            truth.to_netcdf(tmp)
    return paths, truth
