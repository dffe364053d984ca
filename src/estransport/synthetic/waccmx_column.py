"""Synthetic WACCM-X history files of a small region up to 300+ km (the MIC slice's model).

The metal-ion-cloud slice (``docs/science.md`` §9) needs the model state above
the lidar up to 300 km, hourly, but only there: a global WACCM-X run is not
needed to test the prediction of the cloud descent. This generator writes, for
each day of the lidar period, one instantaneous hourly history file in the CESM
layout of ``docs/formats.md`` §4, as the UKSSDC WACCM-X archive names them
(``{case}.cam.h1.YYYY-MM-DD-00000.nc``, netCDF-4/HDF5 [V] [S45]), on a 3 x 3
latitude-longitude patch centred on the station. The same CESM reader
(:mod:`estransport.model.cesm`, :func:`estransport.model.state.build_model_state`)
reads it as it reads real output.

Planted truth (``docs/science.md`` §9):

* background T, p, O and O2: the NRLMSIS 2.1 diurnal mean of the middle day at
  the station (:func:`estransport.synthetic.tides.station_column`), the same on
  every grid point and time; each hybrid level sits at the geometric altitude
  where that profile has the level's pressure (PS = P0 = 1e5 Pa everywhere), and
  ``Z3`` is the matching geopotential height R_E z / (R_E + z);
* winds U, V: the migrating diurnal and semidiurnal tides of
  :class:`~estransport.synthetic.tides.PlantedTides` (vertical wavelength growing
  with height), evaluated at each grid point's local time, plus the mean winds;
* OMEGA = 0 (so W = 0), no electric field, no Fe+.

Fields are float32, the time axis uses the ``noleap`` calendar with equal
``time_bnds`` (instantaneous samples), and the global attributes are CAM's.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io.atomic import atomic_path
from ..physics.constants import CESM_EARTH_RADIUS, CESM_P0
from .tides import PlantedTides, StationColumn, planted_winds

log = logging.getLogger(__name__)

#: Days in each month of the noleap calendar (CESM's default calendar, docs/formats.md §4.1).
_NOLEAP_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: Interfaces at reference pressure below this (Pa) are pure pressure (hybm = 0), as in
#: WACCM above about 100 hPa (docs/formats.md §4.2).
_PURE_PRESSURE_BELOW_PA = 1.0e4


@dataclass(frozen=True)
class ColumnGrid:
    """Layout of the synthetic WACCM-X column files.

    Attributes
    ----------
    case : str
        CESM case name (file-name prefix and global attribute ``case``).
    lat, lon : float
        Centre of the 3 x 3 patch (the station), degrees N / E.
    step_deg : float
        Spacing of the patch, degrees.
    top_km : float
        Geometric altitude of the model-top interface, km (above the highest
        altitude the slice uses).
    dlnp_upper, dlnp_lower : float
        Interface spacing in ln p above and below 100 Pa.
    """

    case: str
    lat: float
    lon: float
    step_deg: float
    top_km: float
    dlnp_upper: float
    dlnp_lower: float


def history_file_names(case: str, days: Sequence[dt.date]) -> list[str]:
    """File names the generator writes: one hourly h1 file per day.

    Parameters
    ----------
    case : str
        CESM case name.
    days : sequence of datetime.date
        Days of the period.

    Returns
    -------
    list of str
        ``{case}.cam.h1.YYYY-MM-DD-00000.nc``.
    """
    return [f"{case}.cam.h1.{d:%Y-%m-%d}-00000.nc" for d in days]


def _noleap_day_of_year(day: dt.date) -> int:
    """0-based day of the year in the noleap calendar (29 February is not allowed)."""
    if day.month == 2 and day.day == 29:
        raise ValueError(f"{day} does not exist in the noleap calendar of CESM")
    return sum(_NOLEAP_DAYS[: day.month - 1]) + day.day - 1


def hybrid_levels(top_pa: float, dlnp_upper: float, dlnp_lower: float) -> dict[str, np.ndarray]:
    """Hybrid coefficients (fractions of P0) from the model top down to P0.

    Parameters
    ----------
    top_pa : float
        Pressure of the top interface, Pa.
    dlnp_upper, dlnp_lower : float
        ln p spacing above and below 100 Pa.

    Returns
    -------
    dict
        ``hyai``, ``hybi`` (interfaces, index 0 = top) and ``hyam``, ``hybm``
        (midpoints = interface means, as CAM).
    """
    upper = np.arange(np.log(top_pa), np.log(100.0), dlnp_upper)
    n_lower = int(np.ceil(np.log(CESM_P0 / 100.0) / dlnp_lower)) + 1
    lower = np.linspace(np.log(100.0), np.log(CESM_P0), n_lower)
    p_ref = np.exp(np.concatenate([upper, lower]))
    b = (
        np.clip((p_ref - _PURE_PRESSURE_BELOW_PA) / (CESM_P0 - _PURE_PRESSURE_BELOW_PA), 0, 1)
        ** 1.5
    )
    a = p_ref / CESM_P0 - b
    a[-1], b[-1] = 0.0, 1.0
    return {"hyai": a, "hybi": b, "hyam": 0.5 * (a[1:] + a[:-1]), "hybm": 0.5 * (b[1:] + b[:-1])}


def level_altitudes(column: StationColumn, p_mid_pa: np.ndarray) -> np.ndarray:
    """Geometric altitude (km) where the background column has each level pressure."""
    lnp = np.log(column.pressure)  # decreasing with height
    return np.interp(-np.log(p_mid_pa), -lnp, column.altitude_km)


def write_column_history(
    outdir: str | os.PathLike,
    *,
    days: Sequence[dt.date],
    grid: ColumnGrid,
    tides: PlantedTides,
    column: StationColumn,
    ut_offset_hours: Sequence[float] | None = None,
) -> list[Path]:
    """Write one hourly history file per day.

    Parameters
    ----------
    outdir : path-like
        Destination directory (created).
    days : sequence of datetime.date
        Consecutive or not; each gets 24 hourly records (00-23 UT).
    grid : ColumnGrid
        File layout.
    tides : PlantedTides
        Planted winds.
    column : StationColumn
        Background (from :func:`estransport.synthetic.tides.station_column`); its
        altitude grid must reach above ``grid.top_km``.
    ut_offset_hours : sequence of float, optional
        Hours from the first day's midnight to each day's midnight (default:
        computed from the dates). The winds use this clock, so that they are
        the same functions of time as in :mod:`estransport.synthetic.lidar`.

    Returns
    -------
    list of pathlib.Path
        The files, in day order.
    """
    outdir = Path(outdir)
    days = list(days)
    if column.altitude_km[-1] < grid.top_km:
        raise ValueError(
            f"the background column ends at {column.altitude_km[-1]} km, below the model top "
            f"{grid.top_km} km"
        )
    top_pa = float(np.exp(np.interp(grid.top_km, column.altitude_km, np.log(column.pressure))))
    hy = hybrid_levels(top_pa, grid.dlnp_upper, grid.dlnp_lower)
    p_mid = (hy["hyam"] + hy["hybm"]) * CESM_P0  # PS = P0 everywhere
    z_lev = level_altitudes(column, p_mid)  # (lev,), km
    lats = grid.lat + grid.step_deg * np.array([-1.0, 0.0, 1.0])
    lons = grid.lon + grid.step_deg * np.array([-1.0, 0.0, 1.0])
    T = np.interp(z_lev, column.altitude_km, column.T)
    x_o = np.interp(z_lev, column.altitude_km, column.n_O / column.n_total)
    x_o2 = np.interp(z_lev, column.altitude_km, column.n_O2 / column.n_total)
    if ut_offset_hours is None:
        ut_offset_hours = [(d - days[0]).days * 24.0 for d in days]
    paths = []
    for day, offset in zip(days, ut_offset_hours, strict=True):
        hours = np.arange(24.0)
        u, v = planted_winds(
            z_lev[None, :, None, None],
            (offset + hours)[:, None, None, None],
            lons[None, None, None, :],
            tides,
        )
        u = np.broadcast_to(u, (24, z_lev.size, lats.size, lons.size))
        v = np.broadcast_to(v, u.shape)
        path = outdir / history_file_names(grid.case, [day])[0]
        _write_file(path, day, grid, hy, lats, lons, z_lev, T, x_o, x_o2, u, v)
        log.info("wrote %s", path)
        paths.append(path)
    return paths


def _write_file(path, day, grid, hy, lats, lons, z_lev, T, x_o, x_o2, u, v) -> None:
    import netCDF4

    nt, nlev = u.shape[0], z_lev.size
    shape = (nt, nlev, lats.size, lons.size)
    t0 = _noleap_day_of_year(day) + np.arange(nt) / 24.0
    with atomic_path(path) as tmp, netCDF4.Dataset(tmp, "w", format="NETCDF4") as nc:
        nc.Conventions = "CF-1.0"
        nc.source = "CAM"
        nc.case = grid.case
        nc.title = (
            "estransport synthetic WACCM-X column (3 x 3 patch around the lidar; planted tides, "
            "see estransport.synthetic.waccmx_column)"
        )
        nc.time_period_freq = "hour_1"
        nc.topography_file = "none (PHIS = 0)"
        for name, size in (
            ("time", None),
            ("lev", nlev),
            ("ilev", nlev + 1),
            ("lat", lats.size),
            ("lon", lons.size),
            ("nbnd", 2),
        ):
            nc.createDimension(name, size)

        def var(name, dtype, dims, attrs, data):
            # one chunk per time step, as the CESM reader reads them (dask chunk time: 1)
            chunks = (
                (1, *(nc.dimensions[d].size for d in dims[1:])) if dims[:1] == ("time",) else None
            )
            v_ = nc.createVariable(name, dtype, dims, zlib=dtype == "f4", chunksizes=chunks)
            for k, val in attrs.items():
                v_.setncattr(k, val)
            v_[...] = data

        var("P0", "f8", (), {"long_name": "reference pressure", "units": "Pa"}, CESM_P0)
        var("lat", "f8", ("lat",), {"long_name": "latitude", "units": "degrees_north"}, lats)
        var("lon", "f8", ("lon",), {"long_name": "longitude", "units": "degrees_east"}, lons % 360)
        for level, coef, lname in (("lev", "m", "midpoints"), ("ilev", "i", "interfaces")):
            var(
                level,
                "f8",
                (level,),
                {
                    "long_name": f"hybrid level at {lname} (1000*(A+B))",
                    "units": "hPa",
                    "positive": "down",
                    "standard_name": "atmosphere_hybrid_sigma_pressure_coordinate",
                    "formula_terms": f"a: hya{coef} b: hyb{coef} p0: P0 ps: PS",
                },
                0.01 * CESM_P0 * (hy[f"hya{coef}"] + hy[f"hyb{coef}"]),
            )
            for ab in ("a", "b"):
                var(
                    f"hy{ab}{coef}",
                    "f8",
                    (level,),
                    {
                        "long_name": f"hybrid {ab.upper()} coefficient at layer {lname}",
                        "units": "1",
                    },
                    hy[f"hy{ab}{coef}"],
                )
        var(
            "time",
            "f8",
            ("time",),
            {
                "long_name": "time",
                "units": f"days since {day.year:04d}-01-01 00:00:00",
                "calendar": "noleap",
                "bounds": "time_bnds",
            },
            t0,
        )
        var(
            "time_bnds",
            "f8",
            ("time", "nbnd"),
            {"long_name": "time interval endpoints"},
            np.stack([t0, t0], axis=-1),
        )
        var(
            "date",
            "i4",
            ("time",),
            {"long_name": "current date (YYYYMMDD)"},
            np.full(nt, day.year * 10000 + day.month * 100 + day.day, "i4"),
        )
        var(
            "datesec",
            "i4",
            ("time",),
            {"long_name": "current seconds of current date"},
            (np.arange(nt) * 3600).astype("i4"),
        )
        cell = "time: point"
        var(
            "PS",
            "f4",
            ("time", "lat", "lon"),
            {"units": "Pa", "long_name": "Surface pressure", "cell_methods": cell},
            np.full((nt, lats.size, lons.size), CESM_P0, "f4"),
        )
        var(
            "PHIS",
            "f4",
            ("lat", "lon"),
            {"units": "m2/s2", "long_name": "Surface geopotential"},
            np.zeros((lats.size, lons.size), "f4"),
        )
        z_m = z_lev * 1e3
        fields = {
            "T": ({"units": "K", "long_name": "Temperature"}, T[None, :, None, None]),
            "U": ({"units": "m/s", "long_name": "Zonal wind"}, u),
            "V": ({"units": "m/s", "long_name": "Meridional wind"}, v),
            "OMEGA": ({"units": "Pa/s", "long_name": "Vertical velocity (pressure)"}, 0.0),
            "Z3": (
                {"units": "m", "long_name": "Geopotential Height (above sea level)"},
                (CESM_EARTH_RADIUS * z_m / (CESM_EARTH_RADIUS + z_m))[None, :, None, None],
            ),
            "O": (
                {"units": "mol/mol", "long_name": "O concentration", "mixing_ratio": "dry"},
                x_o[None, :, None, None],
            ),
            "O2": (
                {"units": "mol/mol", "long_name": "O2 concentration", "mixing_ratio": "dry"},
                x_o2[None, :, None, None],
            ),
        }
        for name, (attrs, data) in fields.items():
            var(
                name,
                "f4",
                ("time", "lev", "lat", "lon"),
                {"mdims": np.int32(1), **attrs, "cell_methods": cell},
                np.broadcast_to(np.asarray(data, float), shape).astype("f4"),
            )
