# Shared helpers: config validation, day lists, input functions, wildcard constraints.
import datetime as _dt

from snakemake.exceptions import WorkflowError

# Jobs import the installed package (`make env` installs it into .venv; conda
# users get it from envs/estransport.yaml): no sys.path or PYTHONPATH edits here.
from estransport.config import validate_config
from estransport.errors import ConfigError

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
    step = config["cosmic"]["day_step"]
    days = []
    for year in config["cosmic"]["years"]:
        ndays = 366 if _dt.date(year, 12, 31).timetuple().tm_yday == 366 else 365
        days.extend((f"{year:04d}", f"{doy:03d}") for doy in range(1, ndays + 1, step))
    return days


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
    c = config["cosmic"]
    return {"source": c["source"], "years": c["years"], "day_step": c["day_step"], "qc": c["qc"],
            product: c[product]}
