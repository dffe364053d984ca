"""Rule ionosonde_hourly: parse one station's raw files into the hourly table."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.ionosonde.pipeline import write_hourly  # noqa: E402

write_hourly(
    list(snakemake.input.raw),  # noqa: F821
    snakemake.output.hourly,  # noqa: F821
    snakemake.params.station,  # noqa: F821
    config=snakemake.config["ionosonde"],  # noqa: F821
    min_confidence=snakemake.params.min_confidence,  # noqa: F821
    keep_unknown_confidence=snakemake.params.keep_unknown_confidence,  # noqa: F821
    **snakemake.params.hourly,  # noqa: F821
)
