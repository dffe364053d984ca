"""Ion drift driven by the zonal-mean residual circulation, per calendar month (paper Fig. 3 arrows).

For each calendar month the Fe+ drift is evaluated with the generalized
wind-shear theory (Yu et al. 2021, A3-A5; :mod:`estransport.physics.drift`)
with a zonal-mean wind:

* the neutral wind is (U_bar, v*, w*): the monthly zonal-mean zonal wind of
  the model state and the TEM residual meridional and vertical velocities
  (``tem.nc``; Andrews, Holton and Leovy 1987);
* the field geometry and collisions enter through the wind-to-drift matrix
  M(I, D, r_i) of A3-A5 (:func:`estransport.physics.drift.wind_drift_matrix`),
  evaluated at every grid point of ``drift.nc`` (IGRF-14 I, D; r_i =
  nu_in / omega_i at each history time of the month) and then averaged over
  longitude and over the month's times. Since U_bar, v* and w* do not depend on
  longitude, M_bar (U_bar, v*, w*) is exactly the zonal (and monthly) mean of
  the pointwise drift; averaging D itself would be meaningless where it wraps
  through +-180 degrees around a latitude circle (near the magnetic poles), and
  the drift depends nonlinearly on r_i;
* no electric field (the arrows show the transport by the circulation).

The result is kept over an altitude range only (config
``transport.residual_drift.altitude_km``; the paper's 100-120 km): below 100 km
the ion lifetimes fall to hours or minutes and the paper omits the arrows
(docs/science.md 5). Velocities are in m s-1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..means import monthly_zonal_mean
from .drift import wind_drift_matrix


def _months_present(da: xr.DataArray) -> list[int]:
    """Calendar months (1-12) of the ``time`` coordinate of ``da``, sorted."""
    return sorted(set(np.asarray(da["time"].dt.month.values).astype(int).tolist()))


def residual_drift(
    tem: xr.Dataset,
    state: xr.Dataset,
    drift: xr.Dataset,
    *,
    altitude_km: Sequence[float],
    months: Sequence[int] | None = None,
) -> xr.Dataset:
    """Monthly zonal-mean Fe+ drift driven by (U_bar, v*, w*) at the arrow altitudes.

    Parameters
    ----------
    tem : xarray.Dataset
        ``v_star``, ``w_star`` (m s-1) on (time, altitude, lat).
    state : xarray.Dataset
        ``U`` (m s-1) on (time, altitude, lat, lon).
    drift : xarray.Dataset
        ``inclination``, ``declination`` (degree) on (altitude, lat, lon) and
        ``r_i`` (1) on (time, altitude, lat, lon).
    altitude_km : (float, float)
        Altitude range kept, km (both ends included).
    months : sequence of int, optional
        Calendar months; default every month the TEM and the state both have.

    Returns
    -------
    xarray.Dataset
        On (month, altitude, lat): ``u_ion``, ``v_ion``, ``w_ion`` (m s-1,
        eastward, northward, upward), their parts ``*_by_driver`` on
        (driver = U, V, W, ...), and the inputs ``U_bar``, ``v_star``,
        ``w_star`` (m s-1), ``inclination``, ``declination`` (degree) and
        ``r_i`` (1).
    """
    lo, hi = float(altitude_km[0]), float(altitude_km[1])
    if months is None:
        months = sorted(set(_months_present(tem["v_star"])) & set(_months_present(state["U"])))
    if not months:
        raise ValueError("the TEM and the model state have no calendar month in common")
    zsel = {"altitude": slice(lo, hi)}
    z_state = state["altitude"].sel(zsel).values
    if z_state.size == 0:
        raise ValueError(f"no model level in {lo}-{hi} km")
    inc_f = drift["inclination"].sel(zsel)
    dec_f = drift["declination"].sel(zsel)
    r_f = drift["r_i"].sel(zsel)
    # diagnostics only (the drift uses the pointwise geometry): zonal-mean I and the
    # circular zonal mean of D
    inc = inc_f.mean("lon")
    dec_rad = np.deg2rad(dec_f)
    dec = np.rad2deg(np.arctan2(np.sin(dec_rad).mean("lon"), np.cos(dec_rad).mean("lon")))
    rows = []
    for m in months:
        U = monthly_zonal_mean(state["U"].sel(zsel), m)
        sel = (r_f["time"].dt.month == m).values
        if not sel.any():
            raise ValueError(f"drift.nc has no r_i time in month {m}")
        r_m = r_f.isel(time=sel)
        r = r_m.mean([d for d in ("time", "lon") if d in r_m.dims])
        M = wind_drift_matrix(inc_f, dec_f, r_m)
        Mbar = [
            [M[i][j].mean([d for d in ("time", "lon") if d in M[i][j].dims]) for j in range(3)]
            for i in range(3)
        ]
        v = monthly_zonal_mean(tem["v_star"], m).interp(altitude=z_state, lat=U["lat"])
        w = monthly_zonal_mean(tem["w_star"], m).interp(altitude=z_state, lat=U["lat"])
        # column j of M_bar times wind component j: the part driven by that component
        parts = {
            d: tuple(Mbar[i][j] * wind for i in range(3))
            for j, (d, wind) in enumerate((("U", U), ("V", v), ("W", w)))
        }
        drivers = list(parts)
        month_ds = xr.Dataset(
            {
                f"{c}_ion_by_driver": xr.concat([parts[d][i] for d in drivers], dim="driver")
                for i, c in enumerate(("u", "v", "w"))
            }
        ).assign_coords(driver=("driver", drivers))
        for c in ("u", "v", "w"):
            month_ds[f"{c}_ion"] = month_ds[f"{c}_ion_by_driver"].sum("driver")
        month_ds["U_bar"] = U
        month_ds["v_star"] = v
        month_ds["w_star"] = w
        month_ds["r_i"] = r
        rows.append(month_ds)
    ds = xr.concat(rows, dim=xr.DataArray(list(months), dims="month", name="month"))
    ds["inclination"] = inc
    ds["declination"] = dec
    ds = ds.transpose("driver", "month", "altitude", "lat").compute()
    ds = ds.drop_vars([c for c in ds.coords if c not in ("driver", "month", "altitude", "lat")])
    names = {"u": "eastward", "v": "northward", "w": "upward"}
    for c, name in names.items():
        ds[f"{c}_ion"].attrs = {
            "units": "m s-1",
            "long_name": f"{name} Fe+ drift driven by the zonal-mean residual circulation",
        }
        ds[f"{c}_ion_by_driver"].attrs = {
            "units": "m s-1",
            "long_name": f"{name} Fe+ drift by driver (U = U_bar, V = v*, W = w*)",
        }
    ds["U_bar"].attrs = {"units": "m s-1", "long_name": "monthly zonal-mean zonal wind"}
    ds["v_star"].attrs = {"units": "m s-1", "long_name": "TEM residual meridional velocity v*"}
    ds["w_star"].attrs = {"units": "m s-1", "long_name": "TEM residual vertical velocity w*"}
    ds["r_i"].attrs = {"units": "1", "long_name": "monthly zonal-mean nu_in / omega_i of Fe+"}
    ds["inclination"].attrs = {
        "units": "degree",
        "long_name": "zonal-mean IGRF-14 inclination (positive down)",
    }
    ds["declination"].attrs = {
        "units": "degree",
        "long_name": "zonal-mean IGRF-14 declination (positive east)",
    }
    ds["driver"].attrs = {
        "long_name": "wind component driving this part",
        "comment": "U: zonal-mean U; V: residual v*; W: residual w*. Parts add up.",
    }
    ds["month"].attrs = {"long_name": "calendar month", "units": "1"}
    for c in ("altitude", "lat"):
        ds[c].attrs = dict(state[c].attrs)
    ds.attrs = {
        "title": "Fe+ drift driven by the zonal-mean residual circulation (paper Fig. 3 arrows)",
        "altitude_range_km": f"{lo:g}-{hi:g}",
        "method": "A3-A5 wind-to-drift matrix M(I, D, r_i) averaged over longitude and the month's "
        "times, applied to zonal-mean U, v*, w*; E = 0",
    }
    return ds
