"""Rule validation_ionosonde_configuration: every seed of one ionosonde Monte Carlo configuration, all estimators."""

from estransport.steps import run
from estransport.steps.validation import ionosonde_configuration

run(ionosonde_configuration, snakemake)  # noqa: F821
