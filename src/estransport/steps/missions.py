"""Rule entry points of the current missions (COSMIC-2, Spire): part of the COSMIC slice.

One step per rule of ``workflow/rules/missions.smk`` and of the mission figures
in ``workflow/rules/figures.smk``, each named after its rule:

==============================  ==============================================================
step                            makes
==============================  ==============================================================
:func:`synthetic_mission_day`   ``resources/cosmic/{mission}/{year}/{doy}.tar.gz`` (synthetic)
:func:`download_mission_day`    the same tarball, downloaded from CDAAC
:func:`ingest_mission_batch`    ``results/occultation/{mission}/events/...parquet``, ``qc/...csv``, N days
:func:`mission_qc_summary`      ``results/occultation/{mission}/qc_summary.csv``
:func:`mission_seasonal_maps`   ``results/occultation/{mission}/maps_{season}.nc``
:func:`mission_monthly_lat_alt` ``results/occultation/{mission}/monthly_lat_alt.nc``
:func:`combined_seasonal_maps`  ``results/occultation/combined/maps_{season}.nc``
:func:`combined_monthly_lat_alt` ``results/occultation/combined/monthly_lat_alt.nc``
:func:`fig2ab_s4max_mission`    ``results/figures/{set}/fig2{panel}_s4max_{season}.png``
==============================  ==============================================================

The configuration of a mission is ``cosmic.missions.<name>`` (see
``config/README.md``); COSMIC-1 keeps the top-level ``cosmic`` keys and its
paths, so that the paper's products do not change. The Es window, QC ranges,
map and monthly settings are shared by all missions (``cosmic.qc``,
``cosmic.maps``, ``cosmic.monthly``, ``cosmic.ingest``).

The helpers (:func:`enabled_missions`, :func:`mission_days`,
:func:`mission_raw_path`, :func:`combined_members`, ...) serve
``workflow/rules/common.smk`` while the DAG is built: they read nothing but the
configuration and, for local archives, test which file exists.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from . import RuleJob
from .cosmic import write_maps, write_monthly

__all__ = [
    "COMBINED",
    "combined_coverages",
    "combined_members",
    "combined_monthly_lat_alt",
    "combined_seasonal_maps",
    "combined_years",
    "download_mission_day",
    "enabled_missions",
    "fig2ab_s4max_mission",
    "ingest_mission_batch",
    "mission_coverage",
    "mission_batches",
    "mission_days",
    "mission_monthly_lat_alt",
    "mission_qc_summary",
    "mission_raw_path",
    "mission_seasonal_maps",
    "members_per_day",
    "provenance_config",
    "synthetic_mission_day",
]

log = logging.getLogger(__name__)

#: Name of the pooled set of missions in paths (``results/occultation/combined/``).
COMBINED = "combined"
#: COSMIC-1 in ``cosmic.combined.missions``: its settings are the top-level ``cosmic`` keys.
COSMIC1 = "cosmic1"


# --- helpers of the workflow (common.smk) ---


def enabled_missions(cosmic: Mapping[str, Any]) -> list[str]:
    """Names of the enabled current missions (not COSMIC-1), in configuration order."""
    return [name for name, m in cosmic["missions"].items() if m["enabled"]]


def mission_days(cosmic: Mapping[str, Any], mission: str) -> list[tuple[str, str]]:
    """Days of a mission's period as zero-padded ``(year, doy)`` strings (wildcards)."""
    from ..io.cdaac import days_of_period

    m = cosmic["missions"][mission]
    return [
        (f"{year:04d}", f"{doy:03d}")
        for year, doy in days_of_period(m["years"], day_step=m["day_step"])
    ]


def mission_batches(
    cosmic: Mapping[str, Any], mission: str
) -> list[tuple[str, list[tuple[str, str]]]]:
    """A mission's ingest jobs: its days in batches of at most ``cosmic.ingest.days_per_job``.

    The batching of COSMIC-1 (:func:`estransport.steps.cosmic.split_batches`):
    within a year, as even as possible, named by the year and first day.
    """
    from .cosmic import split_batches

    return split_batches(mission_days(cosmic, mission), int(cosmic["ingest"]["days_per_job"]))


def members_per_day(cosmic: Mapping[str, Any], mission: str) -> int:
    """Members (arcs) per day a mission's jobs are sized for (``synthetic.members_per_day``).

    The synthetic block's count, whatever the source: its default (9,000) is what a
    COSMIC-2 scnLv2 day holds (docs/formats.md 2.2).
    """
    return int(cosmic["missions"][mission]["synthetic"]["members_per_day"])


def mission_raw_path(cosmic: Mapping[str, Any], mission: str, year: str, doy: str) -> str:
    """The day tarball an ingest job reads: resources/ (synthetic, cdaac) or the local archive."""
    m = cosmic["missions"][mission]
    if m["source"] == "local":
        from ..io.cdaac_streams import local_day_path

        return local_day_path(
            m["local_archive"],
            int(year),
            int(doy),
            product=m["product"],
            streams=m["cdaac"]["streams"],
            key=f"cosmic.missions.{mission}",
        )
    return f"resources/cosmic/{mission}/{year}/{doy}.tar.gz"


def mission_coverage(cosmic: Mapping[str, Any], mission: str):
    """The latitude band of a mission (COSMIC-1: ``cosmic.coverage_lat_deg``) as a Coverage."""
    from ..climatology.coverage import Coverage

    block = (
        cosmic["coverage_lat_deg"]
        if mission == COSMIC1
        else cosmic["missions"][mission]["coverage_lat_deg"]
    )
    return Coverage(mission, float(block["min"]), float(block["max"]))


def combined_members(cosmic: Mapping[str, Any]) -> list[str]:
    """Missions pooled in the combined climatology: ``cosmic.combined.missions`` that run."""
    running = {COSMIC1, *enabled_missions(cosmic)}
    return [m for m in cosmic["combined"]["missions"] if m in running]


def combined_coverages(cosmic: Mapping[str, Any]) -> list:
    """Coverage of every pooled mission, in :func:`combined_members` order."""
    return [mission_coverage(cosmic, m) for m in combined_members(cosmic)]


def combined_years(cosmic: Mapping[str, Any]) -> list[int]:
    """The union of the pooled missions' years."""
    years: set[int] = set()
    for m in combined_members(cosmic):
        years.update(cosmic["years"] if m == COSMIC1 else cosmic["missions"][m]["years"])
    return sorted(years)


def provenance_config(cosmic: Mapping[str, Any], product: str, missions: Sequence[str]) -> dict:
    """The configuration that determines a mission or combined climatology (hashed, params).

    Parameters
    ----------
    cosmic : mapping
        The ``cosmic`` configuration.
    product : {"maps", "monthly"}
        The climatology's own block.
    missions : sequence of str
        The missions whose events it pools.
    """
    out: dict[str, Any] = {"qc": cosmic["qc"], product: cosmic[product], "missions": {}}
    for m in missions:
        if m == COSMIC1:
            out["missions"][m] = {
                k: cosmic[k] for k in ("source", "years", "day_step", "coverage_lat_deg")
            }
        else:
            block = cosmic["missions"][m]
            out["missions"][m] = {
                k: block[k]
                for k in (
                    "source",
                    "product",
                    "years",
                    "day_step",
                    "coverage_lat_deg",
                    "tangent_point",
                )
            }
    return out


def _range(block: Mapping[str, Any]) -> tuple[float, float]:
    return (block["min"], block["max"])


# --- raw day tarballs ---


def synthetic_mission_day(job: RuleJob) -> None:
    """Rule synthetic_mission_day: write one synthetic day tarball of a mission.

    Reads ``params.mission`` (``cosmic.missions.<mission>``) and ``params.seed``.
    """
    from ..synthetic.cosmic2 import SyntheticStream, write_day_tarball

    m = job.params.mission
    syn = m["synthetic"]
    stream = SyntheticStream(
        mission=job.wildcards.mission,
        product=m["product"],
        members_per_day=syn["members_per_day"],
        es_fraction=syn["es_fraction"],
        fill_fraction=syn["fill_fraction"],
        empty_member_fraction=syn["empty_member_fraction"],
        # The generator's band is symmetric: the narrower side of the configured one.
        lat_limit_deg=min(abs(m["coverage_lat_deg"]["min"]), abs(m["coverage_lat_deg"]["max"])),
    )
    write_day_tarball(
        job.output.tarball,
        int(job.wildcards.year),
        int(job.wildcards.doy),
        stream,
        seed=job.params.seed,
    )


def download_mission_day(job: RuleJob) -> None:
    """Rule download_mission_day: download one CDAAC day tarball of a mission."""
    from ..io.cdaac_streams import download_day

    name = job.wildcards.mission
    m = job.params.mission
    c = m["cdaac"]
    download_day(
        int(job.wildcards.year),
        int(job.wildcards.doy),
        job.output.tarball,
        mission=name,
        base_url=c["base_url"],
        product=m["product"],
        streams=c["streams"],
        retries=c["retries"],
        backoff_s=c["backoff_s"],
        timeout_s=c["timeout_s"],
        missing_day=c["missing_day"],
        key=f"cosmic.missions.{name}",
    )


# --- event tables, QC and climatologies ---


def ingest_mission_batch(job: RuleJob) -> None:
    """Rules ingest_{mission}_batch_*: a batch of a mission's day tarballs -> one event and QC table a day.

    The outputs of each day are those of one job a day (``days_per_job: 1``), byte
    for byte; a day whose tarball cannot be read is recorded as ``day_failed`` and
    the batch goes on (:func:`estransport.io.scnlv2.ingest_scint_days`). Reads
    ``params.mission`` (``cosmic.missions.<mission>``), ``params.name``,
    ``params.qc`` (``cosmic.qc``) and ``params.ingest``.
    """
    from ..io.scnlv2 import ingest_scint_days

    m = job.params.mission
    qc = job.params.qc
    failed = ingest_scint_days(
        list(job.input.tarballs),
        list(job.output.events),
        list(job.output.qc),
        product=m["product"],
        mission=job.params.name,
        altitude_km=_range(qc["altitude_km"]),
        s4max_range=_range(qc["s4max"]),
        tangent_point=m["tangent_point"],
        strict=job.params.ingest["strict"],
        config={"qc": qc, "mission": dict(m)},
    )
    if failed:
        log.warning(
            "%d of %d day(s) failed and are recorded as day_failed: %s",
            len(failed),
            len(job.output.events),
            ", ".join(failed),
        )


def mission_qc_summary(job: RuleJob) -> None:
    """Rule mission_qc_summary: sum a mission's per-day QC tables."""
    from ..io.atomic import write_csv
    from ..io.scnlv1_qc import summarise_qc

    table = summarise_qc(job.input.qc)
    table.insert(0, "mission", job.wildcards.mission)
    write_csv(table, job.output.summary)


def mission_seasonal_maps(job: RuleJob) -> None:
    """Rule mission_seasonal_maps: a mission's four seasonal S4max maps, blank where it cannot see."""
    from ..climatology.coverage import Coverage

    cov = job.params.coverage
    coverage = [Coverage(job.wildcards.mission, cov["min"], cov["max"])]
    write_maps(job, years=job.params.years, coverage=coverage)


def mission_monthly_lat_alt(job: RuleJob) -> None:
    """Rule mission_monthly_lat_alt: a mission's monthly latitude-altitude climatology."""
    from ..climatology.coverage import Coverage

    cov = job.params.coverage
    coverage = [Coverage(job.wildcards.mission, cov["min"], cov["max"])]
    write_monthly(job, years=job.params.years, coverage=coverage)


def _coverages(params) -> list:
    from ..climatology.coverage import Coverage

    return [Coverage(name, c["min"], c["max"]) for name, c in params.coverages.items()]


def combined_seasonal_maps(job: RuleJob) -> None:
    """Rule combined_seasonal_maps: the pooled missions' seasonal S4max maps."""
    write_maps(job, years=job.params.years, coverage=_coverages(job.params))


def combined_monthly_lat_alt(job: RuleJob) -> None:
    """Rule combined_monthly_lat_alt: the pooled missions' monthly climatology."""
    write_monthly(job, years=job.params.years, coverage=_coverages(job.params))


# --- figures ---


def fig2ab_s4max_mission(job: RuleJob) -> None:
    """Rule fig2ab_s4max_mission: Fig. 2a,b-style map of one mission or of the combined set.

    Reads ``params.figures`` (``figures``) and ``params.years``.
    """
    from ..plotting.fig2ab import plot_fig2ab

    fig = job.params.figures
    plot_fig2ab(
        job.input.maps,
        job.output.png,
        job.output.extra,
        panel=job.wildcards.panel,
        s4max_limits=fig["s4max_limits"],
        geomagnetic_latitudes=fig["geomagnetic_latitudes"],
        coastline_shapefile=fig["coastline_shapefile"],
        dpi=fig["dpi"],
        years=job.params.years,
    )
