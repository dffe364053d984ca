"""Snakemake script of rule fe_flux: state.nc + drift.nc -> Fe+ flux (m-2 s-1) and its range at 106 km."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821 - injected by Snakemake

from estransport.physics.flux import make_fe_flux  # noqa: E402

make_fe_flux(
    snakemake.input.state,  # noqa: F821
    snakemake.input.drift,  # noqa: F821
    snakemake.output.flux,  # noqa: F821
    snakemake.output.ranges,  # noqa: F821
    snakemake.params.transport,  # noqa: F821
    threads=snakemake.threads,  # noqa: F821
)
