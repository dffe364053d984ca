"""The model state on a fixed geometric-altitude grid (CF netCDF, time x altitude x lat x lon).

:func:`build_model_state` turns CAM/WACCM history files (real or synthetic)
into the Dataset every later step reads (``results/model/state.nc``):

========== ======= ==================================================
variable   units   meaning
========== ======= ==================================================
U, V, W    m s-1   eastward, northward, upward wind
T          K       temperature
p          Pa      pressure
n_air      m-3     total number density p / (k_B T)
n_N2 ...   m-3     N2, O2, O number densities
mean_mass  u       mean molecular mass
H          m       scale height used for W
n_Fep      m-3     Fe+ number density (``Fep`` mixing ratio x n_air),
                   when the files have ``Fep``
E_east ... V m-1   electric field, when the files have one
========== ======= ==================================================

Fe+: ``Fep`` is optional. WACCM(-X) runs without metal chemistry have none;
their state simply has no ``n_Fep`` (a warning is logged and the global
attribute ``fe_ion`` says so). Figs. 1 and 2c,d do not use Fe+ density; the
products that do (the Fe+ flux) must get it through :func:`require_fep`, which
raises an error naming ``Fep`` and the file.

Composition: with ``O`` and ``O2`` mixing ratios in the files (WACCM), the
model's own composition is used, N2 being the remainder
1 - x(O) - x(O2) (He, Ar, H and N are below about 1 % at 80-150 km and are
neglected). Without them, the model's total number density is split with
the NRLMSIS 2.1 diurnal-mean, zonal-mean fractions of N2, O2 and O at the
same altitude, latitude and date ("total density plus MSIS composition").

Electric field: ``EX``/``EY``/``EZ`` (3-D, taken as east/north/up) are
interpolated like the winds. 2-D ``ED1``/``ED2`` on the geographic grid are
mapped approximately, magnetic east taken as geographic east and
equatorward as south in the northern and north in the southern hemisphere,
with no vertical part. On the equator itself (lat = 0 exactly) "equatorward"
has no horizontal direction (the apex base vector d2 that ED2 is measured
along is vertical at the magnetic equator, and this mapping has no vertical
part), so E_north is set to 0 there: the horizontal equatorward field of a
field antisymmetric about the equator is 0 on it by symmetry.
``ED1``/``ED2`` on a magnetic (mlat, mlon) grid are not supported (error
naming the file).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

from ..errors import InputFileError
from ..physics.atmosphere import msis_profiles
from ..physics.constants import CAM_TEM_SCALE_HEIGHT
from ..physics.vertical import air_number_density, mean_molecular_mass, omega_to_w
from ..physics.vertical import scale_height as local_scale_height
from ..provenance import provenance_attrs
from . import cesm
from .interpolate import interpolate_to_altitude

log = logging.getLogger(__name__)

#: CF attributes of every state variable.
STATE_ATTRS = {
    "U": {"units": "m s-1", "standard_name": "eastward_wind", "long_name": "zonal wind"},
    "V": {"units": "m s-1", "standard_name": "northward_wind", "long_name": "meridional wind"},
    "W": {
        "units": "m s-1",
        "standard_name": "upward_air_velocity",
        "long_name": "vertical wind from OMEGA, w = -omega H / p",
    },
    "T": {"units": "K", "standard_name": "air_temperature", "long_name": "temperature"},
    "p": {"units": "Pa", "standard_name": "air_pressure", "long_name": "pressure"},
    "n_air": {"units": "m-3", "long_name": "total neutral number density p / (k_B T)"},
    "n_N2": {"units": "m-3", "long_name": "N2 number density"},
    "n_O2": {"units": "m-3", "long_name": "O2 number density"},
    "n_O": {"units": "m-3", "long_name": "O number density"},
    "mean_mass": {"units": "u", "long_name": "mean molecular mass"},
    "H": {"units": "m", "long_name": "scale height used to convert OMEGA to W"},
    "n_Fep": {"units": "m-3", "long_name": "Fe+ number density (Fep mixing ratio x n_air)"},
    "E_east": {"units": "V m-1", "long_name": "eastward electric field"},
    "E_north": {"units": "V m-1", "long_name": "northward electric field"},
    "E_up": {"units": "V m-1", "long_name": "upward electric field"},
}

_COORD_ATTRS = {
    "altitude": {
        "units": "km",
        "standard_name": "altitude",
        "long_name": "geometric altitude above sea level",
        "positive": "up",
        "axis": "Z",
    },
    "lat": {
        "units": "degrees_north",
        "standard_name": "latitude",
        "long_name": "latitude",
        "axis": "Y",
    },
    "lon": {
        "units": "degrees_east",
        "standard_name": "longitude",
        "long_name": "longitude",
        "axis": "X",
    },
}


def altitude_grid(spec: Mapping | Sequence[float]) -> np.ndarray:
    """The fixed altitude grid, km.

    Parameters
    ----------
    spec : mapping or sequence
        ``{"min": 80, "max": 150, "step": 1}`` (km, both ends included; the
        form of config ``model.altitude_km``) or an explicit list of altitudes.

    Returns
    -------
    numpy.ndarray
        Altitudes in km, increasing.
    """
    if isinstance(spec, Mapping):
        lo, hi, step = float(spec["min"]), float(spec["max"]), float(spec["step"])
        n = int(round((hi - lo) / step)) + 1
        return lo + step * np.arange(n)
    return np.asarray(sorted(spec), float)


def _electric_field(ds: xr.Dataset, path: str) -> dict[str, xr.DataArray] | None:
    """E field variables from the history (or None), on model levels or 2-D."""
    if all(v in ds for v in ("EX", "EY", "EZ")):
        return {"E_east": ds["EX"], "E_north": ds["EY"], "E_up": ds["EZ"]}
    if "ED1" in ds and "ED2" in ds:
        dims = set(ds["ED1"].dims)
        if not {"lat", "lon"} <= dims:
            raise InputFileError(
                path,
                f"variables 'ED1'/'ED2' are on dimensions {ds['ED1'].dims} (magnetic grid); "
                "only ED1/ED2 on the geographic lat/lon grid or EX/EY/EZ are supported",
            )
        lat = ds["lat"]
        # equatorward = south (-1) north of the equator, north (+1) south of it, and
        # no horizontal direction on it: E_north = 0 at lat = 0 (see the module notes)
        equatorward_north = xr.where(lat > 0, -1.0, xr.where(lat < 0, 1.0, 0.0))
        return {
            "E_east": ds["ED1"],
            "E_north": ds["ED2"] * equatorward_north,
            "E_up": xr.zeros_like(ds["ED1"]),
        }
    return None


def build_model_state(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    altitude_km: Mapping | Sequence[float],
    scale_height: str | float,
    composition: str,
    electric_field: str,
    ps_fallback: str,
    f107: float,
    f107a: float,
    ap: float,
    config: Mapping | None = None,
) -> xr.Dataset:
    """Read history files and build the CF model state on fixed altitudes.

    Parameters
    ----------
    paths : path-like or iterable of path-like
        CAM/WACCM history files of one run.
    altitude_km : mapping or sequence
        Target grid (see :func:`altitude_grid`).
    scale_height : "local" or float
        H for w = -omega H / p (:func:`~estransport.physics.vertical.omega_to_w`):
        "local" = R* T / (m g(z)) with the mean
        molecular mass of the composition used; a number = fixed H in m
        (CAM's FV TEM diagnostics use 7000).
    composition : {"auto", "model", "msis"}
        Source of the N2/O2/O split: "model" needs ``O`` and ``O2`` in the
        files; "auto" uses them when present, else MSIS.
    electric_field : {"auto", "none"}
        "auto" reads EX/EY/EZ or ED1/ED2 when present; "none" ignores them.
    ps_fallback : {"error", "reference"}
        See :func:`estransport.model.cesm.open_history`.
    f107, f107a, ap : float
        NRLMSIS 2.1 inputs (sfu, sfu, Ap), used for the composition when the
        files lack O/O2.
    config : mapping, optional
        The configuration section, hashed into the provenance attributes.

    Returns
    -------
    xarray.Dataset
        Dask-backed state with dimensions (time, altitude, lat, lon), CF
        attributes on every variable and provenance global attributes.

    Raises
    ------
    InputFileError
        A required variable is missing (the message names it and the file).
        ``Fep`` is not required: without it the state has no ``n_Fep``.
    """
    required = list(cesm.STATE_VARIABLES)
    if composition == "model":
        required += ["O", "O2"]
    elif composition not in ("auto", "msis"):
        raise ValueError(f"composition must be auto, model or msis, not {composition!r}")
    files, ds = cesm.open_run(
        paths, required, optional=cesm.OPTIONAL_VARIABLES, ps_fallback=ps_fallback
    )
    alts = altitude_grid(altitude_km)
    z = ds["z"]
    T = ds["T"].astype(float)
    n_air = air_number_density(ds["p"], T)
    fep = cesm.FE_ION_VARIABLE
    has_fep = fep in ds
    if not has_fep:
        log.warning(
            "%s: no '%s' (Fe+ mixing ratio); the state will have no n_Fep. Figs. 1 and 2c,d "
            "do not need it; the Fe+ flux does and will stop",
            files[0],
            fep,
        )

    use_model_comp = composition == "model" or (composition == "auto" and "O" in ds and "O2" in ds)
    fields = {
        "T": T,
        "U": ds["U"].astype(float),
        "V": ds["V"].astype(float),
        "OMEGA": ds["OMEGA"].astype(float),
        "p": ds["p"],
        "n_air": n_air,
    }
    if has_fep:
        fields["Fep"] = ds[fep].astype(float)
    if use_model_comp:
        fields["xO"] = ds["O"].astype(float)
        fields["xO2"] = ds["O2"].astype(float)
    efield = _electric_field(ds, files[0]) if electric_field == "auto" else None
    e_levels = efield is not None and "lev" in efield["E_east"].dims
    if e_levels:
        fields.update({k: v.astype(float) for k, v in efield.items()})
    dims4 = ("time", "lev", "lat", "lon")
    fields = {k: v.transpose(*dims4) for k, v in fields.items()}
    # pressure, densities and mixing ratios vary exponentially: interpolate them in log space
    out = interpolate_to_altitude(fields, z, alts, log_interp=("p", "n_air", "Fep", "xO", "xO2"))
    order = ("time", "altitude", "lat", "lon")
    out = {k: v.transpose(*order) for k, v in out.items()}
    n_air_z = out["n_air"]

    if use_model_comp:
        xO, xO2 = out["xO"], out["xO2"]
        xN2 = 1.0 - xO - xO2
        n_N2, n_O2, n_O = xN2 * n_air_z, xO2 * n_air_z, xO * n_air_z
        mean_mass = mean_molecular_mass(xO, xO2)
        comp_note = "model O and O2 mixing ratios; N2 = 1 - x(O) - x(O2)"
    else:
        prof = msis_profiles(
            ds["time"].values, alts, ds["lat"].values, f107=f107, f107a=f107a, ap=ap
        )
        prof = prof.assign_coords(time=ds["time"].values, lat=ds["lat"].values)
        frac = {s: prof[f"n_{s}"] / prof["n_total"] for s in ("N2", "O2", "O")}
        n_N2, n_O2, n_O = (frac[s] * n_air_z for s in ("N2", "O2", "O"))
        mean_mass = prof["mean_mass"].broadcast_like(n_air_z)
        comp_note = (
            f"model total density split with NRLMSIS 2.1 diurnal/zonal-mean fractions "
            f"(F10.7={f107}, F10.7a={f107a}, Ap={ap})"
        )

    alt_m = xr.DataArray(alts * 1e3, dims="altitude", coords={"altitude": alts})
    if scale_height == "local":
        H = local_scale_height(out["T"], mean_mass, alt_m)
        h_note = "local scale height R* T / (m g(z))"
    else:
        try:
            H = xr.full_like(out["T"], float(scale_height))
        except (TypeError, ValueError):
            raise ValueError(
                f"scale_height must be 'local' or a number in m, not {scale_height!r}"
            ) from None
        h_note = f"fixed H = {float(scale_height)} m"
        if float(scale_height) == CAM_TEM_SCALE_HEIGHT:
            h_note += " (as CAM's FV TEM diagnostics, ctem.F90)"
    W = omega_to_w(out["OMEGA"], out["p"], H)

    state = {
        "U": out["U"],
        "V": out["V"],
        "W": W,
        "T": out["T"],
        "p": out["p"],
        "n_air": n_air_z,
        "n_N2": n_N2,
        "n_O2": n_O2,
        "n_O": n_O,
        "mean_mass": mean_mass,
        "H": H,
    }
    if has_fep:
        state["n_Fep"] = out["Fep"] * n_air_z
    if efield is not None:
        for k, v in efield.items():
            state[k] = out[k] if e_levels else v.astype(float).broadcast_like(out["T"])
    result = xr.Dataset({k: v.transpose(*order) for k, v in state.items()})
    result = result.drop_vars([c for c in result.coords if c not in order])
    for name, da in result.data_vars.items():
        da.attrs = dict(STATE_ATTRS[name])
    result["W"].attrs["comment"] = h_note
    result["H"].attrs["comment"] = h_note
    for k in ("n_N2", "n_O2", "n_O", "mean_mass"):
        result[k].attrs["comment"] = comp_note
    if efield is not None:
        src = (
            "EX/EY/EZ"
            if "EX" in ds
            else "ED1/ED2 (approximate mapping, see estransport.model.state)"
        )
        for k in ("E_east", "E_north", "E_up"):
            result[k].attrs["comment"] = f"from history {src}"
    for c, a in _COORD_ATTRS.items():
        result[c].attrs = dict(a)
    result["time"].attrs = dict(ds["time"].attrs)
    result.attrs = provenance_attrs(config, files, step="model_state")
    result.attrs.update(
        {
            "title": "estransport model state on geometric altitude levels",
            "model_case": str(ds.attrs.get("case", "unknown")),
            "altitude_source": str(z.attrs.get("comment", "")),
            "scale_height": h_note,
            "composition": comp_note,
            "fe_ion": f"n_Fep from the history variable '{fep}'"
            if has_fep
            else f"absent: the history files have no '{fep}' (Fe+ mixing ratio); no n_Fep",
            "electric_field": "none"
            if efield is None
            else ("EX/EY/EZ" if "EX" in ds else "ED1/ED2"),
            "msis_f107": f107,
            "msis_f107a": f107a,
            "msis_ap": ap,
        }
    )
    return result


def require_fep(state: xr.Dataset, path: str | os.PathLike | None = None) -> xr.Dataset:
    """The Fe+ density of a model state, or an error naming ``Fep`` and the file.

    Products that need Fe+ (the Fe+ flux) call this instead of indexing
    ``state["n_Fep"]``, so a state built from history files without ``Fep``
    (WACCM without metal chemistry) stops them with a clear message.

    Parameters
    ----------
    state : xarray.Dataset
        Model state (:func:`build_model_state`, or ``state.nc`` opened).
    path : path-like, optional
        The state file, for the message (default the file the dataset was
        opened from, if known).

    Returns
    -------
    xarray.Dataset
        ``state[["n_Fep"]]``.

    Raises
    ------
    InputFileError
        ``n_Fep`` is absent; the message names the history variable ``Fep``,
        the state file and the history files it was built from.
    """
    if "n_Fep" in state:
        return state[["n_Fep"]]
    where = os.fspath(path) if path is not None else state.encoding.get("source", "<model state>")
    history = state.attrs.get("input_files", "the model history files")
    raise InputFileError(
        where,
        f"has no 'n_Fep' because its history files ({history}) have no variable "
        f"'{cesm.FE_ION_VARIABLE}' (Fe+ mixing ratio), which the Fe+ flux needs; use WACCM(-X) "
        "output with metal (Fe) chemistry. Figs. 1 and 2c,d do not need it",
    )
