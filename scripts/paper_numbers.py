"""Snakemake script of rule paper_numbers: workflow products -> results/tables/paper_numbers.csv."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.tables.paper_numbers import make_paper_numbers  # noqa: E402

make_paper_numbers(
    residual_drift_path=snakemake.input.residual,  # noqa: F821
    flux_path=snakemake.input.flux,  # noqa: F821
    flux_range_path=snakemake.input.ranges,  # noqa: F821
    monthly_path=snakemake.input.monthly,  # noqa: F821
    maps_paths={"DJF": snakemake.input.maps_djf, "JJA": snakemake.input.maps_jja},  # noqa: F821
    regression_path=snakemake.input.regression,  # noqa: F821
    out_path=snakemake.output.table,  # noqa: F821
    years=snakemake.params.years,  # noqa: F821
    transport_cfg=snakemake.params.transport,  # noqa: F821
)
