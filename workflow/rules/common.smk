# Shared helpers: config validation, day lists, input functions, wildcard constraints.
from snakemake.exceptions import WorkflowError

# Jobs import the installed package (`make env` installs it into .venv; conda
# users get it from envs/estransport.yaml): no sys.path or PYTHONPATH edits here.
from estransport.config import validate_config
from estransport.errors import ConfigError
from estransport.steps import cosmic as cosmic_steps

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
    return cosmic_steps.days(config["cosmic"])


def cosmic_event_tables():
    return [f"results/occultation/events/{y}/{d}.parquet" for y, d in cosmic_days()]


def cosmic_qc_tables():
    return [f"results/occultation/qc/{y}/{d}.csv" for y, d in cosmic_days()]


def cosmic_raw_path(wildcards):
    """The day tarball an ingest job reads: resources/ for synthetic/cdaac, the archive for local."""
    if config["cosmic"]["source"] == "local":
        from estransport.io.cdaac import local_archive_path

        return local_archive_path(
            config["cosmic"]["local_archive"],
            int(wildcards.year),
            int(wildcards.doy),
            config["cosmic"]["cdaac"]["streams"],
        )
    return f"resources/cosmic/scnLv1/{wildcards.year}/{wildcards.doy}.tar.gz"


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
