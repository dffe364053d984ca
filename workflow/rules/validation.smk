# Monte Carlo validation (docs/science.md §10): bias, RMSE and interval coverage of the
# estimates, over many synthetic realisations with a planted truth.
#   per configuration (variant x planted slope): results/validation/ionosonde/per_seed/{configuration}.csv
#   -> results/validation/ionosonde_summary.csv, ionosonde_default_run.csv, the table (HTML) and
#      results/figures/validation_ionosonde.{png,...}
# Target: `snakemake validation` (not part of `all`: `make validation` also rebuilds the report).
from estransport.ionosonde.plan import resolve as _val_resolve
from estransport.validation.ionosonde_mc import configuration_name as _val_name

VAL = config["validation"]
# configuration name -> variant and planted slope (deg/day)
VAL_IONO = {
    _val_name(variant, slope): {"variant": variant, "slope": float(slope)}
    for variant, spec in VAL["ionosonde"]["variants"].items()
    for slope in spec["slopes"]
}
# configuration name -> station registry of its variant (ionosonde.stations when it has none)
VAL_STATIONS = {
    name: (
        _val_resolve(
            VAL["ionosonde"]["variants"][c["variant"]]["stations"], workflow.basedir
        )
        if VAL["ionosonde"]["variants"][c["variant"]]["stations"]
        else IONO_PLAN.stations_file
    )
    for name, c in VAL_IONO.items()
}
# The model's numbers have a planted truth only with the synthetic model.
VAL_HEADLINE = ["results/validation/cosmic_summary.csv"] + (
    ["results/validation/model_summary.csv"]
    if config["model"]["source"] == "synthetic"
    else []
)
VAL_IONO_TARGETS = [
    *VAL_HEADLINE,
    "results/validation/ionosonde_summary.csv",
    "results/validation/ionosonde_default_run.csv",
    "results/validation/validation_table.html",
    *figure_outputs("validation_ionosonde"),
]


rule validation:
    """Target: the Monte Carlo validation tables and figure (docs/science.md §10)."""
    input:
        VAL_IONO_TARGETS,


rule validation_ionosonde_configuration:
    """Every seed of one ionosonde configuration: all estimators with analytic and bootstrap intervals."""
    input:
        stations=lambda wc: VAL_STATIONS[wc.configuration],
    output:
        per_seed="results/validation/ionosonde/per_seed/{configuration}.csv",
    params:
        configuration=lambda wc: VAL_IONO[wc.configuration],
        validation=VAL,
        ionosonde=IONO,
    wildcard_constraints:
        configuration="|".join(VAL_IONO) or "no-configuration",
    threads: 1  # a process pool of job.threads workers; raise with --set-threads
    log:
        "logs/validation/ionosonde/{configuration}.log",
    benchmark:
        "benchmarks/validation/validation_ionosonde_configuration/{configuration}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,  # per worker: one seed's soundings (~10 station-years) and 1000 refits
        runtime=60,
    script:
        "../../scripts/validation_ionosonde_configuration.py"


rule validation_ionosonde_summary:
    """Bias, RMSE, spread and coverage per configuration and estimator; the default run's error split."""
    input:
        per_seed=expand(
            "results/validation/ionosonde/per_seed/{configuration}.csv",
            configuration=VAL_IONO,
        ),
        peaks="results/ionosonde/peaks.csv",
    output:
        summary="results/validation/ionosonde_summary.csv",
        default_run="results/validation/ionosonde_default_run.csv",
    params:
        validation=VAL,
        ionosonde=IONO,
        seed=config["seed"],
    log:
        "logs/validation/ionosonde_summary.log",
    benchmark:
        "benchmarks/validation/validation_ionosonde_summary.tsv"
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/validation_ionosonde_summary.py"


rule validation_ionosonde_figure:
    """Estimates against the planted drift over seeds, with intervals and the 1:1 line."""
    input:
        per_seed=rules.validation_ionosonde_summary.input.per_seed,
        summary=rules.validation_ionosonde_summary.output.summary,
    output:
        png=report(
            "results/figures/validation_ionosonde.png",
            caption="../report/validation_ionosonde.rst",
            category="Validation",
            labels={"figure": "ionosonde drift"},
        ),
        extra=[f"results/figures/validation_ionosonde{e}" for e in FIGURE_EXTS[1:]],
    params:
        figures=config["figures"],
        validation=VAL,
        ionosonde=IONO,
    log:
        "logs/validation/validation_ionosonde_figure.log",
    benchmark:
        "benchmarks/validation/validation_ionosonde_figure.tsv"
    conda:
        ENV
    resources:
        mem_mb=1500,
        runtime=10,
    script:
        "../../scripts/validation_ionosonde_figure.py"


rule validation_cosmic:
    """COSMIC headline numbers over seeds (maps at two resolutions, winter trough, Es band edges)."""
    output:
        per_seed="results/validation/cosmic_per_seed.csv",
        summary="results/validation/cosmic_summary.csv",
    params:
        validation=VAL,
        cosmic=config["cosmic"],
        transport={k: config["transport"][k] for k in ("es_band", "winter_trough")},
    threads: 1  # a process pool of job.threads workers; raise with --set-threads
    log:
        "logs/validation/validation_cosmic.log",
    benchmark:
        "benchmarks/validation/validation_cosmic.tsv"
    conda:
        ENV
    resources:
        mem_mb=1500,  # per worker: a day of events and the 1-degree grids
        runtime=60,
    script:
        "../../scripts/validation_cosmic.py"


rule validation_table:
    """The validation tables (default-run split, every estimator, headline numbers) as one HTML page."""
    input:
        ionosonde_summary=rules.validation_ionosonde_summary.output.summary,
        default_run=rules.validation_ionosonde_summary.output.default_run,
        headline=VAL_HEADLINE,
    output:
        table=report(
            "results/validation/validation_table.html",
            caption="../report/validation_table.rst",
            category="Validation",
            labels={"table": "bias and coverage"},
        ),
    params:
        ionosonde=IONO,
    log:
        "logs/validation/validation_table.log",
    benchmark:
        "benchmarks/validation/validation_table.tsv"
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../../scripts/validation_table.py"


if config["model"]["source"] == "synthetic":

    rule validation_model:
        """TEM v*, omega* and the V-driven Fe+ flux and its convergence band against the planted fields."""
        input:
            tem=rules.model_tem.output.tem,
            flux=rules.fe_flux.output.flux,
            truth=rules.model_synthetic_history.output.truth,
        output:
            summary="results/validation/model_summary.csv",
        params:
            model={k: config["model"][k] for k in ("synthetic", "msis")},
            transport={k: config["transport"][k] for k in ("flux", "convergence")},
        log:
            "logs/validation/validation_model.log",
        benchmark:
            "benchmarks/validation/validation_model.tsv"
        conda:
            ENV
        resources:
            mem_mb=2000,  # fe_flux.nc and the planted truth in memory
            runtime=10,
        script:
            "../../scripts/validation_model.py"
