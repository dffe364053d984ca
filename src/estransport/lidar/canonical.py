"""The canonical lidar layout: one CF-netCDF profile series that every lidar format converts to.

Layout (``docs/formats.md`` §7.3)::

    dimensions  time (profiles), altitude (range bins), nv = 2
    time(time)               double, CF time ("seconds since 1970-01-01 00:00:00", UTC), middle
                             of the integration interval; bounds = "time_bnds"
    time_bnds(time, nv)      start and end of the integration interval
    altitude(altitude)       double, km, geodetic altitude of the bin centre, strictly increasing,
                             positive = "up"
    density(time, altitude)  number density of the species, "m-3" (or "cm-3", converted on
                             reading); NaN where there is no value
    density_uncertainty(time, altitude)
                             one-sigma uncertainty of density, same units; NaN = unknown
    photon_counts(time, altitude), background_counts(time)
                             optional raw counts per bin and integration (units "1")
    global attributes        species (e.g. "Ca+"), station_name, station_latitude (degrees N),
                             station_longitude (degrees E), station_altitude_km (optional),
                             instrument, source_format, title, Conventions = "CF-1.8"

Readers of other formats (:mod:`estransport.lidar.madrigal`) return this layout
as an :class:`xarray.Dataset`; :func:`read_canonical` reads and checks a file in
it, raising :class:`~estransport.errors.InputFileError` that names the file,
the variable and the problem.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from ..errors import InputFileError

#: Version of the layout written into ``estransport_lidar_layout``.
LAYOUT_VERSION = "1.0"
#: Required variables and their dimensions.
REQUIRED = {
    "density": ("time", "altitude"),
    "density_uncertainty": ("time", "altitude"),
}
#: Optional variables and their dimensions.
OPTIONAL = {
    "photon_counts": ("time", "altitude"),
    "background_counts": ("time",),
}
#: Units accepted for densities, with the factor to m-3.
DENSITY_UNITS = {
    "m-3": 1.0,
    "m^-3": 1.0,
    "m**-3": 1.0,
    "cm-3": 1.0e6,
    "cm^-3": 1.0e6,
    "cm**-3": 1.0e6,
}
#: Units accepted for the altitude, with the factor to km.
ALTITUDE_UNITS = {"km": 1.0, "m": 1.0e-3}
#: Required global attributes (numbers in degrees).
REQUIRED_ATTRS = ("species", "station_name", "station_latitude", "station_longitude")


#: What the netCDF/HDF5 libraries raise on damaged content (a truncated chunk, an absurd
#: time unit, a broken compound type); each becomes an InputFileError naming the file.
_DAMAGE = (
    OSError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    RuntimeError,
    ArithmeticError,
    AttributeError,
)


#: The lidar's altitudes are geodetic (Madrigal ``gdalt``, "Geodetic altitude (height)",
#: km, in a real file's Data Parameters [V3] [S60]; the reference ellipsoid is not named
#: there [GAP], WGS84 assumed [I]); CF's ``altitude`` is above the geoid. The two differ by
#: the geoid undulation, within about -106 to +85 m everywhere (the EGM96 range, quoted
#: from memory and not read in a source for this project) [I], far below the range bins
#: of a metal lidar (>= 100 m).
ALTITUDE_COMMENT = (
    "geodetic altitude of the bin centre (above the reference ellipsoid); it differs "
    "from altitude above the geoid by the geoid undulation (|N| < 110 m)"
)


def canonical_dataset(
    *,
    time_start,
    time_end,
    altitude_km,
    density_m3,
    uncertainty_m3,
    species: str,
    station_name: str,
    station_latitude: float,
    station_longitude: float,
    station_altitude_km: float | None = None,
    instrument: str = "",
    source_format: str = "",
    photon_counts=None,
    background_counts=None,
    extra_attrs: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Assemble a Dataset in the canonical layout, with CF attributes on every variable.

    Parameters
    ----------
    time_start, time_end : array_like of datetime64
        Start and end of each profile's integration, UTC.
    altitude_km : array_like, 1-D
        Bin centres, km, strictly increasing.
    density_m3, uncertainty_m3 : array_like, (time, altitude)
        Density and its one-sigma uncertainty, m-3.
    species : str
        E.g. ``"Ca+"``.
    station_name : str
    station_latitude, station_longitude : float
        Degrees N / E.
    station_altitude_km : float, optional
    instrument, source_format : str
        Free text: the instrument and the format the data came from.
    photon_counts : array_like (time, altitude), optional
    background_counts : array_like (time,), optional
    extra_attrs : mapping, optional
        Further global attributes.

    Returns
    -------
    xarray.Dataset
    """
    t0 = np.asarray(time_start, "datetime64[ns]")
    t1 = np.asarray(time_end, "datetime64[ns]")
    mid = t0 + (t1 - t0) / 2
    ds = xr.Dataset(
        {
            "density": (
                ("time", "altitude"),
                np.asarray(density_m3, float),
                {
                    "units": "m-3",
                    "long_name": f"{species} number density",
                    "ancillary_variables": "density_uncertainty",
                },
            ),
            "density_uncertainty": (
                ("time", "altitude"),
                np.asarray(uncertainty_m3, float),
                {
                    "units": "m-3",
                    "long_name": f"one-sigma uncertainty of the {species} number density",
                },
            ),
            "time_bnds": (("time", "nv"), np.stack([t0, t1], axis=-1)),
        },
        coords={
            "time": (
                "time",
                mid,
                {
                    "standard_name": "time",
                    "long_name": "middle of the profile's integration interval (UTC)",
                    "bounds": "time_bnds",
                },
            ),
            "altitude": (
                "altitude",
                np.asarray(altitude_km, float),
                {
                    "units": "km",
                    "standard_name": "altitude",
                    "axis": "Z",
                    "long_name": "altitude of the range-bin centre",
                    "positive": "up",
                    "comment": ALTITUDE_COMMENT,
                },
            ),
        },
    )
    if photon_counts is not None:
        ds["photon_counts"] = (
            ("time", "altitude"),
            np.asarray(photon_counts, float),
            {
                "units": "1",
                "long_name": "photon counts per range bin and integration",
            },
        )
    if background_counts is not None:
        ds["background_counts"] = (
            ("time",),
            np.asarray(background_counts, float),
            {
                "units": "1",
                "long_name": "estimated background counts per range bin and integration",
            },
        )
    attrs = {
        "Conventions": "CF-1.8",
        "title": f"{species} lidar profiles, {station_name}",
        "estransport_lidar_layout": LAYOUT_VERSION,
        "species": species,
        "station_name": station_name,
        "station_latitude": float(station_latitude),
        "station_longitude": float(station_longitude),
        "instrument": instrument,
        "source_format": source_format,
    }
    if station_altitude_km is not None:
        attrs["station_altitude_km"] = float(station_altitude_km)
    attrs.update(extra_attrs or {})
    ds.attrs = attrs
    return ds


def _err(path, msg, variable=None) -> InputFileError:
    where = f"variable '{variable}': " if variable else ""
    return InputFileError(path, where + msg)


def check_canonical(ds: xr.Dataset, path: str | os.PathLike) -> xr.Dataset:
    """Check a Dataset against the canonical layout and normalise units and dtypes.

    Parameters
    ----------
    ds : xarray.Dataset
        Opened file (times decoded).
    path : path-like
        The file, named in errors.

    Returns
    -------
    xarray.Dataset
        Densities in m-3, altitude in km, float64; time as datetime64[ns];
        ``time_bnds`` present (one-point intervals if the file had none).

    Raises
    ------
    InputFileError
        A required variable or attribute is missing, has the wrong dimensions
        or units, or holds impossible values.
    """
    for name in ("time", "altitude"):
        if name not in ds.variables:
            raise _err(path, "is missing (the canonical layout needs time x altitude)", name)
    for name, dims in REQUIRED.items():
        if name not in ds.variables:
            raise _err(path, "is missing", name)
        if tuple(ds[name].dims) != dims:
            raise _err(path, f"has dimensions {tuple(ds[name].dims)}, expected {dims}", name)
    for name, dims in OPTIONAL.items():
        if name in ds.variables and tuple(ds[name].dims) != dims:
            raise _err(path, f"has dimensions {tuple(ds[name].dims)}, expected {dims}", name)
    for key in REQUIRED_ATTRS:
        if key not in ds.attrs:
            raise InputFileError(path, f"global attribute '{key}' is missing")
    try:
        lat = float(ds.attrs["station_latitude"])
        lon = float(ds.attrs["station_longitude"])
    except (TypeError, ValueError):
        raise InputFileError(path, "station_latitude/station_longitude are not numbers") from None
    if not (-90 <= lat <= 90 and -360 <= lon <= 360):
        raise InputFileError(path, f"station position ({lat}, {lon}) is not on the Earth")
    time = ds["time"].values
    if not np.issubdtype(time.dtype, np.datetime64):
        raise _err(path, "is not a CF time (units 'seconds since ...')", "time")
    if time.size and (np.isnat(time).any() or np.any(np.diff(time) <= np.timedelta64(0, "ns"))):
        raise _err(path, "must be strictly increasing without missing values", "time")
    alt_units = str(ds["altitude"].attrs.get("units", "")).strip()
    if alt_units not in ALTITUDE_UNITS:
        raise _err(path, f"units {alt_units!r} not one of {sorted(ALTITUDE_UNITS)}", "altitude")
    alt = np.asarray(ds["altitude"].values, float) * ALTITUDE_UNITS[alt_units]
    if alt.size < 3 or not np.all(np.isfinite(alt)) or np.any(np.diff(alt) <= 0):
        raise _err(path, "must hold at least 3 finite, strictly increasing values", "altitude")
    if alt[0] < -1.0 or alt[-1] > 5000.0:
        raise _err(
            path, f"range {alt[0]:.1f}-{alt[-1]:.1f} km is impossible for a lidar", "altitude"
        )
    out = {}
    for name in REQUIRED:
        units = str(ds[name].attrs.get("units", "")).strip()
        if units not in DENSITY_UNITS:
            raise _err(path, f"units {units!r} not one of {sorted(DENSITY_UNITS)}", name)
        values = np.asarray(ds[name].values, float) * DENSITY_UNITS[units]
        if np.isinf(values).any():
            raise _err(path, "holds infinite values", name)
        out[name] = values
    if (out["density_uncertainty"] < 0).any():
        raise _err(path, "holds negative values", "density_uncertainty")
    if "time_bnds" in ds.variables:
        bnds = np.asarray(ds["time_bnds"].values)
        if bnds.shape != (time.size, 2) or not np.issubdtype(bnds.dtype, np.datetime64):
            raise _err(path, "must be (time, 2) CF times", "time_bnds")
        if time.size and np.any(bnds[:, 1] < bnds[:, 0]):
            raise _err(path, "ends before it starts", "time_bnds")
        start, end = bnds[:, 0], bnds[:, 1]
    else:
        start = end = time
    extra = {}
    for name in OPTIONAL:
        if name in ds.variables:
            extra[name] = np.asarray(ds[name].values, float)
    attrs = {k: v for k, v in ds.attrs.items()}
    return canonical_dataset(
        time_start=start,
        time_end=end,
        altitude_km=alt,
        density_m3=out["density"],
        uncertainty_m3=out["density_uncertainty"],
        species=str(attrs.pop("species")),
        station_name=str(attrs.pop("station_name")),
        station_latitude=lat,
        station_longitude=lon,
        station_altitude_km=attrs.pop("station_altitude_km", None),
        instrument=str(attrs.pop("instrument", "")),
        source_format=str(attrs.pop("source_format", "canonical")),
        photon_counts=extra.get("photon_counts"),
        background_counts=extra.get("background_counts"),
        extra_attrs={
            k: v for k, v in attrs.items() if k not in ("Conventions", "estransport_lidar_layout")
        },
    )


def read_canonical(path: str | os.PathLike) -> xr.Dataset:
    """Read one file in the canonical layout (netCDF-3 or -4), checked and normalised.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    xarray.Dataset
        In memory (see :func:`check_canonical`).

    Raises
    ------
    InputFileError
        The file is not netCDF, or breaks the layout (the message names the file
        and the variable).
    """
    try:
        with xr.open_dataset(path, engine="netcdf4", decode_timedelta=False) as ds:
            ds.load()
            return check_canonical(ds, path)
    except InputFileError:
        raise
    except FileNotFoundError:
        raise
    except _DAMAGE as err:
        raise InputFileError(
            path,
            f"not a readable netCDF file in the canonical lidar layout "
            f"({type(err).__name__}: {err})",
        ) from None


def merge_profiles(
    datasets: Sequence[xr.Dataset], paths: Sequence[str | os.PathLike]
) -> xr.Dataset:
    """Concatenate canonical Datasets (e.g. one per night) along time.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        In the canonical layout, all on the same altitude grid and station.
    paths : sequence of path-like
        Their files, named in errors.

    Returns
    -------
    xarray.Dataset
        Sorted by time; the attributes of the first, with ``source_files`` listing all.

    Raises
    ------
    InputFileError
        Altitude grids or stations differ, or two files overlap in time.
    """
    if not datasets:
        raise ValueError("no lidar profiles to merge")
    ref, ref_path = datasets[0], paths[0]
    for ds, path in zip(datasets[1:], paths[1:], strict=True):
        if ds.sizes["altitude"] != ref.sizes["altitude"] or not np.allclose(
            ds["altitude"].values, ref["altitude"].values, atol=1e-6
        ):
            raise InputFileError(
                path,
                f"its altitude grid differs from that of {ref_path}; "
                "regrid to one grid before combining nights",
            )
        for key in ("station_latitude", "station_longitude"):
            if abs(float(ds.attrs[key]) - float(ref.attrs[key])) > 0.01:
                raise InputFileError(
                    path,
                    f"{key} {ds.attrs[key]} differs from {ref_path} "
                    f"({ref.attrs[key]}): one station per run",
                )
    keep = set(ref.data_vars)
    for ds in datasets[1:]:
        keep &= set(ds.data_vars)
    merged = xr.concat([ds[sorted(keep)] for ds in datasets], dim="time").sortby("time")
    t = merged["time"].values
    dup = np.nonzero(np.diff(t) <= np.timedelta64(0, "ns"))[0]
    if dup.size:
        raise InputFileError(
            paths[0],
            f"profiles at {t[dup[0]]} appear twice across the files "
            f"{[os.fspath(p) for p in paths]}",
        )
    merged.attrs = dict(ref.attrs)
    merged.attrs["source_files"] = " ".join(os.path.basename(os.fspath(p)) for p in paths)
    return merged
