# Second study: metal ion clouds above 120 km (Chen et al. 2026; docs/science.md §9):
#   lidar files (synthetic Ca+ lidar in Madrigal HDF5 / canonical netCDF, or placed by hand)
#   -> results/lidar/profiles.nc (canonical layout, docs/formats.md §7.3)
#   -> results/lidar/{detections,tracks,detection_summary}.csv
#   WACCM-X history over the lidar (synthetic column with planted tides, or placed by hand)
#   -> results/lidar/column_state.nc -> column_drift.nc (+ convergence_nodes.csv)
#   tracks + drift -> predicted_trajectories.csv, descent_comparison.csv
#   tracks + the nearest ionosonde's hourly table -> es_superposed_epoch.csv, es_epoch_test.csv
#   -> three figures (paper target, second study).
LIDAR = config["lidar"]
# The planted Es response of the synthetic ionosonde (rule ionosonde_synthetic):
# (station, year) -> [planted_mics.csv] for the ionosonde linked to a synthetic lidar.
LIDAR_ES_TRUTH = {}
LIDAR_ES_RESPONSE = LIDAR["synthetic"]["es_response"]

if LIDAR["enabled"]:
    from estransport.steps.lidar import ES_RESPONSE_MAX_KM as _LIDAR_ES_MAX_KM
    from estransport.steps.lidar import distance_km as _lidar_distance
    from estransport.steps.lidar import nearest_station as _lidar_nearest
    from estransport.steps.lidar import parse_dates as _lidar_dates
    from estransport.steps.lidar import synthetic_period as _lidar_period
    from estransport.synthetic.lidar import LidarSite as _LidarSite
    from estransport.synthetic.lidar import night_file_name as _lidar_night_name
    from estransport.synthetic.waccmx_column import (
        history_file_names as _lidar_column_names,
    )

    if LIDAR["model"]["source"] == "synthetic" and LIDAR["source"] != "synthetic":
        raise WorkflowError(
            "Invalid configuration: lidar.model.source: synthetic plants tides for the synthetic "
            "lidar nights only; with real lidar files (lidar.source: files) give real WACCM-X "
            "files (lidar.model.source: files)"
        )
    LIDAR_SYN_DIR = "resources/lidar/synthetic"
    LIDAR_RAW = []  # synthetic lidar files (source synthetic)
    LIDAR_HISTORY = []  # synthetic column files (model.source synthetic)
    LIDAR_COLUMN_DIR = "resources/lidar/model/synthetic"
    _LIDAR_ST = LIDAR["station"]
    _LIDAR_ION = {
        "ion_mass_u": LIDAR["ion_mass_u"],
        "momentum_transfer": LIDAR["prediction"]["momentum_transfer"],
    }
    _LIDAR_NIGHTS, _, _ = _lidar_period(LIDAR["synthetic"])
    _LIDAR_CLOUDY = set(
        _lidar_dates(
            LIDAR["synthetic"]["cloudy_nights"], "lidar.synthetic.cloudy_nights"
        )
    )

    # the ionosonde the clouds are compared with: configured, or the nearest of the registry
    LIDAR_ES_STATION = LIDAR["es"]["station"] or _lidar_nearest(
        {c: (s.lat, s.lon) for c, s in IONO_PLAN.stations.items()},
        _LIDAR_ST["lat"],
        _LIDAR_ST["lon"],
    )
    if LIDAR_ES_STATION not in IONO_PLAN.stations:
        raise WorkflowError(
            f"Invalid configuration: lidar.es.station {LIDAR_ES_STATION!r} is not in "
            f"{IONO['stations']} ({sorted(IONO_PLAN.stations)})"
        )

    if LIDAR["source"] == "synthetic":
        _site = _LidarSite(
            _LIDAR_ST["name"],
            _LIDAR_ST["lat"],
            _LIDAR_ST["lon"],
            _LIDAR_ST["altitude_km"],
        )
        LIDAR_RAW = [
            f"{LIDAR_SYN_DIR}/{_lidar_night_name(_site, n, LIDAR['format'])}"
            for n in _LIDAR_NIGHTS
            if n not in _LIDAR_CLOUDY
        ]

        _es_site = IONO_PLAN.stations[LIDAR_ES_STATION]
        if (
            IONO["source"] == "synthetic"
            and LIDAR["synthetic"]["es_response"]["foEs_rise_MHz"] > 0
            and _lidar_distance(
                _LIDAR_ST["lat"], _LIDAR_ST["lon"], _es_site.lat, _es_site.lon
            )
            <= _LIDAR_ES_MAX_KM
        ):
            LIDAR_ES_TRUTH.update(
                {
                    (LIDAR_ES_STATION, year): [f"{LIDAR_SYN_DIR}/planted_mics.csv"]
                    for year in sorted({n.year for n in _LIDAR_NIGHTS})
                }
            )

        rule lidar_synthetic:
            """Write the synthetic lidar nights (planted clouds on the tidal nodes) and the planted truth."""
            output:
                nights=LIDAR_RAW,
                mics=f"{LIDAR_SYN_DIR}/planted_mics.csv",
                paths=f"{LIDAR_SYN_DIR}/planted_paths.csv",
                nodes=f"{LIDAR_SYN_DIR}/planted_nodes.csv",
            log:
                "logs/lidar/synthetic.log",
            benchmark:
                "benchmarks/lidar/lidar_synthetic.tsv"
            conda:
                ENV
            resources:
                # a few nights of 241 bins x ~70 profiles, and the clouds' paths every minute
                mem_mb=1000,
                runtime=10,
            params:
                synthetic=LIDAR["synthetic"],
                station=_LIDAR_ST,
                format=LIDAR["format"],
                species=LIDAR["species"],
                msis=config["model"]["msis"],
                ion=_LIDAR_ION,
                arrival_km=LIDAR["es"]["arrival_altitude_km"],
                seed=config["seed"],
            script:
                "../../scripts/lidar_synthetic.py"

    if LIDAR["model"]["source"] == "synthetic":
        LIDAR_HISTORY = [
            f"{LIDAR_COLUMN_DIR}/{name}"
            for name in _lidar_column_names(
                LIDAR["model"]["synthetic"]["case"], _LIDAR_NIGHTS
            )
        ]

        rule lidar_synthetic_column:
            """Write hourly WACCM-X column files over the lidar with the planted tides (CESM layout)."""
            output:
                history=LIDAR_HISTORY,
                truth=f"{LIDAR_COLUMN_DIR}/planted_column.nc",
            log:
                "logs/lidar/synthetic_column.log",
            benchmark:
                "benchmarks/lidar/lidar_synthetic_column.tsv"
            conda:
                ENV
            resources:
                # one day at a time: 24 x ~170 levels x 3 x 3 points
                mem_mb=1000,
                runtime=10,
            params:
                synthetic=LIDAR["synthetic"],
                model=LIDAR["model"]["synthetic"],
                station=_LIDAR_ST,
                msis=config["model"]["msis"],
                ion=_LIDAR_ION,
                seed=config["seed"],
            script:
                "../../scripts/lidar_synthetic_column.py"

    PAPER_TARGETS.extend(
        figure_outputs("fig_mic_time_altitude")
        + figure_outputs("fig_mic_descent_rates")
        + figure_outputs("fig_mic_es_epoch")
    )
    PRODUCT_TARGETS.extend(
        [
            "results/lidar/tracks.csv",
            "results/lidar/descent_comparison.csv",
            "results/lidar/es_epoch_test.csv",
            "results/lidar/convergence_nodes.csv",
        ]
    )

    rule lidar_profiles:
        """Read the lidar files (Madrigal HDF5 or canonical netCDF) into one canonical profile series."""
        input:
            # an input function: placed files (lidar.source: files) are looked for with every
            # other real source (real_inputs, common.smk), only by runs that need them
            raw=lambda wc: (
                real_inputs().lidar_raw if LIDAR["source"] == "files" else LIDAR_RAW
            ),
        output:
            profiles="results/lidar/profiles.nc",
        log:
            "logs/lidar/profiles.log",
        benchmark:
            "benchmarks/lidar/lidar_profiles.tsv"
        conda:
            ENV
        resources:
            # all nights in memory: profiles x bins x a few float64 arrays
            mem_mb=1000,
            runtime=10,
        params:
            format=LIDAR["format"],
            species=LIDAR["species"],
            madrigal=LIDAR["madrigal"],
            station=_LIDAR_ST,
        script:
            "../../scripts/lidar_profiles.py"

    rule lidar_cloud_tracks:
        """Detect clouds above the base (stated false-alarm rate), link them into tracks, fit descent rates."""
        input:
            profiles=rules.lidar_profiles.output.profiles,
        output:
            detections="results/lidar/detections.csv",
            tracks="results/lidar/tracks.csv",
            summary="results/lidar/detection_summary.csv",
        log:
            "logs/lidar/cloud_tracks.log",
        benchmark:
            "benchmarks/lidar/lidar_cloud_tracks.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            lidar={
                k: LIDAR[k]
                for k in (
                    "detection",
                    "tracking",
                    "main_layer_km",
                    "main_layer_halfwidth_km",
                    "es",
                )
            },
        script:
            "../../scripts/lidar_cloud_tracks.py"

    rule lidar_column_state:
        """Read the WACCM-X history files into the model state over the lidar (time x altitude)."""
        input:
            history=lambda wc: (
                real_inputs().lidar_history
                if LIDAR["model"]["source"] == "files"
                else LIDAR_HISTORY
            ),
        output:
            state="results/lidar/column_state.nc",
        log:
            "logs/lidar/column_state.log",
        benchmark:
            "benchmarks/lidar/lidar_column_state.tsv"
        conda:
            ENV
        threads: min(workflow.cores, 2)
        resources:
            # only the (at most 2 x 2) grid columns around the station are computed
            mem_mb=2000,
            runtime=30,
        params:
            model={
                k: config["model"][k]
                for k in (
                    "scale_height",
                    "composition",
                    "electric_field",
                    "ps_fallback",
                    "msis",
                )
            },
            altitude_km=LIDAR["model"]["altitude_km"],
            station=_LIDAR_ST,
        script:
            "../../scripts/lidar_column_state.py"

    rule lidar_column_drift:
        """Ion drift over the lidar from the existing physics (IGRF-14, collisions, A2-A5 with E) and its nodes."""
        input:
            state=rules.lidar_column_state.output.state,
        output:
            drift="results/lidar/column_drift.nc",
            nodes="results/lidar/convergence_nodes.csv",
        log:
            "logs/lidar/column_drift.log",
        benchmark:
            "benchmarks/lidar/lidar_column_drift.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            prediction=LIDAR["prediction"],
            ion_mass_u=LIDAR["ion_mass_u"],
            station=_LIDAR_ST,
        script:
            "../../scripts/lidar_column_drift.py"

    rule lidar_descent_prediction:
        """Integrate each track's ion trajectory from its first detection; observed against predicted."""
        input:
            detections=rules.lidar_cloud_tracks.output.detections,
            tracks=rules.lidar_cloud_tracks.output.tracks,
            drift=rules.lidar_column_drift.output.drift,
        output:
            trajectories="results/lidar/predicted_trajectories.csv",
            comparison="results/lidar/descent_comparison.csv",
        log:
            "logs/lidar/descent_prediction.log",
        benchmark:
            "benchmarks/lidar/lidar_descent_prediction.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            prediction=LIDAR["prediction"],
            arrival_km=LIDAR["es"]["arrival_altitude_km"],
        script:
            "../../scripts/lidar_descent_prediction.py"

    rule lidar_es_epoch:
        """Superposed-epoch foEs and h'Es at the nearest ionosonde around the arrivals; random-epoch test."""
        input:
            tracks=rules.lidar_cloud_tracks.output.tracks,
            hourly=f"results/ionosonde/{LIDAR_ES_STATION}/hourly.parquet",
        output:
            composite="results/lidar/es_superposed_epoch.csv",
            test="results/lidar/es_epoch_test.csv",
        log:
            "logs/lidar/es_epoch.log",
        benchmark:
            "benchmarks/lidar/lidar_es_epoch.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            es=LIDAR["es"],
            station=LIDAR_ES_STATION,
            seed=config["seed"],
        script:
            "../../scripts/lidar_es_epoch.py"

    rule fig_mic_time_altitude:
        """Second study: lidar density against time and altitude with clouds, tracks and predicted trajectories."""
        input:
            profiles=rules.lidar_profiles.output.profiles,
            detections=rules.lidar_cloud_tracks.output.detections,
            tracks=rules.lidar_cloud_tracks.output.tracks,
            trajectories=rules.lidar_descent_prediction.output.trajectories,
        output:
            png=report(
                "results/figures/fig_mic_time_altitude.png",
                caption="../report/fig_mic_time_altitude.rst",
                category="Second study: Chen et al. (2026)",
                labels={"figure": "MIC time-altitude"},
            ),
            extra=[f"results/figures/fig_mic_time_altitude{e}" for e in FIGURE_EXTS[1:]],
        log:
            "logs/figures/fig_mic_time_altitude.log",
        benchmark:
            "benchmarks/lidar/fig_mic_time_altitude.tsv"
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=10,
        params:
            lidar={k: LIDAR[k] for k in ("species", "figures", "detection", "es")},
            dpi=config["figures"]["dpi"],
        script:
            "../../scripts/plot_fig_mic_time_altitude.py"

    rule fig_mic_descent_rates:
        """Second study: observed against predicted descent rate of every track, with the 1:1 line."""
        input:
            comparison=rules.lidar_descent_prediction.output.comparison,
        output:
            png=report(
                "results/figures/fig_mic_descent_rates.png",
                caption="../report/fig_mic_descent_rates.rst",
                category="Second study: Chen et al. (2026)",
                labels={"figure": "MIC descent rates"},
            ),
            extra=[f"results/figures/fig_mic_descent_rates{e}" for e in FIGURE_EXTS[1:]],
        log:
            "logs/figures/fig_mic_descent_rates.log",
        benchmark:
            "benchmarks/lidar/fig_mic_descent_rates.tsv"
        conda:
            ENV
        resources:
            mem_mb=500,
            runtime=5,
        params:
            dpi=config["figures"]["dpi"],
        script:
            "../../scripts/plot_fig_mic_descent_rates.py"

    rule fig_mic_es_epoch:
        """Second study: superposed-epoch foEs and h'Es around the arrivals, with the random-epoch band."""
        input:
            composite=rules.lidar_es_epoch.output.composite,
            test=rules.lidar_es_epoch.output.test,
        output:
            png=report(
                "results/figures/fig_mic_es_epoch.png",
                caption="../report/fig_mic_es_epoch.rst",
                category="Second study: Chen et al. (2026)",
                labels={"figure": "MIC Es response"},
            ),
            extra=[f"results/figures/fig_mic_es_epoch{e}" for e in FIGURE_EXTS[1:]],
        log:
            "logs/figures/fig_mic_es_epoch.log",
        benchmark:
            "benchmarks/lidar/fig_mic_es_epoch.tsv"
        conda:
            ENV
        resources:
            mem_mb=500,
            runtime=5,
        params:
            es=LIDAR["es"],
            station_name=IONO_PLAN.stations[LIDAR_ES_STATION].name,
            dpi=config["figures"]["dpi"],
        script:
            "../../scripts/plot_fig_mic_es_epoch.py"
