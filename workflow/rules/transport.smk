# Fe+ transport (paper Figs. 3 and 4; docs/science.md 2, 5, 6) and the paper's numbers:
#   state.nc + drift.nc -> results/flux/fe_flux.nc -> flux_106km_range.csv -> Fig. 4
#   tem.nc + state.nc + drift.nc -> results/drift/residual_drift_monthly.nc
#   monthly_lat_alt.nc + residual drift -> Fig. 3
#   everything above + maps_DJF/JJA.nc + ionosonde regression.csv -> results/tables/paper_numbers.csv
# Computation and plotting are separate rules; each rule gets only the config keys it
# depends on (params are a rerun trigger), so restyling a figure never reruns the analysis
# and a new range definition (transport.range) reruns the range table, not the flux.
# Entry points: estransport.steps.transport (data) and estransport.steps.figures (Figs. 3, 4).

TRANSPORT = config["transport"]

# The paper's figures and tables go to the `paper` target; the intermediate products to `all`.
PAPER_TARGETS.extend(
    [
        *figure_outputs("fig3_es_monthly"),
        *figure_outputs("fig4_fe_flux"),
        "results/flux/flux_106km_range.csv",
        "results/tables/paper_numbers.csv",
    ]
)
PRODUCT_TARGETS.extend(
    ["results/flux/fe_flux.nc", "results/drift/residual_drift_monthly.nc"]
)


rule fe_flux:
    """Fe+ flux n(Fe+) v_i (full drift: winds, E x B, Pedersen), zonal mean, map level, divergence."""
    input:
        state=rules.model_state.output.state,
        drift=rules.model_drift.output.drift,
    output:
        flux="results/flux/fe_flux.nc",
    threads: min(workflow.cores, 2)  # dask pool size; more gives little on one node
    params:
        level_km=TRANSPORT["flux"]["level_km"],
    log:
        "logs/transport/fe_flux.log",
    benchmark:
        "benchmarks/transport/fe_flux.tsv"
    conda:
        ENV
    resources:
        mem_mb=model_resources("fe_flux", "mem_mb"),
        runtime=model_resources("fe_flux", "runtime"),
    script:
        "../../scripts/transport_fe_flux.py"


rule flux_range:
    """Range of the meridional Fe+ flux at the map level (transport.flux.level_km), one row per month."""
    input:
        flux=rules.fe_flux.output.flux,
    output:
        ranges="results/flux/flux_106km_range.csv",
    params:
        range=TRANSPORT["range"],
    log:
        "logs/transport/flux_range.log",
    benchmark:
        "benchmarks/transport/flux_range.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/transport_flux_range.py"


rule residual_drift:
    """Monthly Fe+ drift driven by the zonal-mean residual circulation and U (Fig. 3 arrows)."""
    input:
        tem=rules.model_tem.output.tem,
        state=rules.model_state.output.state,
        drift=rules.model_drift.output.drift,
    output:
        residual="results/drift/residual_drift_monthly.nc",
    params:
        residual_drift=TRANSPORT["residual_drift"],
    log:
        "logs/transport/residual_drift.log",
    benchmark:
        "benchmarks/transport/residual_drift.tsv"
    conda:
        ENV
    resources:
        mem_mb=model_resources("residual_drift", "mem_mb"),
        runtime=model_resources("residual_drift", "runtime"),
    script:
        "../../scripts/transport_residual_drift.py"


rule fig3_es_monthly:
    """Paper Fig. 3: monthly zonal-mean S4max, column-density ratio and residual-circulation drift."""
    input:
        monthly="results/occultation/monthly_lat_alt.nc",
        residual=rules.residual_drift.output.residual,
    output:
        png=report(
            "results/figures/fig3_es_monthly.png",
            caption="../report/fig3.rst",
            category="Figure 3",
            labels={"figure": "Fig. 3"},
        ),
        extra=[f"results/figures/fig3_es_monthly{e}" for e in FIGURE_EXTS[1:]],
    params:
        fig3=TRANSPORT["fig3"],
        dpi=config["figures"]["dpi"],
    log:
        "logs/figures/fig3_es_monthly.log",
    benchmark:
        "benchmarks/transport/fig3_es_monthly.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/plot_fig3.py"


rule fig4_fe_flux:
    """Paper Fig. 4: meridional Fe+ flux sections and maps at the map level, one row per month."""
    input:
        flux=rules.fe_flux.output.flux,
        ranges=rules.flux_range.output.ranges,
    output:
        png=report(
            "results/figures/fig4_fe_flux.png",
            caption="../report/fig4.rst",
            category="Figure 4",
            labels={"figure": "Fig. 4"},
        ),
        extra=[f"results/figures/fig4_fe_flux{e}" for e in FIGURE_EXTS[1:]],
    params:
        fig4=TRANSPORT["fig4"],
        coastline_shapefile=config["figures"]["coastline_shapefile"],
        dpi=config["figures"]["dpi"],
    log:
        "logs/figures/fig4_fe_flux.log",
    benchmark:
        "benchmarks/transport/fig4_fe_flux.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/plot_fig4.py"


rule paper_numbers:
    """This run's values of the numbers the paper quotes, next to the paper's (one row per quantity)."""
    input:
        residual=rules.residual_drift.output.residual,
        flux=rules.fe_flux.output.flux,
        ranges=rules.flux_range.output.ranges,
        monthly="results/occultation/monthly_lat_alt.nc",
        maps_djf="results/occultation/maps_DJF.nc",
        maps_jja="results/occultation/maps_JJA.nc",
        regression="results/ionosonde/regression.csv",
    output:
        table=report(
            "results/tables/paper_numbers.csv",
            caption="../report/paper_numbers.rst",
            category="Tables",
            labels={"table": "paper numbers"},
        ),
    params:
        flux=TRANSPORT["flux"],
        range=TRANSPORT["range"],
        velocity_region=TRANSPORT["velocity_region"],
        convergence=TRANSPORT["convergence"],
        es_band=TRANSPORT["es_band"],
        winter_trough=TRANSPORT["winter_trough"],
        years=config["cosmic"]["years"],
    log:
        "logs/tables/paper_numbers.log",
    benchmark:
        "benchmarks/transport/paper_numbers.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/paper_numbers.py"
