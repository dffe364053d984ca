"""What the jobs ask the scheduler for (``mem_mb``, ``runtime``), from the size of their input.

One rule for every computed request (issue 12, "resources that follow the input";
PyPSA-Eur computes its requests from the network size the same way): a job's cost is
a measured line in the size of what it reads, and the request is that cost times a
stated safety factor (:func:`request`). The COSMIC jobs
(:func:`estransport.steps.cosmic.resources`) count days and members; the model jobs
(:func:`model_resources`) count grid points, from the generator's configuration or
from the headers of the placed history files (:func:`model_grid`), never from the
data.

Light on purpose: ``workflow/rules/common.smk`` imports it while the DAG is built, so
it loads neither xarray nor netCDF4 unless a placed netCDF-4 file must be read.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MODEL_COSTS",
    "ModelCost",
    "ModelGrid",
    "model_grid",
    "model_resources",
    "request",
    "step_points",
]

#: Shortest runtime requested (minutes): a slow node start does not kill a short job.
MIN_RUNTIME_MIN = 5


def request(mem_mb: float, seconds: float, *, safety_factor: float) -> dict[str, int]:
    """A job's request from its estimated cost: both times the safety factor, rounded up.

    Parameters
    ----------
    mem_mb : float
        Estimated peak resident memory, MB.
    seconds : float
        Estimated wall time, s.
    safety_factor : float
        Multiplies both (``cosmic.resources.safety_factor``, ``model.resources.safety_factor``).

    Returns
    -------
    dict
        ``{"mem_mb": int, "runtime": int}``, runtime in minutes, at least
        :data:`MIN_RUNTIME_MIN`.
    """
    factor = float(safety_factor)
    return {
        "mem_mb": int(math.ceil(factor * mem_mb)),
        "runtime": max(MIN_RUNTIME_MIN, int(math.ceil(factor * seconds / 60.0))),
    }


# --- the model rules (model.smk, transport.smk) ---


@dataclass(frozen=True)
class ModelGrid:
    """Size of the model run the model rules read.

    Attributes
    ----------
    n_records : int
        History time records of the run (all files).
    n_lev : int
        Model levels (midpoints).
    n_lat, n_lon : int
        Horizontal grid (an unstructured grid's ``ncol`` as ``n_lat``, ``n_lon`` = 1).
    n_alt : int
        Altitudes of the model state (``model.altitude_km``).
    """

    n_records: int
    n_lev: int
    n_lat: int
    n_lon: int
    n_alt: int

    @property
    def history_points(self) -> int:
        """Points of one history field over the run: records x levels x lat x lon."""
        return self.n_records * self.n_lev * self.n_lat * self.n_lon

    @property
    def state_points(self) -> int:
        """Points of one state field over the run: records x altitudes x lat x lon."""
        return self.n_records * self.n_alt * self.n_lat * self.n_lon


@dataclass(frozen=True)
class ModelCost:
    """Measured cost of one model step: peak = mb + mb_per_mpoint x Mpoints, likewise time.

    ``memory`` and ``time`` name the points each follows: ``"history"`` or ``"state"``
    (:class:`ModelGrid`) over the whole run, or ``"history_record"``, one record's
    history points (a step that streams record by record and keeps only small results).
    """

    memory: str
    time: str
    mb: float
    mb_per_mpoint: float
    s: float
    s_per_mpoint: float


#: Cost lines of the model steps (``Mpoints`` = million points of :class:`ModelGrid`, as
#: named by :class:`ModelCost`), from tools/benchmark_model_resources.py on the
#: development machine (2 cores shared with other work, load average up to 9, 2 dask
#: threads): synthetic runs of 12 monthly means at 5x10, 2.5x5 and 2x2.5 degrees (36 x 36
#: to 90 x 144, 87 levels; 1.35 to 13.5 Mpoints of history), 2x2.5 with 4 months, and
#: WACCM's f19 layout (96 x 144 x 70 levels, 11.6 Mpoints). Each line has the
#: least-squares slope, raised until no measured peak or wall time lies above it, rounded
#: up; the table is in config/README.md, "Model job resources". Every 4-D product below
#: 2 GiB is computed in memory before it is written (io.atomic.STABLE_BYTES_LIMIT, for
#: stable bytes), so memory grows with the whole run (2x2.5 with 4 months peaks as 2.5x5
#: with 12 does) and model_state's with its output, the state (70 or 87 levels peak
#: alike at equal state points); model_tem keeps only zonal means and grows with one
#: record. Above that limit a job streams by time step and its line overestimates.
MODEL_COSTS: dict[str, ModelCost] = {
    "model_synthetic_history": ModelCost("history", "history", 210.0, 80.0, 10.0, 2.1),
    "model_state": ModelCost("state", "history", 240.0, 360.0, 10.0, 3.0),
    "model_drift": ModelCost("state", "state", 690.0, 210.0, 31.0, 3.8),
    "model_tem": ModelCost("history_record", "history", 225.0, 460.0, 8.0, 0.5),
    "fe_flux": ModelCost("state", "state", 340.0, 80.0, 10.0, 1.6),
    "residual_drift": ModelCost("state", "state", 240.0, 10.0, 15.0, 0.0),
}


def step_points(step: str, grid: ModelGrid, *, memory: bool = False) -> float:
    """The points a model step's time (or, ``memory=True``, its memory) follows
    (:data:`MODEL_COSTS`)."""
    cost = MODEL_COSTS[step]
    kind = cost.memory if memory else cost.time
    if kind == "history_record":
        return grid.history_points / grid.n_records
    return float(grid.history_points if kind == "history" else grid.state_points)


def model_resources(model: Mapping[str, Any], step: str, *, grid: ModelGrid) -> dict[str, int]:
    """mem_mb and runtime (minutes) of a model job, from the size of the model run.

    Parameters
    ----------
    model : mapping
        The ``model`` configuration (``resources.safety_factor``).
    step : str
        A key of :data:`MODEL_COSTS` (the rule's name).
    grid : ModelGrid
        The run's size (:func:`model_grid`).

    Returns
    -------
    dict
        ``{"mem_mb": int, "runtime": int}``: the step's cost line at the grid's points,
        times ``model.resources.safety_factor`` (:func:`request`).
    """
    if step not in MODEL_COSTS:
        raise ValueError(f"unknown model step {step!r}; known: {sorted(MODEL_COSTS)}")
    cost = MODEL_COSTS[step]
    return request(
        cost.mb + cost.mb_per_mpoint * step_points(step, grid, memory=True) / 1e6,
        cost.s + cost.s_per_mpoint * step_points(step, grid) / 1e6,
        safety_factor=model["resources"]["safety_factor"],
    )


def model_grid(
    model: Mapping[str, Any], history: Sequence[str | os.PathLike], *, months: int | None = None
) -> ModelGrid:
    """The size of the model run, without reading any data.

    Parameters
    ----------
    model : mapping
        The ``model`` configuration: ``source``, ``altitude_km``, and for the
        synthetic source ``synthetic`` and ``msis``.
    history : sequence of path-like
        The placed history files (``model.source: files``); ignored for the
        synthetic source, whose files may not exist yet.
    months : int, optional
        Synthetic source only: months written (default 12, the workflow's run).

    Returns
    -------
    ModelGrid
        Synthetic: the generator's grid (its levels from the hybrid coefficients).
        Files: levels, latitudes and longitudes from the first file's header, and
        the records of the first file scaled by the total size over its size
        (every file of a run holds the same fields).
    """
    import numpy as np

    alt = model["altitude_km"]
    n_alt = int(np.floor((alt["max"] - alt["min"]) / alt["step"] + 1e-9)) + 1
    if model["source"] == "synthetic":
        from ..synthetic.waccm.grid import hybrid_coefficients, latitudes, longitudes
        from .model import synthetic_waccm_parameters

        p = synthetic_waccm_parameters(model["synthetic"], model["msis"])
        per_month = max(int(p.samples_per_day), 1)
        return ModelGrid(
            n_records=per_month * (12 if months is None else int(months)),
            n_lev=int(hybrid_coefficients(p)["hyam"].size),
            n_lat=int(latitudes(p).size),
            n_lon=int(longitudes(p).size),
            n_alt=n_alt,
        )
    paths = [os.fspath(h) for h in history]
    if not paths:
        raise ValueError("no history files to size the model jobs from")
    dims = _header_dims(paths[0])
    first = os.path.getsize(paths[0])
    total = sum(os.path.getsize(h) for h in paths)
    records = max(1, round(dims.get("time", 1) * total / max(first, 1)))
    n_lat = dims.get("lat", dims.get("ncol", 1))
    return ModelGrid(
        n_records=int(records),
        n_lev=int(dims.get("lev", 1)),
        n_lat=int(n_lat),
        n_lon=int(dims.get("lon", 1)),
        n_alt=n_alt,
    )


def _header_dims(path: str) -> dict[str, int]:
    """Dimension lengths of a netCDF file from its header (netCDF-3 decoded here, netCDF-4
    through the netCDF4 library); the record dimension counts its records."""
    from ..io.netcdf3 import _HDF5_MAGIC, HeaderTruncatedError, read_header

    size = 1 << 16
    with open(path, "rb") as f:
        while True:
            f.seek(0)
            buf = f.read(size)
            if buf.startswith(_HDF5_MAGIC):
                import netCDF4

                with netCDF4.Dataset(path) as nc:
                    return {name: len(d) for name, d in nc.dimensions.items()}
            try:
                header = read_header(buf, path=path)
            except HeaderTruncatedError as err:
                if len(buf) < size:  # the whole file was read: a corrupt header
                    raise
                size = max(err.needed, 2 * size)
                continue
            return {
                name: int(header.numrecs or 0) if d.unlimited else int(d.size)
                for name, d in header.dimensions.items()
            }
