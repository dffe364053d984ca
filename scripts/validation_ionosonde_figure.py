"""Rule validation_ionosonde_figure: ionosonde estimates against the planted drift over seeds."""

from estransport.steps import run
from estransport.steps.validation import ionosonde_figure

run(ionosonde_figure, snakemake)  # noqa: F821
