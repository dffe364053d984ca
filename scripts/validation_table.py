"""Rule validation_table: the validation tables as one HTML page for the report."""

from estransport.steps import run
from estransport.steps.validation import table

run(table, snakemake)  # noqa: F821
