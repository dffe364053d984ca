"""Steps of the Monte Carlo validation (rules in ``workflow/rules/validation.smk``).

Each step reads its config sections from ``job.params`` and calls the library
(:mod:`estransport.validation`, :mod:`estransport.plotting.validation`) with explicit
keyword arguments.
"""

from __future__ import annotations

import logging
import math

import pandas as pd

from ..geomag import geomagnetic_epoch
from ..io.atomic import atomic_path, write_csv
from ..ionosonde.stations import load_stations
from ..plotting.validation import plot_ionosonde_validation
from ..validation import cosmic_mc
from ..validation import ionosonde_mc as mc
from ..validation.ionosonde_shortcut import ReductionParams
from ..validation.metrics import headline_summary
from ..validation.report import validation_html
from . import RuleJob
from .ionosonde import planted_truth

logger = logging.getLogger(__name__)

#: Significant digits of the CSV outputs.
FLOAT_FORMAT = "%.6g"


def reduction_params(ionosonde: dict) -> ReductionParams:
    """The hourly, daily and peak choices of an ``ionosonde`` config section."""
    a = ionosonde["analysis"]
    return ReductionParams(
        confidence_filter=str(ionosonde["confidence_filter"]),
        min_confidence=int(ionosonde["min_confidence"]),
        keep_unknown_confidence=bool(ionosonde["keep_unknown_confidence"]),
        hourly_method=str(ionosonde["hourly"]["method"]),
        tolerance_min=float(ionosonde["hourly"]["tolerance_min"]),
        min_hours_per_day=int(a["min_hours_per_day"]),
        window_days=int(a["window_days"]),
        smoothing_min_coverage=float(a["smoothing_min_coverage"]),
        summer_window_doy=tuple(int(d) for d in a["summer_window_doy"]),
        min_year_coverage=float(a["min_year_coverage"]),
        edge_peaks=str(a["edge_peaks"]),
    )


def ionosonde_configuration(job: RuleJob) -> None:
    """Rule ``validation_ionosonde_configuration``: every seed of one configuration.

    Reads ``job.input.stations`` (the variant's registry), ``job.params.configuration``
    (``variant`` and ``slope``), ``job.params.validation`` and ``job.params.ionosonde``;
    writes ``job.output.per_seed`` (one row per seed and estimator).
    """
    val = job.params.validation
    iono = job.params.ionosonde
    variant = job.params.configuration["variant"]
    spec = val["ionosonde"]["variants"][variant]
    base = planted_truth(iono["synthetic"])
    cfg = mc.make_configuration(
        variant=variant,
        slope_deg_per_day=float(job.params.configuration["slope"]),
        stations=load_stations(job.input.stations),
        years_per_chain={k: tuple(v) for k, v in iono["synthetic"]["years"].items()},
        n_years=spec["years"],
        truth=base,
        truth_overrides=dict(spec["truth"]),
        params=reduction_params(iono),
        estimators=tuple(val["ionosonde"]["estimators"]),
        bootstrap_samples=int(val["ionosonde"]["bootstrap_samples"]),
        bootstrap_method=str(iono["analysis"]["bootstrap_method"]),
        ci_level=float(iono["analysis"]["ci_level"]),
    )
    first = int(val["first_seed"])
    seeds = range(first, first + int(val["seeds"]))
    table = mc.run_configuration(cfg, seeds, workers=job.threads)
    write_csv(table, job.output.per_seed, float_format=FLOAT_FORMAT)


def ionosonde_summary(job: RuleJob) -> None:
    """Rule ``validation_ionosonde_summary``: bias, RMSE and coverage; the default run's split.

    Reads every ``job.input.per_seed`` table and the default run's ``job.input.peaks``;
    writes ``job.output.summary`` (:func:`mc.summarise_per_seed`) and
    ``job.output.default_run`` (:func:`mc.default_run_split`).
    """
    per_seed = pd.concat([pd.read_csv(p) for p in job.input.per_seed], ignore_index=True)
    summary = mc.summarise_per_seed(per_seed)
    write_csv(summary, job.output.summary, float_format=FLOAT_FORMAT)
    iono = job.params.ionosonde
    planted = float(iono["synthetic"]["slope_deg_per_day"])
    split = mc.default_run_split(
        pd.read_csv(job.input.peaks),
        per_seed,
        planted_deg_per_day=planted,
        configuration=mc.configuration_name("default", planted),
        estimators=tuple(job.params.validation["ionosonde"]["estimators"]),
        ci_level=float(iono["analysis"]["ci_level"]),
        bootstrap_samples=int(iono["analysis"]["bootstrap_samples"]),
        bootstrap_method=str(iono["analysis"]["bootstrap_method"]),
        seed=int(job.params.seed),
    )
    write_csv(split, job.output.default_run, float_format=FLOAT_FORMAT)
    for row in split.itertuples():
        logger.info(
            "default run, %s: %.3f deg/day (%+.1f %%), bias %+.1f %% +- %.1f %%, chance %+.2f sd",
            row.estimator,
            row.estimate_deg_per_day,
            100 * row.relative_error,
            100 * row.mc_relative_bias,
            100 * row.mc_relative_bias_mcse,
            row.chance_in_sd,
        )


def ionosonde_figure(job: RuleJob) -> None:
    """Rule ``validation_ionosonde_figure``: estimates against the planted drift over seeds.

    Draws the ``default`` variant (the default station set at every planted slope) with
    the configured interval kind; writes ``job.output.png`` and ``job.output.extra``.
    """
    per_seed = pd.concat([pd.read_csv(p) for p in job.input.per_seed], ignore_index=True)
    analysis = job.params.ionosonde["analysis"]
    plot_ionosonde_validation(
        per_seed,
        pd.read_csv(job.input.summary),
        job.output.png,
        job.output.extra,
        variant="default",
        estimators=tuple(job.params.validation["ionosonde"]["estimators"]),
        interval=str(analysis["interval"]),
        default_estimator=str(analysis["estimator"]),
        dpi=int(job.params.figures["dpi"]),
    )


def cosmic_setup(cosmic: dict, transport: dict, validation: dict) -> cosmic_mc.CosmicSetup:
    """The COSMIC Monte Carlo setup from the ``cosmic``, ``transport`` and ``validation`` sections."""
    res = float(cosmic["maps"]["resolution_deg"])
    extra = float(validation["cosmic"]["extra_resolution_deg"])
    n_min = int(validation["cosmic"]["min_events_per_cell"])
    resolutions = (res,) if extra == res else (res, extra)
    return cosmic_mc.CosmicSetup(
        years=tuple(int(y) for y in cosmic["years"]),
        day_step=int(cosmic["day_step"]),
        arcs_per_day=int(cosmic["synthetic"]["arcs_per_day"]),
        es_fraction=float(cosmic["synthetic"]["es_fraction"]),
        fill_fraction=float(cosmic["synthetic"]["fill_fraction"]),
        empty_member_fraction=float(cosmic["synthetic"]["empty_member_fraction"]),
        altitude_km=(
            float(cosmic["qc"]["altitude_km"]["min"]),
            float(cosmic["qc"]["altitude_km"]["max"]),
        ),
        s4max_range=(float(cosmic["qc"]["s4max"]["min"]), float(cosmic["qc"]["s4max"]["max"])),
        map_resolutions_deg=resolutions,
        complete_winters_only=bool(cosmic["maps"]["complete_winters_only"]),
        smoothing_cells=int(cosmic["maps"]["smoothing_cells"]),
        # the same minimum number of events per unit area at every resolution
        min_count_compare=tuple(max(1, round(n_min * (r / res) ** 2)) for r in resolutions),
        lat_resolution_deg=float(cosmic["monthly"]["lat_resolution_deg"]),
        alt_resolution_km=float(cosmic["monthly"]["alt_resolution_km"]),
        monthly_min_count=int(cosmic["monthly"]["min_count"]),
        min_valid_fraction=float(cosmic["monthly"]["min_valid_fraction"]),
        es_band_threshold=float(transport["es_band"]["threshold"]),
        trough_maglat_deg=(
            float(transport["winter_trough"]["geomagnetic_lat_deg"]["min"]),
            float(transport["winter_trough"]["geomagnetic_lat_deg"]["max"]),
        ),
    )


def cosmic_headline(job: RuleJob) -> None:
    """Rule ``validation_cosmic``: the COSMIC headline numbers over seeds and their summary.

    Writes ``job.output.per_seed`` (seed, quantity, resolution, value) and
    ``job.output.summary`` (:func:`headline_summary` against the planted values: the
    planted trough and band edges, and 1 for a map's correlation and median ratio).
    """
    val = job.params.validation
    setup = cosmic_setup(job.params.cosmic, job.params.transport, val)
    truth = cosmic_mc.PlantedEsClimatology()
    epoch = geomagnetic_epoch(setup.years)  # as the trough rows and Fig. 2a,b
    first = int(val["first_seed"])
    seeds = range(first, first + int(val["cosmic"]["seeds"]))
    per_seed = cosmic_mc.run_seeds(setup, seeds, truth, epoch=epoch, workers=job.threads)
    write_csv(per_seed, job.output.per_seed, float_format=FLOAT_FORMAT)
    planted = cosmic_mc.planted_rows(setup, truth, epoch=epoch)
    reference = {}
    for q, res in per_seed[["quantity", "resolution"]].drop_duplicates().itertuples(index=False):
        if "correlation" in q or "median recovered/planted" in q:
            reference[(q, res)] = 1.0
        else:
            reference[(q, res)] = planted.get(q, math.nan)
    write_csv(headline_summary(per_seed, reference), job.output.summary, float_format=FLOAT_FORMAT)


def table(job: RuleJob) -> None:
    """Rule ``validation_table``: the validation tables as one HTML page for the report.

    Reads ``job.input.ionosonde_summary``, ``job.input.default_run`` and every
    ``job.input.headline`` summary; writes ``job.output.table``.
    """
    analysis = job.params.ionosonde["analysis"]
    headline = pd.concat([pd.read_csv(p) for p in job.input.headline], ignore_index=True)
    page = validation_html(
        pd.read_csv(job.input.ionosonde_summary),
        pd.read_csv(job.input.default_run),
        default_estimator=str(analysis["estimator"]),
        default_interval=str(analysis["interval"]),
        headline=headline,
    )
    with atomic_path(job.output.table) as tmp:
        tmp.write_text(page, encoding="utf-8")


def model_headline(job: RuleJob) -> None:
    """Rule ``validation_model``: TEM and V-driven Fe+ flux against the planted fields.

    Reads ``job.input.tem``, ``job.input.flux`` and ``job.input.truth``
    (``planted_truth.nc``); params ``model`` (``model.synthetic``, ``model.msis``) and
    ``transport``; writes ``job.output.summary`` (:data:`metrics.HEADLINE_COLUMNS`, one
    "seed": the generator has no noise).
    """
    from ..io.datasets import open_dataset
    from ..validation import model_headline as mh
    from .model import synthetic_waccm_parameters

    m, t = job.params.model, job.params.transport
    params = synthetic_waccm_parameters(m["synthetic"], m["msis"])
    with (
        open_dataset(job.input.tem) as tem,
        open_dataset(job.input.truth) as truth,
        open_dataset(job.input.flux) as flux,
    ):
        rows = mh.tem_rows(tem.load(), truth.load())
        rows += mh.flux_rows(
            flux,
            truth,
            params,
            level_km=float(t["flux"]["level_km"]),
            months=[int(x) for x in t["convergence"]["months"]],
            altitude_km=(
                float(t["convergence"]["altitude_km"]["min"]),
                float(t["convergence"]["altitude_km"]["max"]),
            ),
            threshold=float(t["convergence"]["threshold"]),
        )
    per_seed = pd.DataFrame([{**r, "seed": 0} for r in rows])
    reference = {(r["quantity"], r["resolution"]): r["truth"] for r in rows}
    write_csv(headline_summary(per_seed, reference), job.output.summary, float_format=FLOAT_FORMAT)
