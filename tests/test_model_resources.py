"""The model jobs' mem_mb and runtime follow the size of the run (issue 12, item 3).

Unit tests of :mod:`estransport.steps.resources` (the cost lines, the safety factor,
the grid read from the configuration or from file headers) and one dry run that shows
two grid sizes give two requests. No timing and no memory measurement here: the
measured peaks below are the ones tools/benchmark_model_resources.py printed (the
table in docs/architecture.md), and the test checks the requests cover them.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from estransport.config import validate_config
from estransport.steps.resources import (
    MODEL_COSTS,
    ModelGrid,
    model_grid,
    model_resources,
    request,
    step_points,
)

from .workflow_helpers import deep_update, default_config, make_workdir, snakemake

#: Peak RSS in MB measured by tools/benchmark_model_resources.py (2 dask threads) at
#: synthetic grids: (lat step, lon step, months, dlnp_upper). dlnp_upper 0.2 gives 87
#: levels, 0.26 gives WACCM's 70 (1.875 x 2.5 degrees: the f19 grid, 96 x 144).
MEASURED_PEAK_MB = {
    (5.0, 10.0, 12, 0.2): {
        "model_synthetic_history": 302,
        "model_state": 534,
        "model_drift": 494,
        "model_tem": 238,
        "fe_flux": 336,
        "residual_drift": 241,
    },
    (2.5, 5.0, 12, 0.2): {
        "model_synthetic_history": 629,
        "model_state": 1347,
        "model_drift": 1397,
        "model_tem": 390,
        "fe_flux": 667,
        "residual_drift": 271,
    },
    (2.0, 2.5, 12, 0.2): {
        "model_synthetic_history": 1276,
        "model_state": 4162,
        "model_drift": 2862,
        "model_tem": 736,
        "fe_flux": 1165,
        "residual_drift": 339,
    },
    (2.0, 2.5, 4, 0.2): {
        "model_synthetic_history": 568,
        "model_state": 1262,
        "model_drift": 1451,
        "model_tem": 664,
        "fe_flux": 620,
        "residual_drift": 273,
    },
    (1.875, 2.5, 12, 0.26): {
        "model_synthetic_history": 1124,
        "model_state": 4020,
        "model_drift": 2768,
        "model_tem": 635,
        "fe_flux": 1169,
        "residual_drift": 351,
    },
}


def _model(**over) -> dict:
    return validate_config(deep_update(default_config(), {"model": over}))["model"]


def _grid(lat: float, lon: float, months: int = 12, dlnp_upper: float = 0.2) -> ModelGrid:
    """The generator's grid; set after validation, as the benchmark does (1.875 degrees,
    the f19 grid, is not one of the schema's steps)."""
    model = _model()
    model["synthetic"].update(lat_step_deg=lat, lon_step_deg=lon, dlnp_upper=dlnp_upper)
    return model_grid(model, [], months=months)


def test_the_f19_layout_is_waccms():
    """1.875 x 2.5 degrees and dlnp_upper 0.26: WACCM's f19 grid, 96 x 144 x 70 levels."""
    g = _grid(1.875, 2.5, 12, 0.26)
    assert (g.n_lat, g.n_lon, g.n_lev) == (96, 144, 70)


def test_the_default_grid_is_the_generators():
    g = model_grid(_model(), [])
    # 5 x 10 degree cell centres, 87 hybrid levels (model.synthetic defaults),
    # 71 altitudes 80-150 km every 1 km, 12 monthly means
    assert (g.n_lat, g.n_lon, g.n_lev, g.n_alt, g.n_records) == (36, 36, 87, 71, 12)
    assert g.history_points == 12 * 87 * 36 * 36
    assert g.state_points == 12 * 71 * 36 * 36
    h1 = model_grid(_model(synthetic={"samples_per_day": 4}), [])
    assert h1.n_records == 48  # four UTs on the 15th of each month


@pytest.mark.parametrize("step", sorted(MODEL_COSTS))
def test_requests_grow_with_the_grid(step):
    grids = [_grid(5, 10), _grid(2.5, 5), _grid(2, 2.5), _grid(1, 2.5)]
    points = [step_points(step, g) for g in grids]
    assert points == sorted(points) and len(set(points)) == 4
    mem = [model_resources(_model(), step, grid=g)["mem_mb"] for g in grids]
    runtime = [model_resources(_model(), step, grid=g)["runtime"] for g in grids]
    assert all(b > a for a, b in zip(mem, mem[1:], strict=False)), mem
    assert all(b >= a for a, b in zip(runtime, runtime[1:], strict=False)), runtime
    assert runtime[0] >= 5  # the floor: a slow node start does not kill a short job


@pytest.mark.parametrize("step", sorted(MODEL_COSTS))
def test_the_safety_factor_multiplies_the_cost_line(step):
    grid = _grid(2, 2.5)
    cost = MODEL_COSTS[step]
    xm = step_points(step, grid, memory=True) / 1e6
    xt = step_points(step, grid) / 1e6
    points = {
        "history": grid.history_points,
        "state": grid.state_points,
        "history_record": grid.history_points / grid.n_records,
    }
    assert (xm, xt) == (points[cost.memory] / 1e6, points[cost.time] / 1e6)
    for factor in (1.0, 1.5, 3.0):
        got = model_resources(_model(resources={"safety_factor": factor}), step, grid=grid)
        assert got["mem_mb"] == int(np.ceil(factor * (cost.mb + cost.mb_per_mpoint * xm)))
        assert got["runtime"] == max(
            5, int(np.ceil(factor * (cost.s + cost.s_per_mpoint * xt) / 60))
        )


def test_a_config_override_changes_the_request():
    base = model_resources(_model(), "model_state", grid=_grid(5, 10))
    doubled = model_resources(
        _model(resources={"safety_factor": 3.0}), "model_state", grid=_grid(5, 10)
    )
    assert doubled["mem_mb"] == pytest.approx(2 * base["mem_mb"], abs=1)  # 3.0 / 1.5
    finer = model_resources(_model(), "model_state", grid=_grid(2.5, 5))
    assert finer["mem_mb"] > base["mem_mb"]


def test_request_rounds_up_and_floors_the_runtime():
    assert request(100.1, 1.0, safety_factor=1.0) == {"mem_mb": 101, "runtime": 5}
    assert request(100.0, 600.0, safety_factor=2.0) == {"mem_mb": 200, "runtime": 20}
    with pytest.raises(ValueError, match="unknown model step"):
        model_resources(_model(), "model_nothing", grid=_grid(5, 10))


@pytest.mark.parametrize("size", sorted(MEASURED_PEAK_MB))
def test_requests_cover_the_measured_peaks(size):
    """Each cost line lies on or above every measured peak, so at the schema's safety
    factor every request is at least that factor times its peak."""
    model = _model()
    factor = model["resources"]["safety_factor"]
    assert factor >= 1.5
    grid = _grid(*size)
    assert set(MEASURED_PEAK_MB[size]) == set(MODEL_COSTS)
    for step, peak in MEASURED_PEAK_MB[size].items():
        mem = model_resources(model, step, grid=grid)["mem_mb"]
        assert mem >= factor * peak, (size, step, mem, peak)


def test_a_placed_netcdf3_run_is_sized_from_its_headers(tmp_path):
    """Levels, lat and lon from the first header; records scaled by the files' total size."""
    import netCDF4

    paths = []
    for month in (1, 2, 3):
        path = tmp_path / f"run.cam.h0.2008-{month:02d}.nc"
        with netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET") as nc:
            for name, n in (("time", None), ("lev", 70), ("lat", 96), ("lon", 144)):
                nc.createDimension(name, n)
            t = nc.createVariable("T", "f4", ("time", "lev", "lat", "lon"))
            t[0:2] = np.zeros((2, 70, 96, 144), "f4")  # two records a file
        paths.append(path)
    g = model_grid(_model(source="files"), paths)
    assert (g.n_lev, g.n_lat, g.n_lon, g.n_alt) == (70, 96, 144, 71)
    assert g.n_records == 6
    assert model_grid(_model(source="files"), paths[:1]).n_records == 2


@pytest.mark.realdata
def test_a_real_cesm_netcdf4_file_is_sized_from_its_header(realdata):
    """The real CESM1 h0 subset (netCDF-4): 3 months of T on 30 levels, 192 x 288."""
    path = realdata("cesm/c.fpzip.cam-fv.T.3months.nc")
    g = model_grid(_model(source="files"), [path])
    assert (g.n_records, g.n_lev, g.n_lat, g.n_lon) == (3, 30, 192, 288)


def test_a_dry_run_requests_more_for_a_finer_grid(tmp_path):
    """What a cluster profile sees: the model jobs' mem_mb and runtime in the dry run."""
    requests = {}
    for latlon in ((5.0, 10.0), (2.0, 2.5)):
        wd = make_workdir(
            tmp_path / f"g{latlon[0]}",
            None,
            {"model": {"synthetic": {"lat_step_deg": latlon[0], "lon_step_deg": latlon[1]}}},
        )
        out = snakemake(wd, "--dry-run", "--cores", "2", "results/flux/fe_flux.nc").stdout
        got = {}
        for job in re.split(r"\n(?=\[[^\]]+\]\nrule \w+:)", out):
            rule = re.search(r"^rule (\w+):", job, flags=re.M)
            res = re.search(r"^\s+resources: (.*)$", job, flags=re.M)
            if rule and res:
                kv = dict(re.findall(r"(\w+)=([^,]+)", res.group(1)))
                got[rule.group(1)] = (int(kv["mem_mb"]), int(kv["runtime"]))
        assert {"model_state", "model_drift", "fe_flux"} <= set(got), out
        requests[latlon] = got
    model = _model()
    for step in ("model_synthetic_history", "model_state", "model_drift", "fe_flux"):
        coarse, fine = requests[(5.0, 10.0)][step], requests[(2.0, 2.5)][step]
        assert fine[0] > coarse[0], (step, coarse, fine)
        assert coarse == tuple(model_resources(model, step, grid=_grid(5, 10)).values())


def test_more_records_grow_every_request_but_the_tems_memory():
    """Four instantaneous records a month (h1) instead of one mean: the state and drift
    hold the whole run before writing, TEM keeps zonal means of one record at a time."""
    h0 = model_grid(_model(), [])
    h1 = model_grid(_model(synthetic={"samples_per_day": 4}), [])
    assert h1.n_records == 4 * h0.n_records
    model = _model()
    for step in ("model_state", "model_drift", "fe_flux"):
        assert (
            model_resources(model, step, grid=h1)["mem_mb"]
            > model_resources(model, step, grid=h0)["mem_mb"]
        )
    assert (
        model_resources(model, "model_tem", grid=h1)["mem_mb"]
        == model_resources(model, "model_tem", grid=h0)["mem_mb"]
    )
