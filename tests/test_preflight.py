"""What can be known before any job runs: chain names, and every missing input of every real source.

Issue 10, items 3-5. Each check is tested on the library function and on a dry run of the
real Snakefile with a test configuration from ``config/test/``.
"""

from __future__ import annotations

import copy

import pytest

from estransport.errors import ConfigError
from estransport.steps.ionosonde import ionosonde_plan

from .ionosonde_helpers import default_ionosonde
from .workflow_helpers import make_workdir, snakemake

# ----------------------------------------------------------------------------- chain names (3)


def _synthetic_years(**years) -> dict:
    cfg = copy.deepcopy(default_ionosonde())
    cfg["synthetic"]["years"] = years
    return cfg


def test_a_misspelled_chain_is_a_config_error_naming_the_key_and_the_chains(repo):
    cfg = _synthetic_years(Grenwich=[1996, 1997], **{"120E": [2009, 2010]})
    with pytest.raises(ConfigError) as info:
        ionosonde_plan(cfg, repo)
    err = info.value
    assert err.key == "ionosonde.synthetic.years.Grenwich"
    text = str(err)
    assert "'120E', 'Greenwich'" in text  # the chains the registry has
    assert "config/stations.tsv" in text  # which registry
    assert "did you mean 'Greenwich'" in text


def test_every_unknown_chain_is_named(repo):
    cfg = _synthetic_years(Grenwich=[1996, 1997], **{"120W": [2009, 2010]})
    with pytest.raises(ConfigError) as info:
        ionosonde_plan(cfg, repo)
    assert info.value.key == "ionosonde.synthetic.years.120W"  # sorted: the first one
    assert "ionosonde.synthetic.years.Grenwich" in str(info.value)


def test_known_chains_and_the_real_source_pass(repo):
    plan = ionosonde_plan(_synthetic_years(Greenwich=[1996, 1996]), repo)
    assert plan.station_years["lerwick"] == [1996]
    assert plan.station_years["mohe"] == list(range(2006, 2017))  # not listed: registry years
    # synthetic.years is not used by the real source: a stale entry is no error there
    real = {**_synthetic_years(Grenwich=[1996, 1997]), "source": "real"}
    assert ionosonde_plan(real, repo).source == "real"


@pytest.mark.workflow
def test_dry_run_stops_on_a_misspelled_chain_before_any_job(tmp_path):
    wd = make_workdir(tmp_path, "invalid_chain")  # ionosonde.synthetic.years.Grenwich
    proc = snakemake(wd, "--cores", "1", "--dry-run", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "ionosonde.synthetic.years.Grenwich" in out
    assert "'120E', 'Greenwich'" in out
    assert "Job stats" not in out  # no DAG of jobs was listed
    assert not (wd / "resources").exists() and not (wd / "results").exists()
