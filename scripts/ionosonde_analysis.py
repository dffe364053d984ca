"""Rule ionosonde_analysis: summer-peak DOY per station-year and the latitude-DOY fits."""

from estransport.logutil import setup_logging

setup_logging(snakemake.log[0])  # noqa: F821

from estransport.ionosonde.pipeline import run_analysis  # noqa: E402

run_analysis(
    dict(zip(snakemake.params.codes, snakemake.input.hourly, strict=True)),  # noqa: F821
    snakemake.input.stations,  # noqa: F821
    snakemake.params.station_years,  # noqa: F821
    out_peaks=snakemake.output.peaks,  # noqa: F821
    out_means=snakemake.output.means,  # noqa: F821
    out_regression=snakemake.output.regression,  # noqa: F821
    out_daily=snakemake.output.daily,  # noqa: F821
    analysis_params=snakemake.params.analysis,  # noqa: F821
    seed=snakemake.params.seed,  # noqa: F821
)
