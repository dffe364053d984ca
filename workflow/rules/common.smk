# Shared helpers: config validation, day lists, input functions, wildcard constraints.
import functools
from types import SimpleNamespace

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger

# Jobs import the installed package (`make env` installs it into .venv; conda
# users get it from envs/estransport.yaml): no sys.path or PYTHONPATH edits here.
from estransport.config import validate_config
from estransport.errors import ConfigError, InputFileError, MissingInputsError
from estransport.steps import cosmic as cosmic_steps
from estransport.steps import missions as mission_steps
from estransport.steps import preflight
from estransport.steps import resources as resource_steps

try:
    validate_config(config)
except ConfigError as err:
    raise WorkflowError(f"Invalid configuration: {err}") from None


ENV = "../../envs/estransport.yaml"


wildcard_constraints:
    year=r"\d{4}",
    doy=r"\d{3}",
    season="DJF|MAM|JJA|SON",


def cosmic_days():
    """(year, doy) pairs of the configured COSMIC period, as zero-padded strings."""
    return COSMIC_DAYS


# The ingest jobs: (name, [(year, doy), ...]) per batch of cosmic.ingest.days_per_job days.
COSMIC_BATCHES = cosmic_steps.batches(config["cosmic"])
COSMIC_DAYS = [day for _, batch_days in COSMIC_BATCHES for day in batch_days]


def cosmic_batch_tarballs(batch_days):
    """Input function of one ingest batch: the day tarballs of its days (cosmic_raw_path)."""

    def tarballs(wildcards):
        return [cosmic_raw_path(SimpleNamespace(year=y, doy=d)) for y, d in batch_days]

    return tarballs


def cosmic_resources(step, n_days, key):
    """mem_mb or runtime of a COSMIC job from its input size (estransport.steps.cosmic.resources)."""
    return cosmic_steps.resources(config["cosmic"], step, n_days=n_days)[key]


def cosmic_event_tables():
    return [f"results/occultation/events/{y}/{d}.parquet" for y, d in cosmic_days()]


def cosmic_qc_tables():
    return [f"results/occultation/qc/{y}/{d}.csv" for y, d in cosmic_days()]


@functools.cache
def real_inputs():
    """The files of every real source, checked all at once (estransport.steps.preflight).

    Called by the input functions of the rules that read a real source's files
    (local COSMIC archive, placed model files, hand-placed ionosonde stations, placed
    lidar and WACCM-X files of the second study), so
    the first of them, while the DAG is built and before any job, either finds
    everything or stops with one list of every missing file of every real source.
    A run whose targets need no real source never calls it.
    """
    try:
        found = preflight.check_real_inputs(config, basedir=workflow.basedir)
    except MissingInputsError as err:
        raise WorkflowError(
            f"Missing inputs, found before any job ran. {err}"
        ) from None
    except (ConfigError, InputFileError) as err:
        raise WorkflowError(f"Invalid configuration: {err}") from None
    if found.cosmic_gaps:
        days = ", ".join(f"{y}-{d}" for y, d in found.cosmic_gaps)
        logger.warning(
            f"{len(found.cosmic_gaps)} day(s) are not in the local COSMIC archive "
            f"({config['cosmic']['local_archive']}) and count as days without data "
            f"(cosmic.cdaac.missing_day: empty): {days}"
        )
    return found


def cosmic_raw_path(wildcards):
    """The day tarball an ingest job reads: resources/ for synthetic/cdaac, the archive for local.

    For source local every day of the period is looked for at once (real_inputs): a
    missing day is an error listing all of them, or (cosmic.cdaac.missing_day: empty)
    an empty day tarball made by rule empty_scnlv1_day.
    """
    if config["cosmic"]["source"] == "local":
        day = real_inputs().cosmic_days.get((wildcards.year, wildcards.doy))
        if day is not None:
            return day
        from estransport.io.cdaac import local_archive_path  # a day outside the period

        return local_archive_path(
            config["cosmic"]["local_archive"],
            int(wildcards.year),
            int(wildcards.doy),
            config["cosmic"]["cdaac"]["streams"],
        )
    return f"resources/cosmic/scnLv1/{wildcards.year}/{wildcards.doy}.tar.gz"


def model_history(wildcards):
    """History files of the model rules: the generator's (MODEL_HISTORY, model.smk), or the
    placed ones (model.source: files).

    An input function, so that missing placed files stop only runs that need them; they are
    looked for with every other real source (real_inputs), in one list.
    """
    if config["model"]["source"] == "files":
        return real_inputs().model_history
    return MODEL_HISTORY


@functools.cache
def model_grid():
    """The model run's size, from the generator's config or the placed files' headers."""
    placed = config["model"]["source"] == "files"
    history = real_inputs().model_history if placed else []
    return resource_steps.model_grid(config["model"], history)


def model_resources(step, key):
    """mem_mb or runtime of a model job from the run's size (steps.resources.model_resources).

    A callable, so that the headers of placed files are read only when a model job is
    in the DAG (and after every real source was checked, real_inputs).
    """

    def resource(wildcards):
        return resource_steps.model_resources(config["model"], step, grid=model_grid())[
            key
        ]

    return resource


def ionosonde_raw_files(wildcards):
    """A station's raw files (IONO_PLAN, ionosonde.smk); for source real, every real source
    is checked first, at once (real_inputs)."""
    if config["ionosonde"]["source"] == "real":
        real_inputs()
    return IONO_PLAN.raw_files(wildcards.station)


def ionosonde_hourly_tables(wildcards):
    """Every station's hourly table (IONO_PLAN, ionosonde.smk); for source real, every real
    source is checked first, at once (real_inputs)."""
    if config["ionosonde"]["source"] == "real":
        real_inputs()
    return IONO_PLAN.hourly_tables()


def fig2ab_maps(wildcards):
    """The season map of a Fig. 2 panel; a panel/season mismatch (fig2a_..._jja) is an error."""
    # Imported here, not at the top: plotting.style loads matplotlib, which DAGs
    # without a figure target need not wait for.
    from estransport.plotting.style import FIG2_PANEL_SEASON

    season = FIG2_PANEL_SEASON[wildcards.panel]
    if wildcards.season != season.lower():
        raise WorkflowError(
            f"Fig. 2{wildcards.panel} is the {season} map: ask for "
            f"results/figures/fig2{wildcards.panel}_s4max_{season.lower()}.png"
        )
    return f"results/occultation/maps_{season}.nc"


FIGURE_EXTS = [".png"] + [f".{e}" for e in config["figures"]["extra_formats"]]


def figure_outputs(stem):
    return [f"results/figures/{stem}{ext}" for ext in FIGURE_EXTS]


# Each rules file appends what it makes: the paper's figures and tables to
# PAPER_TARGETS (the `paper` target), further products (QC summaries,
# climatologies) to PRODUCT_TARGETS; `all` builds both.
PAPER_TARGETS = []
PRODUCT_TARGETS = []


def figure_targets():
    return list(PAPER_TARGETS)


def all_targets():
    return list(PAPER_TARGETS) + [t for t in PRODUCT_TARGETS if t not in PAPER_TARGETS]


def cosmic_provenance(product):
    """The cosmic config keys that determine a climatology, recorded as a hash in its attributes."""
    return cosmic_steps.provenance_config(config["cosmic"], product)


# --- the current missions (COSMIC-2, Spire; workflow/rules/missions.smk) ---

#: Enabled missions, and those of each source (the wildcard values of their rules).
MISSIONS = mission_steps.enabled_missions(config["cosmic"])
MISSIONS_SYNTHETIC = [
    m for m in MISSIONS if config["cosmic"]["missions"][m]["source"] == "synthetic"
]
MISSIONS_CDAAC = [
    m for m in MISSIONS if config["cosmic"]["missions"][m]["source"] == "cdaac"
]
#: Missions pooled in results/occultation/combined/ (none unless at least two run).
COMBINED_MISSIONS = mission_steps.combined_members(config["cosmic"])
if len(COMBINED_MISSIONS) < 2:
    COMBINED_MISSIONS = []
#: Sets of Fig. 2a,b-style mission maps: every enabled mission, and the combined set.
MISSION_FIGURE_SETS = MISSIONS + ([mission_steps.COMBINED] if COMBINED_MISSIONS else [])


def mission_event_tables(wildcards):
    return [
        f"results/occultation/{wildcards.mission}/events/{y}/{d}.parquet"
        for y, d in mission_steps.mission_days(config["cosmic"], wildcards.mission)
    ]


def mission_qc_tables(wildcards):
    return [
        f"results/occultation/{wildcards.mission}/qc/{y}/{d}.csv"
        for y, d in mission_steps.mission_days(config["cosmic"], wildcards.mission)
    ]


# The missions' ingest jobs: (mission, name, [(year, doy), ...]) per batch of
# cosmic.ingest.days_per_job days (the COSMIC-1 batching, estransport.steps.cosmic.split_batches).
MISSION_BATCHES = [
    (m, batch, batch_days)
    for m in MISSIONS
    for batch, batch_days in mission_steps.mission_batches(config["cosmic"], m)
]


def mission_batch_tarballs(mission, batch_days):
    """Input function of one mission ingest batch: the day tarballs of its days."""

    def tarballs(wildcards):
        return [
            mission_steps.mission_raw_path(config["cosmic"], mission, y, d)
            for y, d in batch_days
        ]

    return tarballs


def mission_resources(mission, n_days, key):
    """mem_mb or runtime of a mission ingest batch (estransport.steps.cosmic.resources)."""
    members = mission_steps.members_per_day(config["cosmic"], mission)
    return cosmic_steps.resources(
        config["cosmic"], "ingest", n_days=n_days, members=members
    )[key]


def combined_event_tables():
    """Event tables of every pooled mission (COSMIC-1's own paths for cosmic1)."""
    out = []
    for m in COMBINED_MISSIONS:
        if m == mission_steps.COSMIC1:
            out.extend(cosmic_event_tables())
        else:
            days = mission_steps.mission_days(config["cosmic"], m)
            out.extend(
                f"results/occultation/{m}/events/{y}/{d}.parquet" for y, d in days
            )
    return out


def combined_years():
    return mission_steps.combined_years(config["cosmic"])


def combined_coverage_params():
    """{mission: {min, max}} of the pooled missions (a param: changing it reruns the products)."""
    return {
        c.mission: {"min": c.lat_min, "max": c.lat_max}
        for c in mission_steps.combined_coverages(config["cosmic"])
        if c.mission in COMBINED_MISSIONS
    }


def mission_provenance(product, missions):
    return mission_steps.provenance_config(config["cosmic"], product, missions)


def fig2ab_mission_maps(wildcards):
    """The season map of a mission Fig. 2 panel (same panel/season rule as Fig. 2a,b)."""
    from estransport.plotting.style import FIG2_PANEL_SEASON

    season = FIG2_PANEL_SEASON[wildcards.panel]
    if wildcards.season != season.lower():
        raise WorkflowError(
            f"Fig. 2{wildcards.panel} is the {season} map: ask for "
            f"results/figures/{wildcards.set}/fig2{wildcards.panel}_s4max_{season.lower()}.png"
        )
    return f"results/occultation/{wildcards.set}/maps_{season}.nc"


def mission_figure_years(wildcards):
    if wildcards.set == mission_steps.COMBINED:
        return combined_years()
    return config["cosmic"]["missions"][wildcards.set]["years"]


def mission_product_targets():
    """QC summaries, maps and monthly climatologies of the missions and the combined set."""
    out = []
    for m in MISSIONS:
        out.append(f"results/occultation/{m}/qc_summary.csv")
        out.append(f"results/occultation/{m}/monthly_lat_alt.nc")
    if COMBINED_MISSIONS:
        out.append("results/occultation/combined/monthly_lat_alt.nc")
    for s in MISSION_FIGURE_SETS:
        out.extend(
            figure_outputs(f"{s}/fig2a_s4max_djf")
            + figure_outputs(f"{s}/fig2b_s4max_jja")
        )
    return out
