"""The planted fields on the model grid: history records and the planted-truth dataset."""

from __future__ import annotations

import dataclasses

import numpy as np

from ...physics.constants import BOLTZMANN, CESM_EARTH_RADIUS, CESM_P0
from .grid import (
    cumulative_from_top,
    hybrid_coefficients,
    latitudes,
    longitudes,
    msis_background,
    z_of_lnp,
)
from .params import SyntheticWaccmParameters
from .truth import (
    KAPPA_DRY_AIR,
    THETA_P0,
    cell_profile,
    eddy_amplitude,
    eddy_shape,
    fep_density,
    seasonal_factor,
    zonal_wind,
)


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

    lats = latitudes(params)
    lons = longitudes(params)
    hy = hybrid_coefficients(params)
    nlev = hy["hyam"].size
    plev = (hy["hyam"] + hy["hybm"]) * CESM_P0  # reference pressure of each level, Pa
    phi = np.deg2rad(lats)
    a_earth = CESM_EARTH_RADIUS

    bg = msis_background(params, lats)
    z_grid = bg["altitude"].values
    lnp_bg = np.log(bg["pressure"].values)  # (month, alt, lat)
    T_bg = bg["T"].values
    frac = {s: (bg[f"n_{s}"] / bg["n_total"]).values for s in ("O", "O2")}

    # reference altitude of each pressure level: annual, area-weighted mean
    w = np.cos(phi) / np.cos(phi).sum()
    z_month_lat = np.stack(
        [
            np.stack(
                [z_of_lnp(lnp_bg[m, :, j], z_grid, np.log(plev)) for j in range(lats.size)],
                axis=-1,
            )
            for m in range(len(params.months))
        ]
    )  # (month, lev, lat), km
    z_ref = (z_month_lat * w).sum(-1).mean(0)  # (lev,)

    # residual circulation and its continuity-consistent omega*
    # 4000 points in ln p (spacing ~0.006) from 2 e-folds above the model top (where
    # z holds z_ref's top value) to P0: the integral of G dp from p = 0 converged
    fine_lnp = np.linspace(np.log(params.top_pressure_pa) - 2.0, np.log(CESM_P0), 4000)
    fine_z = np.interp(fine_lnp, np.log(plev), z_ref)  # ln(plev) increases downward
    G_fine = cell_profile(fine_z, params)
    I_fine = cumulative_from_top(G_fine, np.exp(fine_lnp))
    G = cell_profile(z_ref, params)  # (lev,)
    I_lev = np.interp(np.log(plev), fine_lnp, I_fine)

    A = eddy_amplitude(params)
    zeta = np.log(CESM_P0 / plev)
    i_c = np.argmin(np.abs(z_ref - params.eddy_center_km))
    q, dpsi_shape = eddy_shape(zeta, zeta[i_c], params.eddy_width_scale_heights)
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
    exner_inv = ((THETA_P0 / plev) ** KAPPA_DRY_AIR)[None, :, None]  # (P0/p)^kappa
    dtheta_dp = exner_inv * (dT_dlnp - KAPPA_DRY_AIR * T_ref) / plev[None, :, None]  # K Pa-1
    flux = psi[None] * dtheta_dp  # [v'theta'], K m s-1
    # the wave in v follows sqrt(q) plus a 5 % floor, so theta' = 2 [v'theta'] / amp_v
    # stays finite where q -> 0 (the zonal mean of v' theta' is amp_v amp_theta / 2)
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
            zc = z_of_lnp(lnp_bg[m_i, :, j], z_grid, np.log(p_full[:, j, :]).ravel()).reshape(
                nlev, lons.size
            )
            z_lev[:, j, :] = zc
            T_lev[:, j, :] = np.interp(zc, z_grid, T_bg[m_i, :, j])
            xO[:, j, :] = np.interp(zc, z_grid, frac["O"][m_i, :, j])
            xO2[:, j, :] = np.interp(zc, z_grid, frac["O2"][m_i, :, j])
        theta_prime = amp_theta[m_i][:, :, None] * wave[None, None, :]
        T_total = T_lev + theta_prime * (p_full / THETA_P0) ** KAPPA_DRY_AIR
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
