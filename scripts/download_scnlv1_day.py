"""Snakemake script: download one CDAAC scnLv1 day tarball (rule download_scnlv1_day)."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 (snakemake is injected by the script directive)

from estransport.io.cdaac import download_scnlv1_day  # noqa: E402

download_scnlv1_day(
    int(snakemake.wildcards.year),  # noqa: F821
    int(snakemake.wildcards.doy),  # noqa: F821
    snakemake.output.tarball,  # noqa: F821
    **snakemake.params.cdaac,  # noqa: F821
)
