# The current missions (COSMIC-2, Spire; issue 11): day tarballs -> event tables ->
# per-mission and combined climatologies. COSMIC-1 (the paper) keeps its own rules
# and paths (cosmic_raw.smk, occultation.smk); the combined products pool it with
# the missions of cosmic.combined.missions. docs/formats.md §2, docs/science.md §2, current missions.

PRODUCT_TARGETS.extend(mission_product_targets())


if MISSIONS_SYNTHETIC:

    rule synthetic_mission_day:
        """Write one synthetic day tarball of a mission (real names and variables, planted Es)."""
        group:
            "scint_day"  # one cluster job per batch of days (profiles/slurm: group-components)
        output:
            tarball="resources/cosmic/{mission}/{year}/{doy}.tar.gz",
        params:
            seed=config["seed"],
            mission=lambda wildcards: config["cosmic"]["missions"][wildcards.mission],
        wildcard_constraints:
            mission="|".join(MISSIONS_SYNTHETIC),
        log:
            "logs/synthetic/{mission}/{year}/{doy}.log",
        benchmark:
            "benchmarks/cosmic/synthetic_mission_day/{mission}/{year}/{doy}.tsv"
        conda:
            ENV
        resources:
            mem_mb=1500,
            runtime=10,
        script:
            "../../scripts/synthetic_mission_day.py"


if MISSIONS_CDAAC:

    rule download_mission_day:
        """Download one CDAAC day tarball of a mission, trying its streams in turn."""
        localrule: True
        output:
            tarball=protected("resources/cosmic/{mission}/{year}/{doy}.tar.gz"),
        params:
            mission=lambda wildcards: config["cosmic"]["missions"][wildcards.mission],
        wildcard_constraints:
            mission="|".join(MISSIONS_CDAAC),
        log:
            "logs/download/{mission}/{year}/{doy}.log",
        benchmark:
            "benchmarks/cosmic/download_mission_day/{mission}/{year}/{doy}.tsv"
        conda:
            ENV
        resources:
            mem_mb=200,
            runtime=60,
        retries: 0  # the library retries with backoff itself
        script:
            "../../scripts/download_mission_day.py"


if MISSIONS:

    # One job per batch of cosmic.ingest.days_per_job days of a mission (MISSION_BATCHES,
    # common.smk), as COSMIC-1 (occultation.smk): one process reads its days one after
    # another and writes each day's event and QC table (per-day outputs, a batch is the
    # unit of rerun; a day it cannot read is recorded as day_failed).
    for mission, batch, batch_days in MISSION_BATCHES:

        rule:
            """Read a batch of a mission's day tarballs into one event and one QC table a day."""
            name:
                f"ingest_{mission}_batch_{batch}"
            group:
                "scint_day"  # with the synthetic days: one cluster job per batch (profiles/slurm)
            input:
                tarballs=mission_batch_tarballs(mission, batch_days),
            output:
                events=[
                    f"results/occultation/{mission}/events/{y}/{d}.parquet"
                    for y, d in batch_days
                ],
                qc=[
                    f"results/occultation/{mission}/qc/{y}/{d}.csv"
                    for y, d in batch_days
                ],
            params:
                name=mission,
                mission=config["cosmic"]["missions"][mission],
                qc=config["cosmic"]["qc"],
                ingest=config["cosmic"]["ingest"],
            log:
                f"logs/occultation/{mission}/ingest/{batch}.log",
            benchmark:
                f"benchmarks/cosmic/ingest_mission_batch/{mission}/{batch}.tsv"
            conda:
                ENV
            resources:
                mem_mb=mission_resources(mission, len(batch_days), "mem_mb"),
                runtime=mission_resources(mission, len(batch_days), "runtime"),
            script:
                "../../scripts/ingest_mission_batch.py"

    rule mission_qc_summary:
        """Sum one mission's per-day QC counts (rejections per reason, days without data)."""
        input:
            qc=mission_qc_tables,
        output:
            summary="results/occultation/{mission}/qc_summary.csv",
        wildcard_constraints:
            mission="|".join(MISSIONS),
        log:
            "logs/occultation/{mission}/qc_summary.log",
        benchmark:
            "benchmarks/cosmic/mission_qc_summary/{mission}.tsv"
        conda:
            ENV
        resources:
            mem_mb=500,
            runtime=10,
        script:
            "../../scripts/mission_qc_summary.py"

    rule mission_seasonal_maps:
        """One mission's seasonal mean S4max maps, blank (not zero) outside its coverage."""
        input:
            events=mission_event_tables,
        output:
            maps=expand(
                "results/occultation/{{mission}}/maps_{season}.nc",
                season=["DJF", "MAM", "JJA", "SON"],
            ),
        params:
            maps=config["cosmic"]["maps"],
            qc=config["cosmic"]["qc"],
            years=lambda wildcards: config["cosmic"]["missions"][wildcards.mission][
                "years"
            ],
            coverage=lambda wildcards: config["cosmic"]["missions"][wildcards.mission][
                "coverage_lat_deg"
            ],
            config=lambda wildcards: mission_provenance("maps", [wildcards.mission]),
        wildcard_constraints:
            mission="|".join(MISSIONS),
        log:
            "logs/occultation/{mission}/seasonal_maps.log",
        benchmark:
            "benchmarks/cosmic/mission_seasonal_maps/{mission}.tsv"
        conda:
            ENV
        resources:
            mem_mb=2000,
            runtime=30,
        script:
            "../../scripts/mission_seasonal_maps.py"

    rule mission_monthly_lat_alt:
        """One mission's monthly zonal-mean latitude-altitude climatology, blank outside its coverage."""
        input:
            events=mission_event_tables,
        output:
            monthly="results/occultation/{mission}/monthly_lat_alt.nc",
        params:
            monthly=config["cosmic"]["monthly"],
            qc=config["cosmic"]["qc"],
            years=lambda wildcards: config["cosmic"]["missions"][wildcards.mission][
                "years"
            ],
            coverage=lambda wildcards: config["cosmic"]["missions"][wildcards.mission][
                "coverage_lat_deg"
            ],
            config=lambda wildcards: mission_provenance("monthly", [wildcards.mission]),
        wildcard_constraints:
            mission="|".join(MISSIONS),
        log:
            "logs/occultation/{mission}/monthly_lat_alt.log",
        benchmark:
            "benchmarks/cosmic/mission_monthly_lat_alt/{mission}.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=30,
        script:
            "../../scripts/mission_monthly_lat_alt.py"


if COMBINED_MISSIONS:

    rule combined_seasonal_maps:
        """Seasonal mean S4max maps pooling the events of cosmic.combined.missions."""
        input:
            events=combined_event_tables(),
        output:
            maps=expand(
                "results/occultation/combined/maps_{season}.nc",
                season=["DJF", "MAM", "JJA", "SON"],
            ),
        params:
            maps=config["cosmic"]["maps"],
            qc=config["cosmic"]["qc"],
            years=combined_years(),
            coverages=combined_coverage_params(),
            config=mission_provenance("maps", COMBINED_MISSIONS),
        log:
            "logs/occultation/combined/seasonal_maps.log",
        benchmark:
            "benchmarks/cosmic/combined_seasonal_maps.tsv"
        conda:
            ENV
        resources:
            mem_mb=2000,
            runtime=30,
        script:
            "../../scripts/combined_seasonal_maps.py"

    rule combined_monthly_lat_alt:
        """Monthly latitude-altitude climatology pooling the events of cosmic.combined.missions."""
        input:
            events=combined_event_tables(),
        output:
            monthly="results/occultation/combined/monthly_lat_alt.nc",
        params:
            monthly=config["cosmic"]["monthly"],
            qc=config["cosmic"]["qc"],
            years=combined_years(),
            coverages=combined_coverage_params(),
            config=mission_provenance("monthly", COMBINED_MISSIONS),
        log:
            "logs/occultation/combined/monthly_lat_alt.log",
        benchmark:
            "benchmarks/cosmic/combined_monthly_lat_alt.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=30,
        script:
            "../../scripts/combined_monthly_lat_alt.py"
