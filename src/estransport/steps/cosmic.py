"""Rule entry points of the COSMIC slice: day tarballs -> event tables -> climatologies.

One step per rule of ``workflow/rules/cosmic_raw.smk`` and
``workflow/rules/occultation.smk``, each named after its rule:

==========================  ======================================================
step                        makes
==========================  ======================================================
:func:`synthetic_scnlv1_day` ``resources/cosmic/scnLv1/{year}/{doy}.tar.gz`` (synthetic)
:func:`download_scnlv1_batch` the same tarballs, N days, downloaded from CDAAC
:func:`empty_scnlv1_day`     an empty day for a day a local archive lacks (``missing_day: empty``)
:func:`ingest_scnlv1_batch`  ``results/occultation/events/...parquet`` and ``qc/...csv``, N days
:func:`cosmic_qc_summary`    ``results/occultation/qc_summary.csv``
:func:`seasonal_maps`        ``results/occultation/maps_{season}.nc``
:func:`monthly_lat_alt`      ``results/occultation/monthly_lat_alt.nc``
==========================  ======================================================

The steps unpack the ``cosmic`` configuration (``job.params``) into the keyword
arguments of the library functions. The ingest runs once per batch of
``cosmic.ingest.days_per_job`` days (:func:`batches`), and every step imports the
library it needs when it runs: an ingest job does not load xarray for the gridders.

The helpers :func:`days`, :func:`batches` and :func:`provenance_config` serve
``workflow/rules/common.smk`` while the DAG is built.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from . import RuleJob

log = logging.getLogger(__name__)

__all__ = [
    "batches",
    "cosmic_qc_summary",
    "days",
    "download_scnlv1_batch",
    "empty_scnlv1_day",
    "ingest_scnlv1_batch",
    "monthly_lat_alt",
    "provenance_config",
    "resources",
    "seasonal_maps",
    "split_batches",
    "synthetic_scnlv1_day",
]


# --- helpers of the workflow (common.smk) ---


def days(cosmic: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Days of the configured COSMIC period, as zero-padded ``(year, doy)`` strings.

    Parameters
    ----------
    cosmic : mapping
        The ``cosmic`` configuration (``years``, ``day_step``).

    Returns
    -------
    list of (str, str)
        e.g. ``[("2008", "001"), ("2008", "007"), ...]``, the wildcards of the day rules.
    """
    from ..io.cdaac import days_of_period

    return [
        (f"{year:04d}", f"{doy:03d}")
        for year, doy in days_of_period(cosmic["years"], day_step=cosmic["day_step"])
    ]


def batches(cosmic: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The ingest jobs: the period's days in batches of at most ``cosmic.ingest.days_per_job``.

    Parameters
    ----------
    cosmic : mapping
        The ``cosmic`` configuration (``years``, ``day_step``, ``ingest.days_per_job``).

    Returns
    -------
    list of (str, list of (str, str))
        ``("2008_001", [("2008", "001"), ("2008", "007"), ...])`` per batch, in order
        (:func:`split_batches`).
    """
    return split_batches(days(cosmic), int(cosmic["ingest"]["days_per_job"]))


def split_batches(
    day_list: Sequence[tuple[str, str]], size: int
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Days in batches of at most ``size``: the ingest jobs of COSMIC-1 and of the missions.

    A year's days are split into as few batches as that allows, of sizes that
    differ by at most one. Batches never span two years, so a year's batches are
    the same whatever the other years are, and a batch is named by its year and
    first day.

    Parameters
    ----------
    day_list : sequence of (str, str)
        ``(year, doy)`` in order (:func:`days`, :func:`estransport.steps.missions.mission_days`).
    size : int
        Most days a batch holds (``cosmic.ingest.days_per_job``).

    Returns
    -------
    list of (str, list of (str, str))
        ``(name, days)`` per batch, in order.
    """
    by_year: dict[str, list[tuple[str, str]]] = {}
    for year, doy in day_list:
        by_year.setdefault(year, []).append((year, doy))
    out = []
    for year_days in by_year.values():
        # As even as possible (31 days at 30 a job: 16 + 15, not 30 + 1).
        n_jobs = -(-len(year_days) // size)
        base, extra = divmod(len(year_days), n_jobs)
        start = 0
        for k in range(n_jobs):
            chunk = year_days[start : start + base + (k < extra)]
            start += len(chunk)
            out.append((f"{chunk[0][0]}_{chunk[0][1]}", chunk))
    return out


# Per-job cost figures behind resources(), from the rules' benchmark files of
# tools/benchmark_throughput.py on the development machine (2 cores shared with other
# work), rounded up: an ingest batch of 16 1,500-arc days peaked at 159 MB RSS in 8.6 s,
# the seasonal maps of 31 days at 1 degree at 212 MB in 3.4 s.
_IMPORT_MB = 250.0  # interpreter + numpy/pandas/pyarrow (133 MB), before any data
_INGEST_MB_PER_MEMBER = 0.05  # one day in memory at a time (members' attributes, event table)
_INGEST_S_PER_MEMBER = 3e-4  # read + QC + write: 0.13 s per 1,500-arc day idle, 0.45 s loaded
_JOB_START_S = 2.0  # interpreter, imports, Snakemake's script wrapper
_EVENT_BYTES = 200.0  # one event held for gridding: columns, year/month, temporaries
_GRID_S_PER_EVENT = 2e-6  # Parquet read + one bincount per event


def resources(
    cosmic: Mapping[str, Any], step: str, *, n_days: int, members: int | None = None
) -> dict[str, int]:
    """mem_mb and runtime (minutes) of a COSMIC job, from the size of its input.

    Estimate = measured cost per member or per event and cell, times
    ``cosmic.resources.safety_factor`` (:func:`estransport.steps.resources.request`,
    shared with the model jobs); runtime is at least 5 minutes, so a slow node start
    does not kill a short job.

    Parameters
    ----------
    cosmic : mapping
        The ``cosmic`` configuration (``resources``, ``synthetic``, ``maps``, ``source``).
    step : {"ingest", "grid"}
        A batch of ingested days, or a climatology over ``n_days`` days of events.
    n_days : int
        Days the job reads.
    members : int, optional
        Members (arcs) per day; default COSMIC-1's (``synthetic.arcs_per_day`` or
        ``resources.members_per_day``). The missions pass theirs
        (:func:`estransport.steps.missions.members_per_day`).

    Returns
    -------
    dict
        ``{"mem_mb": int, "runtime": int}``.
    """
    from .resources import request

    res = cosmic["resources"]
    if members is None:
        members = (
            cosmic["synthetic"]["arcs_per_day"]
            if cosmic["source"] == "synthetic"
            else res["members_per_day"]
        )
    if step == "ingest":
        mem = _IMPORT_MB + members * _INGEST_MB_PER_MEMBER
        seconds = _JOB_START_S + n_days * members * _INGEST_S_PER_MEMBER
    elif step == "grid":
        cells = 4 * (180.0 / cosmic["maps"]["resolution_deg"]) ** 2 * 2  # seasons x lat x lon
        events = n_days * members
        mem = _IMPORT_MB + (3 * 8 * cells + events * _EVENT_BYTES) / 1e6
        seconds = _JOB_START_S + events * _GRID_S_PER_EVENT
    else:
        raise ValueError(f"unknown COSMIC step {step!r}")
    return request(mem, seconds, safety_factor=res["safety_factor"])


def provenance_config(cosmic: Mapping[str, Any], product: str) -> dict[str, Any]:
    """The ``cosmic`` keys that determine a climatology, hashed into its attributes.

    Only these are params of the climatology rules, so that changing another
    ``cosmic`` key (e.g. the download retries) does not rerun them.

    Parameters
    ----------
    cosmic : mapping
        The ``cosmic`` configuration.
    product : {"maps", "monthly"}
        The climatology's own configuration block.

    Returns
    -------
    dict
        ``source``, ``years``, ``day_step``, ``qc`` and ``product``'s block.
    """
    return {
        "source": cosmic["source"],
        "years": cosmic["years"],
        "day_step": cosmic["day_step"],
        "qc": cosmic["qc"],
        product: cosmic[product],
    }


def _range(block: Mapping[str, Any]) -> tuple[float, float]:
    """A ``{min, max}`` configuration block as a (min, max) tuple."""
    return (block["min"], block["max"])


# --- raw day tarballs (cosmic_raw.smk) ---


def synthetic_scnlv1_day(job: RuleJob) -> None:
    """Rule synthetic_scnlv1_day: write one synthetic scnLv1 day tarball.

    Reads ``params.synthetic`` (``cosmic.synthetic``) and ``params.seed`` (top-level ``seed``).
    """
    from ..synthetic.cosmic import write_day_tarball

    syn = job.params.synthetic
    write_day_tarball(
        job.output.tarball,
        int(job.wildcards.year),
        int(job.wildcards.doy),
        arcs_per_day=syn["arcs_per_day"],
        es_fraction=syn["es_fraction"],
        fill_fraction=syn["fill_fraction"],
        empty_member_fraction=syn["empty_member_fraction"],
        seed=job.params.seed,
    )


def download_scnlv1_batch(job: RuleJob) -> None:
    """Rules download_scnlv1_batch_*: download a batch of CDAAC scnLv1 day tarballs.

    The batch is the ingest batch of the same days (:func:`batches`), so one job
    fetches what one ingest job reads. A day that fails does not stop the others,
    and a rerun fetches only the days not yet finished
    (:func:`estransport.io.cdaac.download_scnlv1_days`).
    Reads ``params.cdaac`` (``cosmic.cdaac``) and ``params.days`` (the batch's days).
    """
    from ..io import cdaac

    c = job.params.cdaac
    days = [(int(year), int(doy)) for year, doy in job.params.days]
    urls = cdaac.download_scnlv1_days(
        days,
        list(job.output.tarballs),
        base_url=c["base_url"],
        streams=c["streams"],
        retries=c["retries"],
        backoff_s=c["backoff_s"],
        timeout_s=c["timeout_s"],
        missing_day=c["missing_day"],
    )
    log.info(
        "%d day(s): %d downloaded, %d empty (missing), %d kept from an earlier attempt",
        len(days),
        sum(u not in (None, "kept") for u in urls),
        sum(u is None for u in urls),
        sum(u == "kept" for u in urls),
    )


def empty_scnlv1_day(job: RuleJob) -> None:
    """Rule empty_scnlv1_day: an empty day tarball for a day the local archive lacks.

    With ``cosmic.source: local`` and ``cosmic.cdaac.missing_day: empty`` a missing
    day is what a download of a day CDAAC lacks is: a valid member-less tarball,
    logged as a warning, that the ingest records with zero members (counted as
    ``days_without_data`` in the QC summary). Reads ``params.local_archive``
    (``cosmic.local_archive``) and ``params.streams`` (``cosmic.cdaac.streams``),
    to name the paths looked for.
    """
    from ..io.cdaac import local_archive_candidates, write_empty_day

    year, doy = int(job.wildcards.year), int(job.wildcards.doy)
    looked = local_archive_candidates(job.params.local_archive, year, doy, job.params.streams)
    write_empty_day(job.output.tarball)
    log.warning(
        "scnLv1 day %04d-%03d is not in the local archive (looked for %s); wrote an empty "
        "day tarball %s (cosmic.cdaac.missing_day = empty): it counts as a day without data",
        year,
        doy,
        ", ".join(looked),
        job.output.tarball,
    )


# --- event tables and climatologies (occultation.smk) ---


def ingest_scnlv1_batch(job: RuleJob) -> None:
    """Rules ingest_scnlv1_batch_*: a batch of day tarballs -> one event table and one QC table a day.

    The outputs of each day are those of the per-day design (``days_per_job: 1``),
    byte for byte; a day whose tarball cannot be read is recorded as ``day_failed``
    and the batch goes on (:func:`estransport.io.scnlv1.ingest_days`, which imports
    neither pandas nor xarray: the job's imports cost less than half of what they did).
    Reads ``params.qc`` (``cosmic.qc``) and ``params.ingest`` (``cosmic.ingest``).
    """
    from ..io.scnlv1 import ingest_days

    qc = job.params.qc
    failed = ingest_days(
        list(job.input.tarballs),
        list(job.output.events),
        list(job.output.qc),
        altitude_km=_range(qc["altitude_km"]),
        s4max_range=_range(qc["s4max"]),
        strict=job.params.ingest["strict"],
        config=qc,
    )
    if failed:
        log.warning(
            "%d of %d day(s) failed and are recorded as day_failed: %s",
            len(failed),
            len(job.output.events),
            ", ".join(failed),
        )


def cosmic_qc_summary(job: RuleJob) -> None:
    """Rule cosmic_qc_summary: sum the per-day QC tables into one table."""
    from ..io.atomic import write_csv
    from ..io.scnlv1_qc import summarise_qc

    write_csv(summarise_qc(job.input.qc), job.output.summary)


def seasonal_maps(job: RuleJob) -> None:
    """Rule seasonal_maps: stream the event tables into the four seasonal S4max maps.

    Reads ``params.maps`` (``cosmic.maps``), ``params.qc`` (the Es range, for the
    labels), ``params.years`` and ``params.config`` (hashed into the provenance).
    """
    write_maps(job, years=job.params.years)


def write_maps(
    job: RuleJob, *, years: Sequence[int], coverage: Sequence[Any] | None = None
) -> None:
    """Seasonal maps of ``job.input.events`` with ``params.maps`` (shared with the missions' rules).

    ``coverage``: the pooled missions' latitude bands (``None``: global, COSMIC-1).
    """
    from ..climatology.gridding import write_seasonal_maps

    maps = job.params.maps
    write_seasonal_maps(
        job.input.events,
        job.output.maps,
        resolution_deg=maps["resolution_deg"],
        min_count=maps["min_count"],
        complete_winters_only=maps["complete_winters_only"],
        smoothing_cells=maps["smoothing_cells"],
        years=years,
        es_altitude_km=_range(job.params.qc["altitude_km"]),
        coverage=coverage,
        config=job.params.config,
    )


def monthly_lat_alt(job: RuleJob) -> None:
    """Rule monthly_lat_alt: the monthly zonal-mean latitude-altitude climatology (Fig. 3).

    Reads ``params.monthly`` (``cosmic.monthly``), ``params.qc`` (the Es range
    binned), ``params.years`` and ``params.config`` (hashed into the provenance).
    """
    write_monthly(job, years=job.params.years)


def write_monthly(
    job: RuleJob, *, years: Sequence[int], coverage: Sequence[Any] | None = None
) -> None:
    """Monthly climatology of ``job.input.events`` with ``params.monthly`` (shared with the missions).

    ``coverage``: the pooled missions' latitude bands (``None``: global, COSMIC-1).
    """
    from ..climatology.monthly import write_monthly_lat_alt

    monthly = job.params.monthly
    write_monthly_lat_alt(
        job.input.events,
        job.output.monthly,
        lat_resolution_deg=monthly["lat_resolution_deg"],
        alt_resolution_km=monthly["alt_resolution_km"],
        min_count=monthly["min_count"],
        min_valid_fraction=monthly["min_valid_fraction"],
        altitude_km=_range(job.params.qc["altitude_km"]),
        years=years,
        coverage=coverage,
        config=job.params.config,
    )
