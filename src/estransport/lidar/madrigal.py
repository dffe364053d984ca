"""Reader of CEDAR Madrigal HDF5 lidar files into the canonical lidar layout.

Madrigal 3 HDF5 files (``docs/formats.md`` §7.1) hold every measurement in one
compound dataset ``/Data/Table Layout``, one row per record (profile) and range
bin, whose first columns are ``year month day hour min sec recno kindat kinst``
(integers) and ``ut1_unix ut2_unix`` (floats: start and end of the record, Unix
seconds) [V] [S58]; the other columns are the parameters, named by their
lower-case Madrigal mnemonics and described in ``/Metadata/Data Parameters``
(``mnemonic, description, isError, units, category``) [V] [S58]. A gridded copy,
``/Data/Array Layout``, is derived from the table and not needed here [V] [S58].

This reader takes the table, finds the altitude (``gdalt``, or ``range`` with the
elevation ``elm``) and the density parameter (named, or the only non-error
parameter in m-3 or cm-3), its error (the same mnemonic prefixed with ``d``
[V3] [S59]) and the station (``/Metadata/Experiment Parameters``), and returns the
canonical layout of :mod:`estransport.lidar.canonical`. The Madrigal mnemonic of
a metal-ion density is not known [GAP]: hence the search by units.

Every defect raises :class:`~estransport.errors.InputFileError` naming the file,
the dataset and the problem.
"""

from __future__ import annotations

import logging
import os

import numpy as np
import xarray as xr

from ..errors import InputFileError
from .canonical import DENSITY_UNITS, canonical_dataset

log = logging.getLogger(__name__)

#: The table of all data [V] [S58].
TABLE = "Data/Table Layout"
#: The parameter descriptions [V] [S58].
DATA_PARAMETERS = "Metadata/Data Parameters"
#: name/value pairs of the experiment, incl. the instrument position [V] [S58].
EXPERIMENT_PARAMETERS = "Metadata/Experiment Parameters"
#: The columns every Table Layout starts with [V] [S58] (``requiredFields``).
REQUIRED_FIELDS = (
    "year",
    "month",
    "day",
    "hour",
    "min",
    "sec",
    "recno",
    "kindat",
    "kinst",
    "ut1_unix",
    "ut2_unix",
)
#: Special values of Madrigal parameters [V] [S58]: NaN = missing; for errors
#: -1 = "assumed" (no error known) and -2 = "known bad" (the value must not be used).
ASSUMED, KNOWN_BAD = -1.0, -2.0
#: Error parameters are the parameter's mnemonic prefixed with "d" (``vipn``/``dvipn``)
#: [V3] [S59].
ERROR_PREFIX = "d"
#: Geodetic altitude of the measurement, km [V3] [S59] ("GDALT", "Geodetic altitude (height)", km).
ALTITUDE_PARAMETER = "gdalt"
#: Range along the beam (km) and elevation (deg), used when there is no gdalt [V3] [S59];
#: altitude = range sin(elevation), ignoring the station height and Earth curvature [I].
RANGE_PARAMETER, ELEVATION_PARAMETER = "range", "elm"
#: Names in Experiment Parameters of the instrument position [V] [S58] (degrees, and km [I]).
STATION_KEYS = ("instrument latitude", "instrument longitude", "instrument altitude")
#: Columns that are never the density even when their units fit.
_NOT_DENSITY = set(REQUIRED_FIELDS) | {
    ALTITUDE_PARAMETER,
    RANGE_PARAMETER,
    ELEVATION_PARAMETER,
    "gdlat",
    "glon",
}


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


def _text(value) -> str:
    if isinstance(value, bytes | np.bytes_):
        return value.decode("utf-8", "replace").strip()
    return str(value).strip()


def _parameters(f, path) -> dict[str, dict[str, object]]:
    """``/Metadata/Data Parameters`` as {lower-case mnemonic: {description, isError, units}}."""
    try:
        table = f[DATA_PARAMETERS][()]
    except KeyError:
        raise InputFileError(
            path, f"dataset /{DATA_PARAMETERS} is missing: not a Madrigal 3 HDF5 file"
        ) from None
    names = table.dtype.names or ()
    for col in ("mnemonic", "isError", "units"):
        if col not in names:
            raise InputFileError(
                path, f"dataset /{DATA_PARAMETERS} has no column '{col}' (columns {list(names)})"
            )
    out = {}
    for row in table:
        mnem = _text(row["mnemonic"]).lower()
        out[mnem] = {
            "description": _text(row["description"]) if "description" in names else "",
            "isError": int(row["isError"]),
            "units": _text(row["units"]),
        }
    return out


def _station(f, path, table) -> tuple[float, float, float | None, str]:
    """Instrument latitude, longitude, altitude (km) and name."""
    values: dict[str, str] = {}
    if EXPERIMENT_PARAMETERS in f:
        exp = f[EXPERIMENT_PARAMETERS][()]
        names = exp.dtype.names or ()
        if "name" in names and "value" in names:
            values = {_text(r["name"]).lower(): _text(r["value"]) for r in exp}
    lat = lon = None
    try:
        if STATION_KEYS[0] in values and STATION_KEYS[1] in values:
            lat, lon = float(values[STATION_KEYS[0]]), float(values[STATION_KEYS[1]])
    except ValueError:
        raise InputFileError(
            path,
            f"/{EXPERIMENT_PARAMETERS}: instrument latitude/longitude "
            f"{values.get(STATION_KEYS[0])!r}/{values.get(STATION_KEYS[1])!r} "
            "are not numbers",
        ) from None
    if lat is None and "gdlat" in table.dtype.names and "glon" in table.dtype.names:
        lat = float(np.nanmedian(table["gdlat"]))
        lon = float(np.nanmedian(table["glon"]))
    if lat is None or not np.isfinite(lat) or not np.isfinite(lon):
        raise InputFileError(
            path,
            f"no station position: /{EXPERIMENT_PARAMETERS} lacks "
            "'instrument latitude'/'instrument longitude' and the table "
            "has no gdlat/glon",
        )
    try:
        alt = float(values[STATION_KEYS[2]]) if STATION_KEYS[2] in values else None
    except ValueError:
        alt = None
    return lat, lon, alt, values.get("instrument", "")


def _density_parameter(params, fields, path, wanted: str | None) -> str:
    if wanted:
        wanted = wanted.lower()
        if wanted not in fields:
            raise InputFileError(
                path,
                f"/{TABLE} has no parameter '{wanted}' "
                f"(parameters: {sorted(set(fields) - set(REQUIRED_FIELDS))})",
            )
        return wanted
    cands = [
        m
        for m in fields
        if m not in _NOT_DENSITY
        and m in params
        and params[m]["isError"] == 0
        and params[m]["units"] in DENSITY_UNITS
    ]
    if len(cands) != 1:
        what = "no" if not cands else f"{len(cands)} ({cands})"
        raise InputFileError(
            path,
            f"/{DATA_PARAMETERS}: {what} non-error parameters with density "
            f"units {sorted(DENSITY_UNITS)}; name the density parameter "
            "(config lidar.madrigal.density_parameter)",
        )
    return cands[0]


def read_madrigal_lidar(
    path: str | os.PathLike,
    *,
    density_parameter: str | None,
    species: str,
) -> xr.Dataset:
    """Read a Madrigal HDF5 lidar file into the canonical lidar layout.

    Parameters
    ----------
    path : path-like
        Madrigal 3 HDF5 file (``.hdf5``, ``.h5``).
    density_parameter : str or None
        Mnemonic of the density column; None = the only non-error parameter
        with units m-3 or cm-3.
    species : str
        Name of the species (Madrigal files do not carry it), e.g. ``"Ca+"``.

    Returns
    -------
    xarray.Dataset
        Canonical layout (:mod:`estransport.lidar.canonical`): one profile per
        distinct ``ut1_unix`` (time = middle of ut1..ut2), one altitude per
        distinct ``gdalt``; absent cells are NaN. Error values -1 ("assumed")
        become NaN uncertainties; -2 ("known bad") remove the value.

    Raises
    ------
    InputFileError
        Not an HDF5 file, no Table Layout or Data Parameters, required columns
        missing, no or several density candidates, impossible times or values,
        a (time, altitude) cell given twice.
    """
    import h5py

    path = os.fspath(path)
    try:
        f = h5py.File(path, "r")
    except FileNotFoundError:
        raise
    except OSError as err:
        raise InputFileError(path, f"not a readable HDF5 file ({err})") from None
    try:
        with f:
            return _read(f, path, density_parameter, species)
    except InputFileError:
        raise
    except (OSError, KeyError, ValueError, TypeError, IndexError, RuntimeError) as err:
        raise InputFileError(
            path, f"unreadable Madrigal HDF5 content ({type(err).__name__}: {err})"
        ) from None


def _read(f, path, density_parameter, species) -> xr.Dataset:
    if TABLE not in f:
        raise InputFileError(path, f"dataset /{TABLE} is missing: not a Madrigal 3 HDF5 file")
    dset = f[TABLE]
    if dset.dtype.names is None or dset.ndim != 1:
        raise InputFileError(path, f"/{TABLE} is not a one-dimensional compound table")
    table = dset[()]
    fields = [n.lower() for n in table.dtype.names]
    table.dtype.names = tuple(fields)
    missing = [c for c in REQUIRED_FIELDS if c not in fields]
    if missing:
        raise InputFileError(path, f"/{TABLE} lacks the required columns {missing}")
    if table.size == 0:
        raise InputFileError(path, f"/{TABLE} has no rows")
    params = _parameters(f, path)

    # altitude of every row, km
    if ALTITUDE_PARAMETER in fields:
        alt = np.asarray(table[ALTITUDE_PARAMETER], float)
        alt_from = ALTITUDE_PARAMETER
    elif RANGE_PARAMETER in fields and ELEVATION_PARAMETER in fields:
        alt = np.asarray(table[RANGE_PARAMETER], float) * np.sin(
            np.radians(np.asarray(table[ELEVATION_PARAMETER], float))
        )
        alt_from = f"{RANGE_PARAMETER} sin({ELEVATION_PARAMETER})"
    else:
        raise InputFileError(
            path,
            f"/{TABLE} has neither '{ALTITUDE_PARAMETER}' nor "
            f"'{RANGE_PARAMETER}' with '{ELEVATION_PARAMETER}': no altitude",
        )
    mnem = _density_parameter(params, fields, path, density_parameter)
    units = params.get(mnem, {}).get("units", "")
    if units not in DENSITY_UNITS:
        raise InputFileError(
            path,
            f"/{DATA_PARAMETERS}: parameter '{mnem}' has units {units!r}, "
            f"not a density ({sorted(DENSITY_UNITS)})",
        )
    scale = DENSITY_UNITS[units]
    dens = np.asarray(table[mnem], float)
    err_name = ERROR_PREFIX + mnem
    if err_name in fields:
        err = np.asarray(table[err_name], float)
        err_units = params.get(err_name, {}).get("units", units)
        if err_units not in DENSITY_UNITS:
            raise InputFileError(
                path, f"/{DATA_PARAMETERS}: error parameter '{err_name}' has units {err_units!r}"
            )
        err_scale = DENSITY_UNITS[err_units]
    else:
        log.warning("%s: no error parameter '%s'; uncertainties are unknown (NaN)", path, err_name)
        err, err_scale = np.full(dens.shape, np.nan), 1.0
    bad = err == KNOWN_BAD
    unknown = err == ASSUMED
    other_negative = (err < 0) & ~bad & ~unknown
    if other_negative.any():
        row = int(np.nonzero(other_negative)[0][0])
        raise InputFileError(
            path,
            f"/{TABLE} row {row}: error '{err_name}' = {err[row]} is "
            "negative but not a Madrigal special value (-1 assumed, -2 known bad)",
        )
    dens = np.where(bad, np.nan, dens) * scale
    err = np.where(bad | unknown, np.nan, err) * err_scale
    if np.isinf(dens).any() or np.isinf(err).any():
        raise InputFileError(path, f"/{TABLE}: '{mnem}' or '{err_name}' holds infinite values")

    ut1 = np.asarray(table["ut1_unix"], float)
    ut2 = np.asarray(table["ut2_unix"], float)
    bad_t = ~np.isfinite(ut1) | ~np.isfinite(ut2) | (ut2 < ut1) | (ut1 < 0) | (ut2 > 4.1e9)
    if bad_t.any():
        row = int(np.nonzero(bad_t)[0][0])
        raise InputFileError(
            path,
            f"/{TABLE} row {row}: impossible record time ut1_unix={ut1[row]}, ut2_unix={ut2[row]}",
        )
    finite_alt = np.isfinite(alt)
    if not finite_alt.all():
        row = int(np.nonzero(~finite_alt)[0][0])
        raise InputFileError(path, f"/{TABLE} row {row}: altitude ({alt_from}) is missing")
    if alt.min() < -1.0 or alt.max() > 5000.0:
        raise InputFileError(
            path,
            f"/{TABLE}: altitudes {alt.min():.1f}-{alt.max():.1f} km are impossible for a lidar",
        )
    times, t_idx = np.unique(ut1, return_inverse=True)
    alts, a_idx = np.unique(np.round(alt, 6), return_inverse=True)
    if alts.size < 3:
        raise InputFileError(path, f"/{TABLE}: fewer than 3 distinct altitudes")
    flat = t_idx * alts.size + a_idx
    uniq, counts = np.unique(flat, return_counts=True)
    if (counts > 1).any():
        cell = uniq[counts > 1][0]
        raise InputFileError(
            path,
            f"/{TABLE}: record at ut1_unix={times[cell // alts.size]} has "
            f"altitude {alts[cell % alts.size]} km twice",
        )
    end = np.full(times.size, -np.inf)
    np.maximum.at(end, t_idx, ut2)
    grid_d = np.full((times.size, alts.size), np.nan)
    grid_e = np.full_like(grid_d, np.nan)
    grid_d[t_idx, a_idx] = dens
    grid_e[t_idx, a_idx] = err
    lat, lon, stalt, instrument = _station(f, path, table)
    kinst = sorted({int(k) for k in np.asarray(table["kinst"])})
    kindat = sorted({int(k) for k in np.asarray(table["kindat"])})
    to_ns = lambda s: (np.round(s * 1e3).astype("int64")).astype("datetime64[ms]")  # noqa: E731
    return canonical_dataset(
        time_start=to_ns(times),
        time_end=to_ns(end),
        altitude_km=alts,
        density_m3=grid_d,
        uncertainty_m3=grid_e,
        species=species,
        station_name=instrument or os.path.basename(path),
        station_latitude=lat,
        station_longitude=lon,
        station_altitude_km=stalt,
        instrument=instrument,
        source_format="CEDAR Madrigal HDF5 (Table Layout)",
        extra_attrs={
            "madrigal_density_parameter": mnem,
            "madrigal_error_parameter": err_name if err_name in fields else "",
            "madrigal_altitude_from": alt_from,
            "madrigal_kinst": " ".join(map(str, kinst)),
            "madrigal_kindat": " ".join(map(str, kindat)),
        },
    )
