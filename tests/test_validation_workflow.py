"""Workflow: `snakemake validation` at a reduced size (config/test/validation.yaml).

Checks the target's products, not its numbers (those are tested at full size in
tests/test_validation_ionosonde.py and tests/test_validation_headline.py): one per-seed
table per configuration with every estimator and seed, the summary with both interval
kinds, the default run's split, the COSMIC headline summary with planted values, the
model's numbers against the planted fields, the HTML table and the figure, and a
benchmark for every job.
"""

from __future__ import annotations

import pandas as pd
import pytest

from .workflow_helpers import make_workdir, snakemake
from .workflow_helpers import test_config as overlay

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    wd = make_workdir(tmp_path_factory.mktemp("validation_wf"), "validation")
    snakemake(wd, "--cores", "2", "validation")
    return wd


def test_per_seed_tables_and_summary(run):
    over = overlay("validation")["validation"]
    seeds = over["seeds"]
    confs = {"default_s1", "default_s8"}
    val = run / "results" / "validation"
    for conf in confs:
        t = pd.read_csv(val / "ionosonde" / "per_seed" / f"{conf}.csv")
        assert set(t["estimator"]) == {"paper", "inverse", "eiv", "station_year"}
        assert sorted(t["seed"].unique()) == list(range(1, seeds + 1))
    s = pd.read_csv(val / "ionosonde_summary.csv")
    assert set(s["configuration"]) == confs
    assert set(s["interval"]) == {"analytic", "bootstrap"}
    assert s["coverage"].between(0, 1).all()
    split = pd.read_csv(val / "ionosonde_default_run.csv")
    assert list(split["estimator"]) == ["paper", "inverse", "eiv", "station_year"]
    assert (split["configuration"] == "default_s1").all()
    assert (split["mc_seeds"] == seeds).all()


def test_headline_table_figure_and_benchmarks(run):
    val = run / "results" / "validation"
    h = pd.read_csv(val / "cosmic_summary.csv")
    assert (h["n_seeds"] == 3).all()
    assert h.loc[h["quantity"].str.contains("winter-trough"), "truth"].between(0, 0.3).all()
    m = pd.read_csv(val / "model_summary.csv").set_index("quantity")
    corr = m.loc[m.index.str.contains("correlation"), "mean"]
    assert len(corr) == 4 and (corr > 0.99).all()  # TEM v*, omega*, V-driven flux: planted
    page = (val / "validation_table.html").read_text()
    assert "chance" in page and "coverage" in page and "winter-trough" in page
    assert (run / "results" / "figures" / "validation_ionosonde.png").stat().st_size > 10_000
    bench = run / "benchmarks" / "validation"
    for name in (
        "validation_cosmic.tsv",
        "validation_model.tsv",
        "validation_ionosonde_summary.tsv",
        "validation_ionosonde_figure.tsv",
        "validation_table.tsv",
        "validation_ionosonde_configuration/default_s1.tsv",
    ):
        assert (bench / name).exists(), name
