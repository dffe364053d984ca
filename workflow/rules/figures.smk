# Figures: cheap plotting rules, separate from the analysis rules they read.

PAPER_TARGETS.extend(
    figure_outputs("fig2a_s4max_djf") + figure_outputs("fig2b_s4max_jja")
)


rule fig2ab_s4max:
    """Paper Fig. 2a,b: global seasonal mean S4max with geomagnetic latitude contours."""
    input:
        maps=fig2ab_maps,
    output:
        png=report(
            "results/figures/fig2{panel}_s4max_{season}.png",
            caption="../report/fig2ab.rst",
            category="Figure 2",
            subcategory="S4max maps",
            labels={"figure": "Fig. 2{panel}", "season": "{season}"},
        ),
        extra=[
            f"results/figures/fig2{{panel}}_s4max_{{season}}{e}"
            for e in FIGURE_EXTS[1:]
        ],
    params:
        figures=config["figures"],
        years=config["cosmic"]["years"],
    wildcard_constraints:
        panel="a|b",
        season="djf|jja",
    log:
        "logs/figures/fig2{panel}_{season}.log",
    benchmark:
        "benchmarks/cosmic/fig2ab_s4max/fig2{panel}_{season}.tsv"
    conda:
        ENV
    resources:
        mem_mb=1500,
        runtime=10,
    script:
        "../../scripts/plot_fig2ab.py"
