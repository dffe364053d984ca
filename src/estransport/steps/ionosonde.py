"""Steps of the ionosonde rules (``workflow/rules/ionosonde.smk``; docs/science.md 7).

Raw station-year files (synthetic generator, GIRO or UKSSDC download, or
placed by hand) -> ``results/ionosonde/{station}/hourly.parquet`` -> the
analysis tables ``results/ionosonde/{peaks,station_means,regression}.csv``
and ``daily.parquet``. Figs. 5 and 6 are in :mod:`.figures`.

This module is where the ``ionosonde`` config section is read: the rules pass
its sub-sections as params, and :func:`ionosonde_plan` turns it into the
:class:`~estransport.ionosonde.plan.IonosondePlan` the rules file asks for
station lists, years and file names.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..io.atomic import write_csv, write_parquet
from ..io.datasets import read_csv, read_parquet
from ..ionosonde import analysis
from ..ionosonde.hourly import hourly_and_qc, qc_summary
from ..ionosonde.plan import IonosondePlan
from ..ionosonde.sources import download_giro_year, download_ukssdc_year
from ..ionosonde.stations import Station, load_stations
from ..provenance import provenance_attrs
from ..synthetic.ionosonde import EsEvents, PlantedTruth, generate_station_year
from . import RuleJob

__all__ = [
    "ionosonde_analysis",
    "ionosonde_download_giro",
    "ionosonde_download_ukssdc",
    "ionosonde_hourly",
    "ionosonde_plan",
    "ionosonde_synthetic",
    "planted_truth",
]

logger = logging.getLogger(__name__)


def ionosonde_plan(section: Mapping[str, Any], basedir: str | os.PathLike) -> IonosondePlan:
    """The plan of the ionosonde rules from the validated ``ionosonde`` config section.

    Parameters
    ----------
    section : mapping
        ``config["ionosonde"]`` after :func:`estransport.config.validate_config`.
    basedir : path-like
        The workflow's directory (``workflow.basedir``), where a relative
        ``stations`` path is looked up if it is not found from the working directory.

    Returns
    -------
    IonosondePlan
    """
    return IonosondePlan(
        stations=section["stations"],
        basedir=basedir,
        source=section["source"],
        raw_dir=section["raw_dir"],
        year_range=section["year_range"],
        synthetic_years=section["synthetic"]["years"],
        ukssdc_url_template=section["ukssdc"]["url_template"],
    )


def planted_truth(synthetic: Mapping[str, Any]) -> PlantedTruth:
    """The planted truth of the ``ionosonde.synthetic`` config section (all but ``years``)."""
    return PlantedTruth(**{k: v for k, v in synthetic.items() if k != "years"})


def _station(job: RuleJob) -> Station:
    """The registry row a rule passes as ``params.station`` (a plain mapping)."""
    return Station(**job.params.station)


def es_events(mics_csv, es_response: Mapping[str, Any] | None) -> EsEvents | None:
    """The planted foEs rises after the planted metal-ion-cloud arrivals (docs/science.md §9).

    Parameters
    ----------
    mics_csv : path-like or None
        ``planted_mics.csv`` of the synthetic lidar (column ``arrival_time``, UT).
    es_response : mapping or None
        ``lidar.synthetic.es_response`` (``foEs_rise_MHz``, ``duration_h``).

    Returns
    -------
    EsEvents or None
        None without a table, a response or a positive rise.
    """
    if not mics_csv or not es_response or float(es_response["foEs_rise_MHz"]) <= 0:
        return None
    arrivals = pd.to_datetime(read_csv(mics_csv)["arrival_time"]).dropna()
    return EsEvents(
        times_ut=tuple(arrivals.to_numpy("datetime64[ns]")),
        rise_MHz=float(es_response["foEs_rise_MHz"]),
        duration_h=float(es_response["duration_h"]),
    )


def ionosonde_synthetic(job: RuleJob) -> None:
    """Rule ionosonde_synthetic: one synthetic station-year in the station's format.

    Params: ``station`` (registry row), ``seed`` (config ``seed``),
    ``synthetic`` (``ionosonde.synthetic``), ``es_response``
    (``lidar.synthetic.es_response`` for the station the lidar is linked to,
    else None). Input: ``mics`` (the synthetic lidar's ``planted_mics.csv`` for
    that station and the years of its nights, else nothing). Output: ``raw``.
    """
    mics = list(getattr(job.input, "mics", None) or [])
    generate_station_year(
        _station(job),
        int(job.wildcards.year),
        job.output.raw,
        seed=int(job.params.seed),
        truth=planted_truth(job.params.synthetic),
        es_events=es_events(mics[0] if mics else None, getattr(job.params, "es_response", None)),
    )


def ionosonde_download_giro(job: RuleJob) -> None:
    """Rule ionosonde_download_giro: one station-year from GIRO DIDBase (FastChar fallback).

    Params: ``station`` (registry row), ``giro`` (``ionosonde.giro``). Output: ``raw``.
    """
    giro = job.params.giro
    download_giro_year(
        _station(job),
        int(job.wildcards.year),
        job.output.raw,
        base_url=giro["base_url"],
        fallback_url=giro["fallback_url"],
        characteristics=list(giro["characteristics"]),
        retries=int(giro["retries"]),
        backoff_s=float(giro["backoff_s"]),
        timeout_s=float(giro["timeout_s"]),
    )


def ionosonde_download_ukssdc(job: RuleJob) -> None:
    """Rule ionosonde_download_ukssdc: one station-year from UKSSDC with the URL template.

    Params: ``station`` (registry row), ``ukssdc`` (``ionosonde.ukssdc``). Output: ``raw``.
    """
    ukssdc = job.params.ukssdc
    download_ukssdc_year(
        _station(job),
        int(job.wildcards.year),
        job.output.raw,
        url_template=ukssdc["url_template"],
        retries=int(ukssdc["retries"]),
        backoff_s=float(ukssdc["backoff_s"]),
        timeout_s=float(ukssdc["timeout_s"]),
    )


def ionosonde_hourly(job: RuleJob) -> None:
    """Rule ionosonde_hourly: a station's raw files -> its hourly table (Parquet).

    Params: ``station`` (registry row), ``confidence_filter``, ``min_confidence``,
    ``keep_unknown_confidence``, ``hourly`` (``ionosonde.hourly``).
    Inputs: ``raw`` (the station's files). Outputs: ``hourly`` and ``qc`` (values
    dropped by each rule per UT year, :func:`~estransport.ionosonde.hourly.qc_counts`).
    """
    p = job.params
    paths = list(job.input.raw)
    hourly, qc = hourly_and_qc(
        paths,
        _station(job),
        confidence_filter=str(p.confidence_filter),
        min_confidence=int(p.min_confidence),
        keep_unknown_confidence=bool(p.keep_unknown_confidence),
        method=p.hourly["method"],
        tolerance_min=float(p.hourly["tolerance_min"]),
    )
    used = {
        "station": p.station,
        "confidence_filter": p.confidence_filter,
        "min_confidence": p.min_confidence,
        "keep_unknown_confidence": p.keep_unknown_confidence,
        "hourly": p.hourly,
    }
    hourly.attrs.update(provenance_attrs(used, paths, step="ionosonde hourly"))
    write_parquet(hourly, job.output.hourly)
    write_csv(qc, job.output.qc)


def ionosonde_qc_summary(job: RuleJob) -> None:
    """Rule ionosonde_qc_summary: every station's QC counts in one table, with totals.

    Inputs: ``qc`` (one CSV per station). Output: ``summary`` (the station-year rows,
    then one ``all`` row per station and a grand total with year ``all``).
    """
    tables = [read_csv(p) for p in job.input.qc]
    write_csv(qc_summary(tables), job.output.summary)


def ionosonde_analysis(job: RuleJob) -> dict[str, pd.DataFrame]:
    """Rule ionosonde_analysis: the analysis of docs/science.md 7 over the configured stations.

    Inputs: ``hourly`` (one table per station, in ``params.codes`` order),
    ``stations`` (the registry). Params: ``codes``, ``station_years``,
    ``analysis`` (``ionosonde.analysis``; every key is read, a missing one is
    a KeyError), ``seed`` (bootstrap seed). Outputs: ``peaks``, ``means``,
    ``regression`` (CSV) and ``daily`` (Parquet, for Fig. 5).

    Returns
    -------
    dict of str to pandas.DataFrame
        As :func:`estransport.ionosonde.analysis.analyse`.
    """
    p = job.params
    a = p.analysis
    hourly_paths = dict(zip(p.codes, job.input.hourly, strict=True))
    registry = {s.code: s for s in load_stations(job.input.stations)}
    stations = [registry[c] for c in registry if c in hourly_paths]
    hourly = {code: read_parquet(path) for code, path in hourly_paths.items()}
    res = analysis.analyse(
        hourly,
        stations,
        p.station_years,
        min_hours_per_day=int(a["min_hours_per_day"]),
        window_days=int(a["window_days"]),
        smoothing_min_coverage=float(a["smoothing_min_coverage"]),
        summer_window_doy=tuple(a["summer_window_doy"]),
        min_year_coverage=float(a["min_year_coverage"]),
        edge_peaks=str(a["edge_peaks"]),
        fit_points=str(a["fit_points"]),
        estimator=str(a["estimator"]),
        interval=str(a["interval"]),
        earth_radius_km=float(a["earth_radius_km"]),
        bootstrap_samples=int(a["bootstrap_samples"]),
        bootstrap_method=str(a["bootstrap_method"]),
        ci_level=float(a["ci_level"]),
        seed=int(p.seed),
    )
    peaks = res["peaks"].copy()
    peaks["peak_date"] = pd.to_datetime(peaks["peak_date"]).dt.strftime("%Y-%m-%d")
    write_csv(peaks, job.output.peaks, float_format="%.6g")
    write_csv(res["means"], job.output.means, float_format="%.6g")
    write_csv(res["regression"], job.output.regression, float_format="%.6g")
    daily = res["daily"]
    daily.attrs.update(
        provenance_attrs(a, list(hourly_paths.values()), step="ionosonde daily/smoothed")
    )
    write_parquet(daily, job.output.daily)
    for row in res["regression"].itertuples():
        logger.info(
            "fit %s, %s%s: n=%d slope %.3f +- %.3f deg/day (%.3f m/s), r=%.3f, p=%.3g, "
            "analytic CI [%.3f, %.3f], %s bootstrap CI [%.3f, %.3f]",
            row.fit,
            row.estimator,
            " (default)" if row.default else "",
            row.n_points,
            row.slope_deg_per_day,
            row.slope_se_deg_per_day,
            row.speed_m_per_s,
            row.r,
            row.p_value,
            row.analytic_ci_low_deg_per_day,
            row.analytic_ci_high_deg_per_day,
            a["bootstrap_method"],
            row.slope_ci_low_deg_per_day,
            row.slope_ci_high_deg_per_day,
        )
    return res
