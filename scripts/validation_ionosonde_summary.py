"""Rule validation_ionosonde_summary: bias, RMSE and coverage of the ionosonde estimators; the default run's error split."""

from estransport.steps import run
from estransport.steps.validation import ionosonde_summary

run(ionosonde_summary, snakemake)  # noqa: F821
