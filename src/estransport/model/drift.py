"""Fe+ drift on the model grid: the model state and IGRF-14 -> ``drift.nc`` (paper Fig. 1).

:func:`compute_drift` evaluates the generalized wind-shear theory
(:mod:`estransport.physics.drift`, Yu et al. 2021, A2-A5) at every point of
the model state, with the Fe+-neutral collision frequency of
:mod:`estransport.physics.collisions` and the geomagnetic field of IGRF-14
(:mod:`estransport.physics.igrf`), and splits the drift by driver (U, V, W,
E x B, Pedersen).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import xarray as xr

from ..physics.collisions import collision_ratio, gyrofrequency, ion_neutral_collision_frequency
from ..physics.drift import DRIVERS, field_unit_vector, ion_drift_contributions
from ..physics.igrf import field_on_grid

#: ``collision_frequency`` attribute of drift.nc, by ``model.drift.momentum_transfer``.
COLLISION_FREQUENCY_NOTE = {
    True: "momentum-transfer frequency of Schunk and Nagy (2009, eq. 4.88), with the "
    "mass factor m_n/(m_i+m_n); r_i = 1 near 120 km",
    False: "Langevin rate without Schunk and Nagy's (2009, eq. 4.88) momentum-transfer mass "
    "factor m_n/(m_i+m_n) (model.drift.momentum_transfer: false; reproduces docs/science.md 4, "
    "r_i = 24 at 106 km): nu_in and r_i are (m_i+m_n)/m_n = 3.0 (N2), 2.7 (O2) and 4.5 (O) "
    "times the momentum-transfer values (3.0-3.2 for the 100-150 km mixture), and r_i = 1 is "
    "crossed near 132 km instead of about 120 km",
}


def _mid_time(times) -> dt.datetime:
    t0, t1 = times[0], times[-1]
    mid = t0 + (t1 - t0) / 2
    return dt.datetime(mid.year, mid.month, mid.day)


def _drift_kernel(
    U, V, W, n_n2, n_o2, n_o, inc, dec, B, *E, momentum_transfer, project_E, drivers, dtype
):
    """numpy block kernel of :func:`compute_drift`: drift parts (last axis = driver), r_i, nu_in."""
    nu = ion_neutral_collision_frequency(n_n2, n_o2, n_o, momentum_transfer=momentum_transfer)
    r = collision_ratio(nu, gyrofrequency(B))
    evec = None
    if E:
        evec = [np.asarray(e, float) for e in E]
        if project_E:
            b = field_unit_vector(inc, dec)
            par = evec[0] * b[0] + evec[1] * b[1] + evec[2] * b[2]
            evec = [evec[i] - par * b[i] for i in range(3)]
    parts = ion_drift_contributions(U, V, W, inc, dec, r, E=evec, B=B)
    shape = np.broadcast_shapes(np.shape(U), np.shape(r))
    out = []
    for i in range(3):
        arr = np.empty(shape + (len(drivers),), dtype=dtype)
        for k, d in enumerate(drivers):
            arr[..., k] = parts[d][i]
        out.append(arr)
    return (
        out[0],
        out[1],
        out[2],
        np.broadcast_to(r, shape).astype(dtype),
        np.broadcast_to(nu, shape).astype(dtype),
    )


def compute_drift(
    state: xr.Dataset,
    *,
    igrf_date: dt.date | None,
    momentum_transfer: bool,
    project_E: bool,
    use_E: bool,
    dtype: str = "float32",
) -> xr.Dataset:
    """Ion drift of Fe+ and its U, V, W (and E x B, Pedersen) parts from the model state.

    Parameters
    ----------
    state : xarray.Dataset
        Model state (U, V, W, n_N2, n_O2, n_O; optional E_east, E_north, E_up)
        on (time, altitude, lat, lon); may be dask-backed.
    igrf_date : datetime.date or None
        Epoch of IGRF-14 (within 1900-2030); None: the middle of the state's
        time span.
    momentum_transfer : bool
        Collision-frequency form (see :mod:`estransport.physics.collisions`).
    project_E : bool
        Remove the component of E along B before computing the drift (the
        steady solution assumes E is perpendicular to B; a parallel E would
        accelerate ions without bound where r_i is small).
    use_E : bool
        Include the electric-field drifts when the state has E.
    dtype : str
        Precision of the 4-D outputs (computed in float64, stored as float32
        by default, the precision of model output).

    Returns
    -------
    xarray.Dataset
        ``u_ion``, ``v_ion``, ``w_ion`` (m s-1) on (driver, time, altitude,
        lat, lon), their totals ``*_total``, ``r_i``, ``nu_in`` (s-1), and
        ``inclination``, ``declination`` (degree), ``B`` (T), ``omega_i``
        (rad s-1) on (altitude, lat, lon). Lazy where the state is.
    """
    if not state.chunks:  # stream by time step: bounded temporaries, parallel chunks
        state = state.chunk({"time": 1})
    when = igrf_date if igrf_date is not None else _mid_time(state["time"].values)
    field = field_on_grid(state["altitude"].values, state["lat"].values, state["lon"].values, when)
    inc, dec, B = field["inclination"], field["declination"], field["B"]
    omega_i = gyrofrequency(B)
    has_E = use_E and all(k in state for k in ("E_east", "E_north", "E_up"))
    drivers = [d for d in DRIVERS if has_E or d in ("U", "V", "W")]
    order = ("driver", "time", "altitude", "lat", "lon")
    args = [state[k] for k in ("U", "V", "W", "n_N2", "n_O2", "n_O")] + [inc, dec, B]
    if has_E:
        args += [state["E_east"], state["E_north"], state["E_up"]]
    # one fused numpy kernel per dask chunk: every temporary lives only inside it
    u, v, w, r, nu = xr.apply_ufunc(
        _drift_kernel,
        *args,
        kwargs={
            "momentum_transfer": momentum_transfer,
            "project_E": project_E,
            "drivers": tuple(drivers),
            "dtype": dtype,
        },
        output_core_dims=[["driver"], ["driver"], ["driver"], [], []],
        dask="parallelized",
        output_dtypes=[dtype] * 5,
        dask_gufunc_kwargs={"output_sizes": {"driver": len(drivers)}},
    )
    comps = {}
    for name, da in (("u_ion", u), ("v_ion", v), ("w_ion", w)):
        comps[name] = da.assign_coords(driver=("driver", drivers)).transpose(*order)
    ds = xr.Dataset(comps)
    long = {"u_ion": "eastward", "v_ion": "northward", "w_ion": "upward"}
    for name in ("u_ion", "v_ion", "w_ion"):
        ds[name].attrs = {
            "units": "m s-1",
            "long_name": f"{long[name]} Fe+ drift driven by each driver",
        }
        ds[f"{name}_total"] = ds[name].sum("driver")
        ds[f"{name}_total"].attrs = {"units": "m s-1", "long_name": f"total {long[name]} Fe+ drift"}
    ds["r_i"] = r.transpose(*order[1:])
    ds["r_i"].attrs = {
        "units": "1",
        "long_name": "ratio of Fe+-neutral collision frequency to Fe+ gyrofrequency",
    }
    ds["nu_in"] = nu.transpose(*order[1:])
    ds["nu_in"].attrs = {
        "units": "s-1",
        "long_name": "Fe+-neutral collision frequency (Langevin, N2+O2+O)",
    }
    ds["omega_i"] = omega_i
    ds["omega_i"].attrs = {"units": "rad s-1", "long_name": "Fe+ gyrofrequency e B / m"}
    for k in ("inclination", "declination", "B"):
        ds[k] = field[k]
    ds["driver"].attrs = {
        "long_name": "what drives this part of the drift",
        "comment": "U, V, W: zonal, meridional, vertical neutral wind; ExB: E x B drift; "
        "pedersen: Coulomb-force (Pedersen-direction) drift. Parts add up to the total.",
    }
    ds = ds.drop_vars(
        [c for c in ds.coords if c not in ("driver", "time", "altitude", "lat", "lon")]
    )
    for c in ("altitude", "lat", "lon", "time"):
        ds[c].attrs = dict(state[c].attrs)
    ds.attrs = {
        "igrf_epoch": field.attrs["igrf_epoch"],
        "collision_frequency": COLLISION_FREQUENCY_NOTE[bool(momentum_transfer)],
        "electric_field": "none"
        if not has_E
        else ("projected perpendicular to B" if project_E else "as in the state"),
        "ion": "Fe+ (55.845 u)",
    }
    return ds
