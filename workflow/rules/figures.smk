# Figures: cheap plotting rules, separate from the analysis rules they read.

FIG2_PANELS = {"a": "DJF", "b": "JJA"}


def fig2ab_maps(wildcards):
    """The season map of a Fig. 2 panel; a panel/season mismatch (fig2a_..._jja) is an error."""
    season = FIG2_PANELS[wildcards.panel]
    if wildcards.season != season.lower():
        raise WorkflowError(
            f"Fig. 2{wildcards.panel} is the {season} map: ask for "
            f"results/figures/fig2{wildcards.panel}_s4max_{season.lower()}.png"
        )
    return f"results/occultation/maps_{season}.nc"

PAPER_TARGETS.extend(figure_outputs("fig2a_s4max_djf") + figure_outputs("fig2b_s4max_jja"))


rule fig2ab_s4max_map:
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
        extra=[f"results/figures/fig2{{panel}}_s4max_{{season}}{e}" for e in FIGURE_EXTS[1:]],
    params:
        figures=config["figures"],
        years=config["cosmic"]["years"],
    wildcard_constraints:
        panel="a|b",
        season="djf|jja",
    log:
        "logs/figures/fig2{panel}_{season}.log",
    conda:
        ENV
    resources:
        mem_mb=1500,
        runtime=10,
    script:
        "../../scripts/plot_fig2ab.py"
