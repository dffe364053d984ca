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

    rule download_scnlv1_day:
        """Download one CDAAC scnLv1 day (repro2013, falling back to postProc)."""
        localrule: True
        output:
            tarball=protected("resources/cosmic/scnLv1/{year}/{doy}.tar.gz"),
        params:
            cdaac=config["cosmic"]["cdaac"],
        log:
            "logs/download/scnlv1/{year}/{doy}.log",
        benchmark:
            "benchmarks/cosmic/download_scnlv1_day/{year}/{doy}.tsv"
        conda:
            ENV
        resources:
            mem_mb=200,
            runtime=30,
        retries: 0  # the library retries with backoff itself
        script:
            "../../scripts/download_scnlv1_day.py"

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
