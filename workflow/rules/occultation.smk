# COSMIC occultation events: day tarball -> event table -> seasonal maps.

PRODUCT_TARGETS.extend(
    ["results/occultation/qc_summary.csv", "results/occultation/monthly_lat_alt.nc"]
)


# One job per batch of cosmic.ingest.days_per_job days (COSMIC_BATCHES, common.smk): one
# process reads its days one after another and writes each day's event and QC table
# (per-day outputs, so Snakemake still sees, and reruns, every day; a batch is the unit
# of rerun). One rule per batch, because a rule's outputs are patterns of its wildcards
# and a batch's days are not; Snakemake's output index keeps the lookup cheap.
for batch, batch_days in COSMIC_BATCHES:

    rule:
        """Read a batch of day tarballs (no extraction to disk) into one event and one QC table a day."""
        name:
            f"ingest_scnlv1_batch_{batch}"
        group:
            "cosmic_day"  # with the synthetic days: one cluster job per batch (profiles/slurm)
        input:
            tarballs=cosmic_batch_tarballs(batch_days),
        output:
            events=[
                f"results/occultation/events/{y}/{d}.parquet" for y, d in batch_days
            ],
            qc=[f"results/occultation/qc/{y}/{d}.csv" for y, d in batch_days],
        params:
            qc=config["cosmic"]["qc"],
            ingest=config["cosmic"]["ingest"],
        log:
            f"logs/occultation/ingest/{batch}.log",
        benchmark:
            f"benchmarks/cosmic/ingest_scnlv1_batch/{batch}.tsv"
        conda:
            ENV
        resources:
            mem_mb=cosmic_resources("ingest", len(batch_days), "mem_mb"),
            runtime=cosmic_resources("ingest", len(batch_days), "runtime"),
        script:
            "../../scripts/ingest_scnlv1_batch.py"


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
        mem_mb=cosmic_resources("grid", len(COSMIC_DAYS), "mem_mb"),
        runtime=cosmic_resources("grid", len(COSMIC_DAYS), "runtime"),
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
        mem_mb=cosmic_resources("grid", len(COSMIC_DAYS), "mem_mb"),
        runtime=cosmic_resources("grid", len(COSMIC_DAYS), "runtime"),
    script:
        "../../scripts/monthly_lat_alt.py"
