"""TEM residual circulation from CAM/WACCM history files (paper Fig. 2c,d).

The TEM formulas (:mod:`estransport.physics.tem`) need a pressure
coordinate. On WACCM's pure-pressure levels (hybm = 0, everything above
about 100 hPa) the model levels are pressure levels exactly; where any
hybm != 0 the columns are first interpolated, linearly in ln p, to the
reference pressures (hyam + hybm) P0 (levels below the local surface become
NaN). Zonal means and eddy fluxes are formed at each history time; time
means come later (the figure averages the months of a season).

The result holds the circulation on the pressure levels (``*_plev``
variables, with the zonal-mean geometric altitude ``z_plev`` of each level)
and interpolated to the fixed altitude grid using that altitude.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

from ..physics.atmosphere import msis_profiles
from ..physics.constants import CESM_P0
from ..physics.tem import residual_circulation, residual_vertical_velocity
from ..physics.vertical import mean_molecular_mass
from ..physics.vertical import scale_height as local_scale_height
from ..provenance import provenance_attrs
from . import cesm
from .interpolate import interpolate_columns
from .state import altitude_grid

log = logging.getLogger(__name__)

#: Altitudes (km) at which NRLMSIS 2.1 gives the mean molecular mass for the
#: local scale height when the files lack O/O2: every 2 km from the ground to
#: 300 km, linear in between (NRLMSIS 2.1 mean mass changes by at most 0.9 % per
#: 2 km there at F10.7 = 68, 1.1 % at F10.7 = 250); levels above 300 km (WACCM-X)
#: take the 300 km value (:func:`numpy.interp` holds the end values).
_MSIS_MEAN_MASS_ALTITUDES_KM = np.arange(0.0, 301.0, 2.0)


def to_pressure_levels(ds: xr.Dataset, names: Sequence[str]) -> xr.Dataset:
    """Put model-level fields on the reference pressure levels (hyam + hybm) P0.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`estransport.model.cesm.open_history` (with ``p``, ``hyam``,
        ``hybm``).
    names : sequence of str
        Fields (on time, lev, lat, lon) to convert.

    Returns
    -------
    xarray.Dataset
        The fields with dimension ``plev`` (Pa) instead of ``lev``; exact
        copies where hybm = 0 everywhere, ln-p interpolation otherwise.
    """
    p0 = float(ds.attrs.get("P0_used", CESM_P0))
    hyam = np.asarray(ds["hyam"].values, float).reshape(-1)
    hybm = np.asarray(ds["hybm"].values, float).reshape(-1)
    plev = (hyam + hybm) * p0
    fields = {n: ds[n].astype(float).transpose("time", "lev", "lat", "lon") for n in names}
    if np.all(hybm == 0.0):
        out = {
            n: f.rename(lev="plev").assign_coords(plev=("plev", plev)) for n, f in fields.items()
        }
    else:
        lnp = np.log(ds["p"].transpose("time", "lev", "lat", "lon"))
        out = interpolate_columns(fields, lnp, np.log(plev), new_dim="plev", new_coord=plev)
        out = {n: f.transpose("time", "plev", "lat", "lon") for n, f in out.items()}
    res = xr.Dataset(out)
    res["plev"].attrs = {
        "units": "Pa",
        "long_name": "reference pressure of the model level (hyam + hybm) P0",
        "positive": "down",
    }
    return res


def tem_from_history(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    altitude_km: Mapping | Sequence[float],
    scale_height: str | float,
    ps_fallback: str,
    f107: float,
    f107a: float,
    ap: float,
    config: Mapping | None = None,
) -> xr.Dataset:
    """TEM residual circulation (v*, w*) from 3-D history fields.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        History files with ``V``, ``T``, ``OMEGA`` and ``Z3`` (or ``Z3GM``).
    altitude_km : mapping or sequence
        Output altitude grid (see :func:`estransport.model.state.altitude_grid`).
    scale_height : "local" or float
        H in w* = -(H/p) omega*: "local" = R* T_bar / (m g(z)) with the zonal-mean
        composition (model O/O2 if present, else NRLMSIS 2.1), or a fixed H in m.
    ps_fallback : {"error", "reference"}
        See :func:`estransport.model.cesm.open_history`.
    f107, f107a, ap : float
        NRLMSIS inputs, used only for the mean mass when the files lack O/O2.
    config : mapping, optional
        Configuration hashed into the provenance attributes.

    Returns
    -------
    xarray.Dataset
        On (time, altitude, lat): ``v_star``, ``w_star`` (m s-1),
        ``omega_star`` (Pa s-1), ``v_bar``, ``w_bar`` (Eulerian means, m s-1);
        on (time, plev, lat): ``v_star_plev``, ``omega_star_plev``,
        ``v_bar_plev``, ``omega_bar_plev``, ``psi_plev``, ``vtheta_plev``,
        ``z_plev`` (km), ``H_plev`` (m).
    """
    files, ds = cesm.open_run(
        paths, ["V", "T", "OMEGA"], optional=["PHIS", "O", "O2"], ps_fallback=ps_fallback
    )
    names = ["V", "T", "OMEGA", "z"] + [n for n in ("O", "O2") if n in ds]
    pl = to_pressure_levels(ds, names)
    tem = residual_circulation(pl["V"], pl["T"], pl["OMEGA"])
    zbar_km = pl["z"].mean("lon") / 1e3
    T_bar = pl["T"].mean("lon")
    plev = pl["plev"]

    if scale_height == "local":
        if "O" in pl and "O2" in pl:
            xO, xO2 = pl["O"].mean("lon"), pl["O2"].mean("lon")
            mean_mass = mean_molecular_mass(xO, xO2)
            m_note = "model O/O2"
        else:
            zb = zbar_km.compute()
            alts = _MSIS_MEAN_MASS_ALTITUDES_KM
            prof = msis_profiles(
                zb["time"].values, alts, zb["lat"].values, f107=f107, f107a=f107a, ap=ap
            )
            mm = prof["mean_mass"].values  # (time, alt, lat)
            vals = np.empty(zb.shape)
            for i in range(zb.shape[0]):
                for j in range(zb.shape[2]):
                    vals[i, :, j] = np.interp(zb.values[i, :, j], alts, mm[i, :, j])
            mean_mass = xr.DataArray(vals, dims=zb.dims, coords=zb.coords)
            m_note = "NRLMSIS 2.1"
        H = local_scale_height(T_bar, mean_mass, zbar_km * 1e3)
        h_note = f"local scale height R* T_bar / (m g(z)), mean mass from {m_note}"
    else:
        H = xr.full_like(T_bar, float(scale_height))
        h_note = f"fixed H = {float(scale_height)} m"

    w_star_p = residual_vertical_velocity(tem["omega_star"], plev, H)
    w_bar_p = residual_vertical_velocity(tem["omega_bar"], plev, H)
    alts = altitude_grid(altitude_km)
    on_z = interpolate_columns(
        {
            "v_star": tem["v_star"],
            "w_star": w_star_p,
            "omega_star": tem["omega_star"],
            "v_bar": tem["v_bar"],
            "w_bar": w_bar_p,
        },
        zbar_km * 1e3,
        alts * 1e3,
        new_dim="altitude",
        new_coord=alts,
        level_dim="plev",
    )
    out = xr.Dataset({k: v.transpose("time", "altitude", "lat") for k, v in on_z.items()})
    attrs = {
        "v_star": {"units": "m s-1", "long_name": "TEM residual meridional velocity v*"},
        "w_star": {
            "units": "m s-1",
            "long_name": "TEM residual vertical velocity w* = -(H/p) omega*",
            "comment": h_note,
        },
        "omega_star": {"units": "Pa s-1", "long_name": "TEM residual pressure velocity omega*"},
        "v_bar": {"units": "m s-1", "long_name": "Eulerian zonal-mean meridional wind"},
        "w_bar": {
            "units": "m s-1",
            "long_name": "Eulerian zonal-mean vertical wind -(H/p) omega_bar",
            "comment": h_note,
        },
    }
    for k, a in attrs.items():
        out[k].attrs = a
    for k in ("v_star", "omega_star", "v_bar", "omega_bar", "psi", "vtheta"):
        out[f"{k}_plev"] = tem[k]
        out[f"{k}_plev"].attrs = dict(tem[k].attrs)
    out["z_plev"] = zbar_km
    out["z_plev"].attrs = {
        "units": "km",
        "long_name": "zonal-mean geometric altitude of the pressure level",
    }
    out["H_plev"] = H
    out["H_plev"].attrs = {"units": "m", "long_name": "scale height used for w*", "comment": h_note}
    out["altitude"].attrs = {
        "units": "km",
        "standard_name": "altitude",
        "long_name": "geometric altitude",
        "positive": "up",
    }
    out["lat"].attrs = {"units": "degrees_north", "standard_name": "latitude"}
    out["plev"].attrs = dict(pl["plev"].attrs)
    out["time"].attrs = dict(ds["time"].attrs)
    out = out.drop_vars([c for c in out.coords if c not in ("time", "altitude", "lat", "plev")])
    out.attrs = provenance_attrs(config, files, step="model_tem")
    out.attrs.update(
        {
            "title": "TEM residual mean meridional circulation (Andrews, Holton and Leovy 1987, pressure form)",
            "scale_height": h_note,
            "eddy_fluxes": "zonal means and eddy fluxes at each history time, before time means",
        }
    )
    return out
