# estransport: Yu et al. (2021, ACP 21, 4219) from raw data.
# The Snakefile holds no logic: configuration, includes and target rules only.
# Helpers, validation and wildcard constraints live in workflow/rules/common.smk.

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/cosmic_raw.smk"
include: "workflow/rules/occultation.smk"
include: "workflow/rules/missions.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/model.smk"
include: "workflow/rules/ionosonde.smk"
include: "workflow/rules/transport.smk"
include: "workflow/rules/lidar.smk"
include: "workflow/rules/validation.smk"


rule all:
    """Default target: the paper's figures and tables plus the other products (QC, climatologies)."""
    default_target: True
    input:
        all_targets(),


rule paper:
    """The paper's figures (PNG and the configured extra formats) and its quoted numbers."""
    input:
        figure_targets(),
