# Raw COSMIC scnLv1 day tarballs in resources/cosmic/scnLv1/{year}/{doy}.tar.gz,
# either written by the embedded-default generator or downloaded from CDAAC.
# With source "local" ingest reads the archive in place; a day the archive lacks is,
# with cosmic.cdaac.missing_day: empty, an empty day tarball (rule empty_scnlv1_day).

if config["cosmic"]["source"] == "synthetic":

    rule synthetic_scnlv1_day:
        """Write one synthetic scnLv1 day tarball (real format, planted Es climatology)."""
        group:
            "cosmic_day"  # one cluster job per batch of days (profiles/slurm: group-components)
        output:
            tarball="resources/cosmic/scnLv1/{year}/{doy}.tar.gz",
        params:
            seed=config["seed"],
            synthetic=config["cosmic"]["synthetic"],
        log:
            "logs/synthetic/scnlv1/{year}/{doy}.log",
        benchmark:
            "benchmarks/cosmic/synthetic_scnlv1_day/{year}/{doy}.tsv"
        conda:
            ENV
        resources:
            mem_mb=500,
            runtime=10,
        script:
            "../../scripts/synthetic_scnlv1_day.py"

elif config["cosmic"]["source"] == "cdaac":

    # One download job per ingest batch (COSMIC_BATCHES, common.smk): a 15-year run is
    # ~180 download jobs, not ~5,500, which keeps the dry run and the DAG small. A day
    # that fails does not stop its batch; the days it finished are kept (hard links
    # .kept-*) and a rerun fetches only the rest (estransport.io.download.download_batch).
    for batch, batch_days in COSMIC_BATCHES:

        rule:
            """Download a batch of CDAAC scnLv1 days (repro2013, falling back to postProc)."""
            name:
                f"download_scnlv1_batch_{batch}"
            localrule: True
            output:
                tarballs=[
                    protected(f"resources/cosmic/scnLv1/{y}/{d}.tar.gz")
                    for y, d in batch_days
                ],
            params:
                cdaac=config["cosmic"]["cdaac"],
                days=batch_days,
            log:
                f"logs/download/scnlv1/{batch}.log",
            benchmark:
                f"benchmarks/cosmic/download_scnlv1_batch/{batch}.tsv"
            conda:
                ENV
            resources:
                mem_mb=200,
                runtime=30 * len(batch_days),
            retries: 0  # the library retries with backoff itself
            script:
                "../../scripts/download_scnlv1_batch.py"

    rule cosmic_raw:
        """All the configured COSMIC-1 day tarballs: `snakemake cosmic_raw` downloads only."""
        localrule: True
        input:
            [f"resources/cosmic/scnLv1/{y}/{d}.tar.gz" for y, d in COSMIC_DAYS],

elif config["cosmic"]["source"] == "local":

    rule empty_scnlv1_day:
        """An empty day tarball for a day the local archive lacks (cosmic.cdaac.missing_day: empty)."""
        group:
            "cosmic_day"
        output:
            tarball=preflight.LOCAL_GAP_PATTERN,
        params:
            local_archive=config["cosmic"]["local_archive"],
            streams=config["cosmic"]["cdaac"]["streams"],
        log:
            "logs/occultation/local_gaps/{year}/{doy}.log",
        benchmark:
            "benchmarks/cosmic/empty_scnlv1_day/{year}/{doy}.tsv"
        conda:
            ENV
        resources:
            mem_mb=200,
            runtime=5,
        script:
            "../../scripts/empty_scnlv1_day.py"
