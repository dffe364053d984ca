"""Rule validation_model: TEM and the V-driven Fe+ flux against the planted fields."""

from estransport.steps import run
from estransport.steps.validation import model_headline

run(model_headline, snakemake)  # noqa: F821
