"""Rule synthetic_scnlv1_day: write one synthetic CDAAC scnLv1 day tarball."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.synthetic.cosmic import write_day_tarball  # noqa: E402

write_day_tarball(
    snakemake.output.tarball,  # noqa: F821
    int(snakemake.wildcards.year),  # noqa: F821
    int(snakemake.wildcards.doy),  # noqa: F821
    seed=snakemake.params.seed,  # noqa: F821
    **snakemake.params.synthetic,  # noqa: F821
)
