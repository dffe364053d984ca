"""Steps of the Monte Carlo validation (rules in ``workflow/rules/validation.smk``).

Each step reads its config sections from ``job.params`` and calls the library
(:mod:`estransport.validation`, :mod:`estransport.plotting.validation`) with explicit
keyword arguments.
"""

from __future__ import annotations

import dataclasses
import logging

import pandas as pd

from ..io.atomic import atomic_path, write_csv
from ..ionosonde.stations import load_stations
from ..plotting.validation import plot_ionosonde_validation
from ..synthetic.ionosonde import PlantedTruth
from ..validation import ionosonde_mc as mc
from ..validation.ionosonde_shortcut import ReductionParams
from ..validation.report import validation_html
from . import RuleJob

logger = logging.getLogger(__name__)

#: Significant digits of the CSV outputs.
FLOAT_FORMAT = "%.6g"


def planted_truth(synthetic: dict) -> PlantedTruth:
    """The planted truth of an ``ionosonde.synthetic`` config section (``years`` aside)."""
    names = {f.name for f in dataclasses.fields(PlantedTruth)}
    return PlantedTruth(**{k: v for k, v in synthetic.items() if k in names})


def reduction_params(ionosonde: dict) -> ReductionParams:
    """The hourly, daily and peak choices of an ``ionosonde`` config section."""
    a = ionosonde["analysis"]
    return ReductionParams(
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
        variant=variant, slope_deg_per_day=float(job.params.configuration["slope"]),
        stations=load_stations(job.input.stations),
        years_per_chain={k: tuple(v) for k, v in iono["synthetic"]["years"].items()},
        n_years=spec["years"], truth=base, truth_overrides=dict(spec["truth"]),
        params=reduction_params(iono), estimators=tuple(val["ionosonde"]["estimators"]),
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
        pd.read_csv(job.input.peaks), per_seed, planted_deg_per_day=planted,
        configuration=mc.configuration_name("default", planted),
        estimators=tuple(job.params.validation["ionosonde"]["estimators"]),
        ci_level=float(iono["analysis"]["ci_level"]),
        bootstrap_samples=int(iono["analysis"]["bootstrap_samples"]),
        bootstrap_method=str(iono["analysis"]["bootstrap_method"]),
        seed=int(job.params.seed),
    )
    write_csv(split, job.output.default_run, float_format=FLOAT_FORMAT)
    page = validation_html(summary, split, default_estimator=iono["analysis"]["estimator"],
                           default_interval=iono["analysis"]["interval"])
    with atomic_path(job.output.table) as tmp:
        tmp.write_text(page, encoding="utf-8")
    for row in split.itertuples():
        logger.info("default run, %s: %.3f deg/day (%+.1f %%), bias %+.1f %% +- %.1f %%, "
                    "chance %+.2f sd", row.estimator, row.estimate_deg_per_day,
                    100 * row.relative_error, 100 * row.mc_relative_bias,
                    100 * row.mc_relative_bias_mcse, row.chance_in_sd)


def ionosonde_figure(job: RuleJob) -> None:
    """Rule ``validation_ionosonde_figure``: estimates against the planted drift over seeds.

    Draws the ``default`` variant (the default station set at every planted slope) with
    the configured interval kind; writes ``job.output.png`` and ``job.output.extra``.
    """
    per_seed = pd.concat([pd.read_csv(p) for p in job.input.per_seed], ignore_index=True)
    analysis = job.params.ionosonde["analysis"]
    plot_ionosonde_validation(
        per_seed, pd.read_csv(job.input.summary), job.output.png, job.output.extra,
        variant="default", estimators=tuple(job.params.validation["ionosonde"]["estimators"]),
        interval=str(analysis["interval"]), default_estimator=str(analysis["estimator"]),
        dpi=int(job.params.figures["dpi"]),
    )
