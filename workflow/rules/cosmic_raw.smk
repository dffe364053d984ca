# Raw COSMIC scnLv1 day tarballs in resources/cosmic/scnLv1/{year}/{doy}.tar.gz,
# either written by the embedded-default generator or downloaded from CDAAC.
# With source "local" no rule here runs: ingest reads the archive in place.

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
