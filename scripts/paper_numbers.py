"""Rule paper_numbers: workflow products -> results/tables/paper_numbers.csv."""

from estransport.steps import run
from estransport.steps.transport import paper_numbers

run(paper_numbers, snakemake)  # noqa: F821
