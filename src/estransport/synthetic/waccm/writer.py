"""Write the synthetic WACCM history files in the CESM/CAM layout, and the planted truth."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...io.atomic import atomic_path
from ...physics.constants import CESM_P0
from .fields import planted_fields
from .grid import time_axis
from .params import ALL_MONTHS, SyntheticWaccmParameters

if TYPE_CHECKING:
    import xarray as xr

log = logging.getLogger(__name__)


def history_file_names(
    *, case: str, year: int, samples_per_day: int, months: Sequence[int] = ALL_MONTHS
) -> list[str]:
    """File names the generator writes, in month order.

    Light enough for the workflow to call when it is parsed (the rule file
    passes the values of config ``model.synthetic``).

    Parameters
    ----------
    case : str
        CESM case name (file-name prefix).
    year : int
        Model year.
    samples_per_day : int
        0: monthly means (tape h0); n > 0: instantaneous records (tape h1).
    months : sequence of int
        Calendar months, one file each (default all twelve, as the workflow).

    Returns
    -------
    list of str
        ``{case}.cam.h0.YYYY-MM.nc`` (monthly means) or
        ``{case}.cam.h1.YYYY-MM-15-00000.nc`` (instantaneous).
    """
    if samples_per_day == 0:
        return [f"{case}.cam.h0.{year:04d}-{m:02d}.nc" for m in months]
    return [f"{case}.cam.h1.{year:04d}-{m:02d}-15-00000.nc" for m in months]


def _file_names(params: SyntheticWaccmParameters) -> list[str]:
    """:func:`history_file_names` of a parameter set."""
    return history_file_names(
        case=params.case,
        year=params.year,
        samples_per_day=params.samples_per_day,
        months=params.months,
    )


#: CAM attributes of the 3-D fields written.
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
    params: SyntheticWaccmParameters,
    *,
    truth_name: str = "planted_truth.nc",
) -> tuple[list[Path], xr.Dataset]:
    """Write the synthetic WACCM history files (one per month) and the planted truth.

    Parameters
    ----------
    outdir : path-like
        Output directory (created).
    params : SyntheticWaccmParameters
        Planted truth and layout.
    truth_name : str
        File name of the planted-truth netCDF written beside the history files
        (empty string: not written).

    Returns
    -------
    paths : list of pathlib.Path
        History files in month order.
    truth : xarray.Dataset
        Planted truth on (month, plev, lat) (see
        :func:`~estransport.synthetic.waccm.fields.planted_fields`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    fields = planted_fields(params)
    times = time_axis(params)
    n = max(params.samples_per_day, 1)
    paths = []
    for i, name in enumerate(_file_names(params)):
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
