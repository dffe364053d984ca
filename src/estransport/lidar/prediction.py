"""The predicted descent of each tracked cloud: ion drift over the lidar, trajectories, nodes.

From the model state (``docs/science.md`` §3, §4, §9):

1. :func:`column_drift` puts the state on the station's column (bilinear in
   latitude and longitude) and evaluates the steady drift of the metal ion with
   the library's physics: I, D, |B| from IGRF-14 (:mod:`estransport.physics.igrf`),
   nu_in and r_i for the ion's mass (:mod:`estransport.physics.collisions`), the
   full drift with the winds and, when the state has one, the electric field
   (:mod:`estransport.physics.drift`; E along B removed first, as in the model
   slice).
2. :func:`predict_tracks` integrates dz/dt = w_i(z, t) from each track's first
   detection (:func:`estransport.physics.trajectory.integrate_vertical_trajectory`)
   to its last, fits the predicted path at the detection times the same way as
   the observed one, and compares the descent rates and the arrival times at
   Es heights.
3. :func:`node_table` lists the convergence nodes (w_i = 0, dw_i/dz < 0) of
   every model profile.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import xarray as xr

from ..physics.atmosphere import to_datetime64
from ..physics.collisions import collision_ratio, gyrofrequency, ion_neutral_collision_frequency
from ..physics.drift import field_unit_vector, ion_drift
from ..physics.igrf import field_at
from ..physics.trajectory import convergence_nodes, integrate_vertical_trajectory
from .tracking import fit_descent


def column_at_station(state: xr.Dataset, *, lat: float, lon: float) -> xr.Dataset:
    """The model state at the station: linear interpolation in latitude and longitude.

    Parameters
    ----------
    state : xarray.Dataset
        Model state on (time, altitude, lat, lon) (:func:`estransport.model.state.build_model_state`).
    lat, lon : float
        Station, degrees N / E.

    Returns
    -------
    xarray.Dataset
        On (time, altitude); ``time`` as datetime64 (UTC).

    Raises
    ------
    ValueError
        The station lies outside the model grid.
    """
    la, lo = state["lat"].values, state["lon"].values % 360.0
    lon360 = lon % 360.0
    if not (
        la.min() - 1e-9 <= lat <= la.max() + 1e-9 and lo.min() - 1e-9 <= lon360 <= lo.max() + 1e-9
    ):
        raise ValueError(
            f"the station ({lat}, {lon}) is outside the model grid "
            f"(lat {la.min()}..{la.max()}, lon {lo.min()}..{lo.max()})"
        )
    state = state.assign_coords(lon=("lon", lo))

    def bracket(values, x):
        i = int(np.clip(np.searchsorted(values, x), 1, values.size - 1)) if values.size > 1 else 0
        return sorted({max(i - 1, 0), i}) if values.size > 1 else [0]

    # compute only the (at most 2 x 2) grid columns around the station, then interpolate
    # in memory: interpolating the lazy state would add dask tasks to every time step
    sub = state.isel(lat=bracket(la, lat), lon=bracket(np.sort(lo), lon360)).load()
    col = sub
    if sub.sizes["lat"] > 1:
        col = col.interp(lat=lat)
    else:
        col = col.isel(lat=0)
    col = col.interp(lon=lon360) if sub.sizes["lon"] > 1 else col.isel(lon=0)
    return col.assign_coords(
        time=("time", to_datetime64(col["time"].values).astype("datetime64[ns]"))
    )


def column_drift(
    column: xr.Dataset,
    *,
    lat: float,
    lon: float,
    ion_mass_u: float,
    momentum_transfer: bool,
    use_electric_field: bool,
    igrf_date: dt.date | None,
) -> xr.Dataset:
    """Steady drift of the metal ion over the station on (time, altitude).

    Parameters
    ----------
    column : xarray.Dataset
        :func:`column_at_station` output: U, V, W (m s-1), n_N2, n_O2, n_O (m-3),
        optionally E_east, E_north, E_up (V m-1).
    lat, lon : float
        Station, degrees.
    ion_mass_u : float
        Ion mass, u (Ca+ 40.078, Fe+ 55.845).
    momentum_transfer : bool
        Collision-frequency form (:mod:`estransport.physics.collisions`).
    use_electric_field : bool
        Include E x B and Pedersen drifts when the column has E.
    igrf_date : datetime.date or None
        IGRF epoch; None = the middle of the column's times.

    Returns
    -------
    xarray.Dataset
        ``w_ion`` (m s-1, up), ``w_ion_field_aligned`` (the r_i -> 0 limit,
        -sin I (b . U) ... see Notes), ``u_ion``, ``v_ion``, ``r_i``, ``nu_in``
        on (time, altitude); ``inclination``, ``declination`` (degree), ``B`` (T)
        on altitude; wind inputs copied.

    Notes
    -----
    w_ion_field_aligned = (b . U) b_up = -sin I (U sin D cos I + V cos D cos I - W sin I),
    the drift of an ion tied to B (docs/science.md §9), kept for comparison.
    """
    z = column["altitude"].values
    times = column["time"].values
    when = igrf_date or pd.Timestamp(times[0] + (times[-1] - times[0]) / 2).date()
    inc, dec, b = field_at(np.full_like(z, lat), np.full_like(z, lon), z, when)
    nu = ion_neutral_collision_frequency(
        column["n_N2"].values,
        column["n_O2"].values,
        column["n_O"].values,
        ion_mass_u=ion_mass_u,
        momentum_transfer=momentum_transfer,
    )
    r = collision_ratio(nu, gyrofrequency(b, ion_mass_u)[None, :])
    U, V, W = (column[k].values for k in ("U", "V", "W"))
    has_e = use_electric_field and all(k in column for k in ("E_east", "E_north", "E_up"))
    E = None
    if has_e:
        bx, by, bz = field_unit_vector(inc, dec)
        e = [column[k].values for k in ("E_east", "E_north", "E_up")]
        par = e[0] * bx + e[1] * by + e[2] * bz  # the steady solution needs E perpendicular to B
        E = (e[0] - par * bx, e[1] - par * by, e[2] - par * bz)
    u_i, v_i, w_i = ion_drift(
        U, V, W, inc[None, :], dec[None, :], r, E=E, B=b[None, :] if has_e else None
    )
    bx, by, bz = field_unit_vector(inc, dec)
    w_fa = (U * bx + V * by + W * bz) * bz
    dims = ("time", "altitude")
    return xr.Dataset(
        {
            "w_ion": (dims, w_i, {"units": "m s-1", "long_name": "upward ion drift"}),
            "u_ion": (dims, u_i, {"units": "m s-1", "long_name": "eastward ion drift"}),
            "v_ion": (dims, v_i, {"units": "m s-1", "long_name": "northward ion drift"}),
            "w_ion_field_aligned": (
                dims,
                w_fa,
                {
                    "units": "m s-1",
                    "long_name": "upward drift of an ion tied to B (r_i -> 0 limit)",
                },
            ),
            "r_i": (
                dims,
                r,
                {"units": "1", "long_name": "ion-neutral collision to gyro frequency"},
            ),
            "nu_in": (dims, nu, {"units": "s-1", "long_name": "ion-neutral collision frequency"}),
            "U": (dims, U, {"units": "m s-1", "long_name": "eastward wind"}),
            "V": (dims, V, {"units": "m s-1", "long_name": "northward wind"}),
            "W": (dims, W, {"units": "m s-1", "long_name": "upward wind"}),
            "inclination": (
                "altitude",
                inc,
                {"units": "degree", "long_name": "IGRF-14 inclination"},
            ),
            "declination": (
                "altitude",
                dec,
                {"units": "degree", "long_name": "IGRF-14 declination"},
            ),
            "B": ("altitude", b, {"units": "T", "long_name": "IGRF-14 field magnitude"}),
        },
        coords={
            "time": ("time", times, {"long_name": "time (UTC)"}),
            "altitude": ("altitude", z, {"units": "km", "long_name": "geometric altitude"}),
        },
        attrs={
            "station_latitude": float(lat),
            "station_longitude": float(lon),
            "ion_mass_u": float(ion_mass_u),
            "igrf_epoch": str(when),
            "collision_frequency": "momentum-transfer (with m_n/(m_i+m_n))"
            if momentum_transfer
            else "Langevin without the mass factor (docs/science.md §4)",
            "electric_field": "E x B and Pedersen drifts, E projected perpendicular to B"
            if has_e
            else "none",
        },
    )


def _seconds(times) -> np.ndarray:
    return np.asarray(times, "datetime64[ns]").astype("int64") / 1e9


def node_table(drift: xr.Dataset) -> pd.DataFrame:
    """Convergence nodes of every profile: ``time``, ``node_altitude_km``."""
    rows = []
    z = drift["altitude"].values
    for t, w in zip(drift["time"].values, drift["w_ion"].values, strict=True):
        rows.extend((t, float(n)) for n in convergence_nodes(z, w))
    return pd.DataFrame(rows, columns=["time", "node_altitude_km"])


def predict_tracks(
    detections: pd.DataFrame,
    tracks: pd.DataFrame,
    drift: xr.Dataset,
    *,
    arrival_km: float,
    max_step_s: float,
    output_step_s: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Integrate every track's trajectory from its first detection and compare.

    Parameters
    ----------
    detections : pandas.DataFrame
        Detections with ``track_id``, ``time``, ``altitude_km``, ``altitude_se_km``.
    tracks : pandas.DataFrame
        :func:`estransport.lidar.tracking.summarise_tracks` output.
    drift : xarray.Dataset
        :func:`column_drift` output.
    arrival_km : float
        Es-height arrival level, km.
    max_step_s, output_step_s : float
        Solver step limit and sample spacing, s.

    Returns
    -------
    trajectories : pandas.DataFrame
        ``track_id``, ``time``, ``altitude_km``.
    comparison : pandas.DataFrame
        Per track: ``observed_rate_km_per_h``, ``observed_rate_se_km_per_h``,
        ``predicted_rate_km_per_h``, ``rate_difference_km_per_h``,
        ``observed_arrival_time``, ``predicted_arrival_time``,
        ``arrival_difference_h``, ``rms_altitude_difference_km``, ``status``.
    """
    t_grid = _seconds(drift["time"].values)
    z_grid = drift["altitude"].values
    w = drift["w_ion"].values
    traj_rows, comp_rows = [], []
    for tr in tracks.itertuples():
        g = detections[detections["track_id"] == tr.track_id].sort_values("time")
        t_obs = _seconds(g["time"].to_numpy())
        z_obs = g["altitude_km"].to_numpy(float)
        traj = integrate_vertical_trajectory(
            t_grid,
            z_grid,
            w,
            t0_s=t_obs[0],
            z0_km=z_obs[0],
            t_end_s=t_obs[-1],
            max_step_s=max_step_s,
            output_step_s=output_step_s,
        )
        for t, z in zip(traj.time_s, traj.altitude_km, strict=True):
            traj_rows.append((tr.track_id, pd.Timestamp(int(round(t * 1e9))), float(z)))
        covered = t_obs <= traj.time_s[-1] + 1e-6
        z_pred = np.interp(t_obs[covered], traj.time_s, traj.altitude_km)
        fit = fit_descent(
            t_obs[covered] / 3600.0, z_pred, g["altitude_se_km"].to_numpy(float)[covered]
        )
        pred_cross = None
        for k in range(1, traj.time_s.size):
            if traj.altitude_km[k - 1] > arrival_km >= traj.altitude_km[k]:
                a, b = traj.altitude_km[k - 1], traj.altitude_km[k]
                pred_cross = traj.time_s[k - 1] + (traj.time_s[k] - traj.time_s[k - 1]) * (
                    a - arrival_km
                ) / (a - b)
                break
        pred_arrival = (
            pd.Timestamp(int(round(pred_cross * 1e9))) if pred_cross is not None else pd.NaT
        )
        obs_arrival = tr.arrival_time
        diff_h = (
            (pred_arrival - obs_arrival) / pd.Timedelta(hours=1)
            if pd.notna(pred_arrival) and pd.notna(obs_arrival)
            else np.nan
        )
        comp_rows.append(
            {
                "track_id": int(tr.track_id),
                "first_time": tr.first_time,
                "first_altitude_km": float(z_obs[0]),
                "observed_rate_km_per_h": float(tr.descent_rate_km_per_h),
                "observed_rate_se_km_per_h": float(tr.descent_rate_se_km_per_h),
                "predicted_rate_km_per_h": fit["descent_rate_km_per_h"],
                "rate_difference_km_per_h": fit["descent_rate_km_per_h"]
                - float(tr.descent_rate_km_per_h),
                "observed_arrival_time": obs_arrival,
                "predicted_arrival_time": pred_arrival,
                "arrival_difference_h": diff_h,
                "rms_altitude_difference_km": float(
                    np.sqrt(np.mean((z_pred - z_obs[covered]) ** 2))
                ),
                "status": traj.status,
            }
        )
    return (
        pd.DataFrame(traj_rows, columns=["track_id", "time", "altitude_km"]),
        pd.DataFrame(comp_rows),
    )
