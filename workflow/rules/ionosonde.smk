# Ionosonde foEs (paper Figs. 5 and 6; docs/science.md 7):
#   raw station-year files (synthetic generator, GIRO/UKSSDC download, or placed by hand)
#   -> results/ionosonde/{station}/hourly.parquet (one table schema for every format)
#   -> results/ionosonde/{peaks,station_means,regression}.csv, daily.parquet
#   -> Figs. 5 and 6.
# Station lists, years and file names come from estransport.ionosonde.plan.IonosondePlan
# (built from the config section by estransport.steps.ionosonde.ionosonde_plan);
# hand-placed sources (manual, ukssdc without a URL template) stop the DAG with one list
# of every missing file (MissingInputsError) before any job runs, together with the missing
# files of every other real source (real_inputs, common.smk).
# Every rule: a log under logs/ionosonde/ (downloads: logs/download/ionosonde/, figures:
# logs/figures/), a benchmark benchmarks/ionosonde/<rule>.tsv (per-station and
# per-station-year rules: benchmarks/ionosonde/<rule>/<wildcards>.tsv), mem_mb and runtime.
from estransport.errors import InputFileError as _IonoInputFileError
from estransport.steps.ionosonde import ionosonde_plan

IONO = config["ionosonde"]
try:
    IONO_PLAN = ionosonde_plan(IONO, workflow.basedir)
except (_IonoInputFileError, ConfigError, OSError) as err:
    raise WorkflowError(f"Invalid ionosonde configuration: {err}") from None

PAPER_TARGETS.extend(
    [
        "results/ionosonde/peaks.csv",
        "results/ionosonde/regression.csv",
        *figure_outputs("fig5_ionosondes"),
        *figure_outputs("fig6_peak_doy_latitude"),
    ]
)
PRODUCT_TARGETS.append("results/ionosonde/qc_summary.csv")


if IONO["source"] == "synthetic":

    rule ionosonde_synthetic:
        """Write one synthetic station-year in the station's format (planted truth)."""
        group:
            "ionosonde_station"  # a station's years and its parse in one cluster job (profiles/slurm)
        input:
            # the synthetic lidar's planted cloud arrivals, for the station the lidar is
            # linked to and the years of its nights (LIDAR_ES_TRUTH, workflow/rules/lidar.smk)
            mics=lambda wc: LIDAR_ES_TRUTH.get((wc.station, int(wc.year)), []),
        output:
            raw=IONO_PLAN.raw_pattern,
        params:
            station=lambda wc: IONO_PLAN.station_params(wc.station),
            seed=config["seed"],
            synthetic=IONO["synthetic"],
            es_response=lambda wc: (
                LIDAR_ES_RESPONSE
                if (wc.station, int(wc.year)) in LIDAR_ES_TRUTH
                else None
            ),
        wildcard_constraints:
            station=IONO_PLAN.codes_regex(),
            ext=IONO_PLAN.extensions,
        log:
            "logs/ionosonde/synthetic/{station}_{year}.{ext}.log",
        benchmark:
            "benchmarks/ionosonde/ionosonde_synthetic/{station}_{year}.{ext}.tsv"
        conda:
            ENV
        resources:
            mem_mb=500,
            runtime=5,
        script:
            "../../scripts/ionosonde_synthetic.py"

else:

    rule ionosonde_download_giro:
        """Download one station-year from GIRO DIDBase (DIDBGetValues, FastChar fallback)."""
        localrule: True
        output:
            raw=protected(IONO_PLAN.raw_pattern),
        params:
            station=lambda wc: IONO_PLAN.station_params(wc.station),
            giro=IONO["giro"],
        wildcard_constraints:
            station=IONO_PLAN.codes_regex("giro"),
            ext=IONO_PLAN.extensions,
        log:
            "logs/download/ionosonde/{station}_{year}.{ext}.log",
        benchmark:
            "benchmarks/ionosonde/ionosonde_download_giro/{station}_{year}.{ext}.tsv"
        conda:
            ENV
        retries: 0  # the library retries with backoff itself
        resources:
            mem_mb=500,  # one station-year of 5-minute DIDBase records, a few MB
            runtime=60,  # min; worst case 5 attempts x 300 s timeout + backoff, plus fallback
        script:
            "../../scripts/ionosonde_download_giro.py"

    if IONO["ukssdc"]["url_template"]:

        rule ionosonde_download_ukssdc:
            """Download one station-year from UKSSDC with the configured URL template."""
            localrule: True
            output:
                raw=protected(IONO_PLAN.raw_pattern),
            params:
                station=lambda wc: IONO_PLAN.station_params(wc.station),
                ukssdc=IONO["ukssdc"],
            wildcard_constraints:
                station=IONO_PLAN.codes_regex("ukssdc"),
                ext=IONO_PLAN.extensions,
            log:
                "logs/download/ionosonde/{station}_{year}.{ext}.log",
            benchmark:
                "benchmarks/ionosonde/ionosonde_download_ukssdc/{station}_{year}.{ext}.tsv"
            conda:
                ENV
            retries: 0  # the library retries with backoff itself
            resources:
                mem_mb=500,  # one station-year file, well under 1 MB
                runtime=60,  # min; worst case 5 attempts x 300 s timeout + backoff
            script:
                "../../scripts/ionosonde_download_ukssdc.py"


rule ionosonde_hourly:
    """Parse one station's raw files into the hourly table (confidence filter, one value per UT hour)."""
    group:
        "ionosonde_station"  # downloads stay local rules outside any group
    input:
        raw=ionosonde_raw_files,
    output:
        hourly="results/ionosonde/{station}/hourly.parquet",
        qc="results/ionosonde/{station}/qc.csv",
    params:
        station=lambda wc: IONO_PLAN.station_params(wc.station),
        confidence_filter=IONO["confidence_filter"],
        min_confidence=IONO["min_confidence"],
        keep_unknown_confidence=IONO["keep_unknown_confidence"],
        hourly=IONO["hourly"],
    wildcard_constraints:
        station=IONO_PLAN.codes_regex(),
    log:
        "logs/ionosonde/hourly/{station}.log",
    benchmark:
        "benchmarks/ionosonde/ionosonde_hourly/{station}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/ionosonde_hourly.py"


rule ionosonde_qc_summary:
    """foEs values dropped by each rule (confidence, hourly reduction), per station and year."""
    input:
        qc=lambda wc: [f"results/ionosonde/{c}/qc.csv" for c in IONO_PLAN.codes],
    output:
        summary=report(
            "results/ionosonde/qc_summary.csv",
            caption="../report/ionosonde_qc.rst",
            category="Tables",
            labels={"table": "ionosonde QC counts"},
        ),
    log:
        "logs/ionosonde/qc_summary.log",
    benchmark:
        "benchmarks/ionosonde/ionosonde_qc_summary.tsv"
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../../scripts/ionosonde_qc_summary.py"


rule ionosonde_analysis:
    """Daily means, smoothing, summer-peak DOY, station means and latitude-DOY fits (docs/science.md 7)."""
    input:
        hourly=ionosonde_hourly_tables,
        stations=IONO_PLAN.stations_file,
    output:
        peaks="results/ionosonde/peaks.csv",
        means="results/ionosonde/station_means.csv",
        regression="results/ionosonde/regression.csv",
        daily="results/ionosonde/daily.parquet",
    params:
        codes=IONO_PLAN.codes,
        station_years=IONO_PLAN.station_years,
        analysis=IONO["analysis"],
        seed=config["seed"],
    log:
        "logs/ionosonde/analysis.log",
    benchmark:
        "benchmarks/ionosonde/ionosonde_analysis.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../../scripts/ionosonde_analysis.py"


rule fig5_ionosondes:
    """Paper Fig. 5: station map and long-term smoothed foEs per chain."""
    input:
        daily="results/ionosonde/daily.parquet",
        stations=IONO_PLAN.stations_file,
    output:
        png=report(
            "results/figures/fig5_ionosondes.png",
            caption="../report/fig5.rst",
            category="Figure 5",
            labels={"figure": "Fig. 5"},
        ),
        extra=[f"results/figures/fig5_ionosondes{e}" for e in FIGURE_EXTS[1:]],
    params:
        figures=config["figures"],
        analysis=IONO["analysis"],
    log:
        "logs/figures/fig5_ionosondes.log",
    benchmark:
        "benchmarks/ionosonde/fig5_ionosondes.tsv"
    conda:
        ENV
    resources:
        mem_mb=1500,  # one matplotlib figure from the small ionosonde tables
        runtime=10,
    script:
        "../../scripts/plot_fig5.py"


rule fig6_peak_doy_latitude:
    """Paper Fig. 6: latitude against summer-peak DOY with the chain and all-station fits."""
    input:
        peaks="results/ionosonde/peaks.csv",
        means="results/ionosonde/station_means.csv",
        regression="results/ionosonde/regression.csv",
    output:
        png=report(
            "results/figures/fig6_peak_doy_latitude.png",
            caption="../report/fig6.rst",
            category="Figure 6",
            labels={"figure": "Fig. 6"},
        ),
        extra=[f"results/figures/fig6_peak_doy_latitude{e}" for e in FIGURE_EXTS[1:]],
    params:
        figures=config["figures"],
    log:
        "logs/figures/fig6_peak_doy_latitude.log",
    benchmark:
        "benchmarks/ionosonde/fig6_peak_doy_latitude.tsv"
    conda:
        ENV
    resources:
        mem_mb=1500,  # one matplotlib figure from the small ionosonde tables
        runtime=10,
    script:
        "../../scripts/plot_fig6.py"
