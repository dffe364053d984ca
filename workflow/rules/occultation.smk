# COSMIC occultation events: day tarball -> event table -> seasonal maps.

PRODUCT_TARGETS.extend(
    ["results/occultation/qc_summary.csv", "results/occultation/monthly_lat_alt.nc"]
)


rule ingest_scnlv1_day:
    """Read one day tarball (no extraction to disk) into an event table and a QC table."""
    group:
        "cosmic_day"  # one cluster job per batch of days (profiles/slurm: group-components)
    input:
        tarball=cosmic_raw_path,
    output:
        events="results/occultation/events/{year}/{doy}.parquet",
        qc="results/occultation/qc/{year}/{doy}.csv",
    params:
        qc=config["cosmic"]["qc"],
        ingest=config["cosmic"]["ingest"],
    log:
        "logs/occultation/ingest/{year}/{doy}.log",
    benchmark:
        "benchmarks/cosmic/ingest_scnlv1_day/{year}/{doy}.tsv"
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=10,
    script:
        "../../scripts/ingest_scnlv1_day.py"


rule cosmic_qc_summary:
    """Sum the per-day QC counts into one table (rejections per reason, per day and total)."""
    input:
        qc=cosmic_qc_tables(),
    output:
        summary="results/occultation/qc_summary.csv",
    log:
        "logs/occultation/qc_summary.log",
    benchmark:
        "benchmarks/cosmic/cosmic_qc_summary.tsv"
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=10,
    script:
        "../../scripts/cosmic_qc_summary.py"


rule seasonal_maps:
    """Stream the event tables into seasonal mean S4max and counts (CF netCDF), cosmic.maps cells."""
    input:
        events=cosmic_event_tables(),
    output:
        maps=expand(
            "results/occultation/maps_{season}.nc", season=["DJF", "MAM", "JJA", "SON"]
        ),
    params:
        maps=config["cosmic"]["maps"],
        qc=config["cosmic"]["qc"],
        years=config["cosmic"]["years"],
        # Only the keys that determine the maps: other cosmic keys must not trigger a rerun.
        config=cosmic_provenance("maps"),
    log:
        "logs/occultation/seasonal_maps.log",
    benchmark:
        "benchmarks/cosmic/seasonal_maps.tsv"
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=30,
    script:
        "../../scripts/seasonal_maps.py"


rule monthly_lat_alt:
    """Stream the event tables into the monthly zonal-mean latitude-altitude climatology (Fig. 3)."""
    input:
        events=cosmic_event_tables(),
    output:
        monthly="results/occultation/monthly_lat_alt.nc",
    params:
        monthly=config["cosmic"]["monthly"],
        qc=config["cosmic"]["qc"],
        years=config["cosmic"]["years"],
        config=cosmic_provenance("monthly"),
    log:
        "logs/occultation/monthly_lat_alt.log",
    benchmark:
        "benchmarks/cosmic/monthly_lat_alt.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=30,
    script:
        "../../scripts/monthly_lat_alt.py"
