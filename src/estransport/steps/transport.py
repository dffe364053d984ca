"""Steps of the Fe+ transport rules (workflow/rules/transport.smk) and the paper's numbers.

=================  ===========================================================
rule               step
=================  ===========================================================
``fe_flux``        :func:`fe_flux`: state.nc + drift.nc -> fe_flux.nc
``flux_range``     :func:`flux_range`: fe_flux.nc -> flux_106km_range.csv
``residual_drift`` :func:`residual_drift`: tem.nc + state.nc + drift.nc ->
                   residual_drift_monthly.nc
``paper_numbers``  :func:`paper_numbers`: the products above + the COSMIC
                   climatologies + the ionosonde regression -> paper_numbers.csv
=================  ===========================================================

Each step takes the rule's config sections from ``job.params`` (filled with the
schema defaults before any rule runs) and hands them to the library as
explicit keyword arguments. The figures of this slice (Figs. 3 and 4) are in
:mod:`estransport.steps.figures`.
"""

from __future__ import annotations

import logging
import time

from ..daskutil import dask_threads
from ..io.atomic import write_csv, write_netcdf
from ..io.datasets import open_dataset, read_csv
from ..model.state import require_fep
from ..physics.flux import compute_fe_flux, flux_range_table
from ..physics.residual_drift import residual_drift as compute_residual_drift
from ..provenance import provenance_attrs
from ..tables.paper_numbers import build_paper_numbers
from . import RuleJob

log = logging.getLogger(__name__)


def fe_flux(job: RuleJob) -> None:
    """Rule ``fe_flux``: monthly Fe+ flux n(Fe+) v_i (m-2 s-1), its zonal mean, level and divergence.

    Inputs ``state`` (model state with ``n_Fep``, m-3) and ``drift`` (ion
    drift, m s-1); output ``flux`` (``fe_flux.nc``). Param ``level_km``
    (``transport.flux.level_km``). The history times are read one at a time
    with ``job.threads`` dask threads.

    Raises
    ------
    estransport.errors.InputFileError
        The state has no Fe+ (history files without ``Fep``).
    """
    t0 = time.perf_counter()
    level_km = job.params.level_km
    with (
        open_dataset(job.input.state, chunks={"time": 1}) as state,
        open_dataset(job.input.drift, chunks={"time": 1}) as drift,
        dask_threads(job.threads),
    ):
        ds = compute_fe_flux(
            require_fep(state, job.input.state),
            drift[["v_ion_total", "w_ion_total", "v_ion", "w_ion"]],
            level_km=float(level_km),
        )
    ds.attrs.update(
        provenance_attrs(
            {"flux": {"level_km": level_km}}, [job.input.state, job.input.drift], step="fe_flux"
        )
    )
    write_netcdf(ds, job.output.flux)
    log.info("wrote %s in %.1f s", job.output.flux, time.perf_counter() - t0)


def flux_range(job: RuleJob) -> None:
    """Rule ``flux_range``: range of the meridional flux at the map level, one row per month.

    Input ``flux`` (``fe_flux.nc``); output ``ranges`` (CSV, m-2 s-1,
    :func:`estransport.physics.flux.flux_range_table`). Param ``range``
    (``transport.range``: method, percentiles, area_weighted).
    """
    rng = job.params.range
    with open_dataset(job.input.flux) as ds:
        table = flux_range_table(
            ds[["flux_north_level"]].load(),
            method=rng["method"],
            percentiles=tuple(rng["percentiles"]),
            area_weighted=bool(rng["area_weighted"]),
        )
    write_csv(table, job.output.ranges, index=False, float_format="%.4g")
    log.info(
        "wrote %s (%d months, %s)", job.output.ranges, len(table), table["range_method"].iloc[0]
    )


def residual_drift(job: RuleJob) -> None:
    """Rule ``residual_drift``: monthly Fe+ drift driven by the zonal-mean residual circulation.

    Inputs ``tem`` (v*, w*), ``state`` (U) and ``drift`` (I, D, r_i); output
    ``residual`` (``residual_drift_monthly.nc``, m s-1). Param
    ``residual_drift`` (``transport.residual_drift``: altitude_km min, max).
    """
    t0 = time.perf_counter()
    cfg = job.params.residual_drift
    altitude_km = (float(cfg["altitude_km"]["min"]), float(cfg["altitude_km"]["max"]))
    with (
        open_dataset(job.input.tem) as tem,
        open_dataset(job.input.state, chunks={"time": 1}) as state,
        open_dataset(job.input.drift, chunks={"time": 1}) as drift,
    ):
        ds = compute_residual_drift(
            tem[["v_star", "w_star"]],
            state[["U"]],
            drift[["inclination", "declination", "r_i"]],
            altitude_km=altitude_km,
        )
    ds.attrs.update(
        provenance_attrs(
            {"residual_drift": cfg},
            [job.input.tem, job.input.state, job.input.drift],
            step="residual_drift",
        )
    )
    write_netcdf(ds, job.output.residual)
    log.info(
        "wrote %s (%d months) in %.1f s",
        job.output.residual,
        ds.sizes["month"],
        time.perf_counter() - t0,
    )


def paper_numbers(job: RuleJob) -> None:
    """Rule ``paper_numbers``: this run's values of the numbers the paper quotes.

    Inputs ``residual``, ``flux``, ``ranges``, ``monthly``, ``maps_djf``,
    ``maps_jja``, ``regression``; output ``table`` (``paper_numbers.csv``,
    :func:`estransport.tables.paper_numbers.build_paper_numbers`). Params: the
    ``transport`` sections ``flux``, ``range``, ``velocity_region``,
    ``convergence``, ``es_band``, ``winter_trough`` and ``years``
    (``cosmic.years``).
    """
    p = job.params
    vel, conv, trough = p.velocity_region, p.convergence, p.winter_trough["geomagnetic_lat_deg"]
    with (
        open_dataset(job.input.residual) as rd,
        open_dataset(job.input.flux) as fx,
        open_dataset(job.input.monthly) as mo,
        open_dataset(job.input.maps_djf) as djf,
        open_dataset(job.input.maps_jja) as jja,
    ):
        table = build_paper_numbers(
            residual_drift=rd.load(),
            flux=fx[["divergence_meridional_zm", "convergence_zm"]].load(),
            flux_ranges=read_csv(job.input.ranges),
            monthly=mo.load(),
            maps={"DJF": djf.load(), "JJA": jja.load()},
            regression=read_csv(job.input.regression),
            years=list(p.years),
            range_method=p.range["method"],
            range_percentiles=tuple(p.range["percentiles"]),
            range_area_weighted=bool(p.range["area_weighted"]),
            velocity_altitude_km=(
                float(vel["altitude_km"]["min"]),
                float(vel["altitude_km"]["max"]),
            ),
            velocity_lat_deg=(float(vel["lat_deg"]["min"]), float(vel["lat_deg"]["max"])),
            velocity_months=[int(m) for m in vel["months"]],
            velocity_drivers=None if vel["drivers"] is None else list(vel["drivers"]),
            flux_months=[int(m) for m in p.flux["months"]],
            convergence_altitude_km=(
                float(conv["altitude_km"]["min"]),
                float(conv["altitude_km"]["max"]),
            ),
            convergence_months=[int(m) for m in conv["months"]],
            convergence_component=conv["component"],
            convergence_threshold=float(conv["threshold"]),
            es_band_threshold=float(p.es_band["threshold"]),
            trough_maglat_deg=(float(trough["min"]), float(trough["max"])),
        )
    write_csv(table, job.output.table, index=False)
    log.info("wrote %s (%d rows)", job.output.table, len(table))
