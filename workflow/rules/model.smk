# Model fields and the Fe+ drift (paper Figs. 1 and 2c,d; docs/science.md 3-5, 8):
#   WACCM/CESM history files (synthetic generator, or real files placed by hand)
#   -> results/model/state.nc (time x altitude x lat x lon, CF)
#   -> results/drift/drift.nc (Fe+ drift and its U, V, W, ExB, Pedersen parts)
#   history files -> results/model/tem.nc (TEM residual circulation)
#   -> Fig. 1 and Fig. 2c,d.
# Computation and plotting are separate rules, so restyling never reruns the analysis.
# mem_mb and runtime of the computation rules follow the run's grid points
# (model_resources, common.smk; model.resources.safety_factor).

MODEL = config["model"]
MODEL_HISTORY = []  # synthetic history files (source synthetic)

if MODEL["source"] == "synthetic":
    from estransport.synthetic.waccm import history_file_names as _waccm_file_names

    MODEL_SYNTHETIC_DIR = "resources/model/synthetic"
    MODEL_HISTORY = [
        f"{MODEL_SYNTHETIC_DIR}/{name}"
        for name in _waccm_file_names(
            case=MODEL["synthetic"]["case"],
            year=MODEL["synthetic"]["year"],
            samples_per_day=MODEL["synthetic"]["samples_per_day"],
        )
    ]

    rule model_synthetic_history:
        """Write synthetic WACCM history files (CESM layout, planted truth) for the CESM reader."""
        output:
            history=MODEL_HISTORY,
            truth=f"{MODEL_SYNTHETIC_DIR}/planted_truth.nc",
        params:
            synthetic=MODEL["synthetic"],
            msis=MODEL["msis"],
        log:
            "logs/model/synthetic_history.log",
        benchmark:
            "benchmarks/model/synthetic_history.tsv"
        conda:
            ENV
        resources:
            # every month's fields are held (float64) before writing, so the request
            # follows the grid (model.synthetic lat/lon steps), as for the model rules
            mem_mb=model_resources("model_synthetic_history", "mem_mb"),
            runtime=model_resources("model_synthetic_history", "runtime"),
        script:
            "../../scripts/model_synthetic_history.py"


# Each computation rule gets only the keys it depends on, so that changing a
# figure setting never reruns the analysis (params are a rerun trigger).
_MODEL_KEYS = {
    "state": (
        "altitude_km",
        "scale_height",
        "composition",
        "electric_field",
        "ps_fallback",
        "msis",
    ),
    "drift": ("drift", "igrf_date"),
    "tem": ("altitude_km", "scale_height", "ps_fallback", "msis"),
}
MODEL_PARAMS = {step: {k: MODEL[k] for k in keys} for step, keys in _MODEL_KEYS.items()}


PAPER_TARGETS.extend(
    figure_outputs("fig1_ion_drift")
    + figure_outputs("fig2c_residual_circulation_djf")
    + figure_outputs("fig2d_residual_circulation_jja")
)


rule model_state:
    """Read the history files (lazily) into the CF model state on fixed altitudes."""
    input:
        history=model_history,
    output:
        state="results/model/state.nc",
    params:
        model=MODEL_PARAMS["state"],
    log:
        "logs/model/state.log",
    benchmark:
        "benchmarks/model/state.tsv"
    conda:
        ENV
    threads: min(workflow.cores, 2)
    resources:
        mem_mb=model_resources("model_state", "mem_mb"),
        runtime=model_resources("model_state", "runtime"),
    script:
        "../../scripts/model_state.py"


rule model_drift:
    """Fe+ drift from the generalized wind-shear theory, split by driver (U, V, W, ExB, Pedersen)."""
    input:
        state=rules.model_state.output.state,
    output:
        drift="results/drift/drift.nc",
    params:
        model=MODEL_PARAMS["drift"],
    log:
        "logs/model/drift.log",
    benchmark:
        "benchmarks/model/drift.tsv"
    conda:
        ENV
    threads: min(workflow.cores, 2)
    resources:
        mem_mb=model_resources("model_drift", "mem_mb"),
        runtime=model_resources("model_drift", "runtime"),
    script:
        "../../scripts/model_drift.py"


rule model_tem:
    """TEM residual circulation (v*, w*) from 3-D history fields on model levels."""
    input:
        history=model_history,
    output:
        tem="results/model/tem.nc",
    params:
        model=MODEL_PARAMS["tem"],
    log:
        "logs/model/tem.log",
    benchmark:
        "benchmarks/model/tem.tsv"
    conda:
        ENV
    threads: min(workflow.cores, 2)
    resources:
        mem_mb=model_resources("model_tem", "mem_mb"),
        runtime=model_resources("model_tem", "runtime"),
    script:
        "../../scripts/model_tem.py"


rule fig1_ion_drift:
    """Paper Fig. 1: meridional and vertical Fe+ drift driven by U, V and W (months of model.fig1)."""
    input:
        drift=rules.model_drift.output.drift,
    output:
        png=report(
            "results/figures/fig1_ion_drift.png",
            caption="../report/fig1.rst",
            category="Figure 1",
            labels={"figure": "Fig. 1"},
        ),
        extra=[f"results/figures/fig1_ion_drift{e}" for e in FIGURE_EXTS[1:]],
    params:
        fig=MODEL["fig1"],
        dpi=config["figures"]["dpi"],
    log:
        "logs/figures/fig1_ion_drift.log",
    benchmark:
        "benchmarks/model/fig1_ion_drift.tsv"
    conda:
        ENV
    resources:
        # streams drift.nc one time step at a time (a few MB per step even on a
        # 1.9 x 2.5 degree WACCM grid) into monthly zonal means; the rest is matplotlib
        mem_mb=2000,
        runtime=15,
    script:
        "../../scripts/plot_fig1.py"


rule fig2cd_residual_circulation:
    """Paper Fig. 2c,d: TEM residual mean meridional circulation, DJF and JJA."""
    input:
        tem=rules.model_tem.output.tem,
    output:
        png=report(
            "results/figures/fig2{panel}_residual_circulation_{season}.png",
            caption="../report/fig2cd.rst",
            category="Figure 2",
            subcategory="Residual circulation",
            labels={"figure": "Fig. 2{panel}", "season": "{season}"},
        ),
        extra=[
            f"results/figures/fig2{{panel}}_residual_circulation_{{season}}{e}"
            for e in FIGURE_EXTS[1:]
        ],
    params:
        fig=MODEL["fig2cd"],
        dpi=config["figures"]["dpi"],
    wildcard_constraints:
        panel="c|d",
        season="djf|jja",
    log:
        "logs/figures/fig2{panel}_residual_circulation_{season}.log",
    benchmark:
        "benchmarks/model/fig2cd_residual_circulation/{panel}_{season}.tsv"
    conda:
        ENV
    resources:
        # tem.nc is zonal-mean (time x altitude x lat): a few MB even for real WACCM
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/plot_fig2cd.py"
