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


if MISSION_FIGURE_SETS:

    rule fig2ab_s4max_mission:
        """Fig. 2a,b-style map of a current mission or of the combined set, hatched where not observed."""
        input:
            maps=fig2ab_mission_maps,
        output:
            png=report(
                "results/figures/{set}/fig2{panel}_s4max_{season}.png",
                caption="../report/fig2ab_missions.rst",
                category="Missions",
                subcategory="S4max maps",
                labels={
                    "set": "{set}",
                    "figure": "Fig. 2{panel}",
                    "season": "{season}",
                },
            ),
            extra=[
                f"results/figures/{{set}}/fig2{{panel}}_s4max_{{season}}{e}"
                for e in FIGURE_EXTS[1:]
            ],
        params:
            figures=config["figures"],
            years=mission_figure_years,
        wildcard_constraints:
            set="|".join(MISSION_FIGURE_SETS),
            panel="a|b",
            season="djf|jja",
        log:
            "logs/figures/{set}/fig2{panel}_{season}.log",
        benchmark:
            "benchmarks/cosmic/fig2ab_s4max_mission/{set}/fig2{panel}_{season}.tsv"
        conda:
            ENV
        resources:
            mem_mb=1500,
            runtime=10,
        script:
            "../../scripts/fig2ab_s4max_mission.py"
