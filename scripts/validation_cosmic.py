"""Rule validation_cosmic: the COSMIC headline numbers over seeds against the planted climatology."""

from estransport.steps import run
from estransport.steps.validation import cosmic_headline

run(cosmic_headline, snakemake)  # noqa: F821
