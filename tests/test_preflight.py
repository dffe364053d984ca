"""What can be known before any job runs: chain names, and every missing input of every real source.

Issue 10, items 3-5. Each check is tested on the library function and on a dry run of the
real Snakefile with a test configuration from ``config/test/``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from estransport.config import validate_config
from estransport.errors import ConfigError, MissingInputsError
from estransport.io.cdaac import days_of_period
from estransport.steps.ionosonde import ionosonde_plan
from estransport.steps.preflight import LOCAL_GAP_PATTERN, check_real_inputs, cosmic_local_days
from estransport.synthetic.cosmic import day_tarball_name, write_day_tarball

from .ionosonde_helpers import default_ionosonde
from .workflow_helpers import REPO, deep_update, default_config, make_workdir, snakemake
from .workflow_helpers import test_config as overlay

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


# ----------------------------------------------------------------------------- local COSMIC (4)

#: The days of config/test/cosmic_local.yaml (2008, every 60th day) that the test archive holds,
#: by stream; the other four are gaps.
PLACED = {1: "repro2013", 121: "postProc", 241: "repro2013"}
PERIOD = [doy for _, doy in days_of_period([2008], day_step=60)]
GAPS = [doy for doy in PERIOD if doy not in PLACED]


def place_archive(root: Path, placed: dict[int, str] = PLACED) -> Path:
    """A local archive in CDAAC's layout holding ``placed`` (DOY -> stream) of 2008."""
    for doy, stream in placed.items():
        path = root / "2008" / f"{doy:03d}" / day_tarball_name(2008, doy, stream)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_day_tarball(
            path,
            2008,
            doy,
            arcs_per_day=60,
            es_fraction=0.8,
            fill_fraction=0.02,
            empty_member_fraction=0.0,
            seed=5,
        )
    return root


def config_for(name: str, **overrides) -> dict:
    """The validated configuration of config/config.yaml + config/test/<name>.yaml."""
    return validate_config(deep_update(deep_update(default_config(), overlay(name)), overrides))


def test_every_missing_local_day_is_listed_with_its_paths_and_the_choices(tmp_path):
    root = place_archive(tmp_path / "archive")
    cfg = config_for("cosmic_local", cosmic={"local_archive": str(root)})
    with pytest.raises(MissingInputsError) as info:
        cosmic_local_days(cfg["cosmic"])
    err = info.value
    assert len(err.missing) == len(GAPS) == 4
    text = str(err)
    for doy in GAPS:
        day = root / "2008" / f"{doy:03d}"
        assert (
            f"{day}/scnLv1_repro2013_2008_{doy:03d}.tar.gz (or scnLv1_postProc_2008_{doy:03d}.tar.gz)"
            in text
        )
    for doy in PLACED:
        assert f"/{doy:03d}/" not in text
    assert "cosmic.cdaac.missing_day: empty" in text and "days_without_data" in text
    assert "lacks 4 of the 7 days" in text


def test_missing_local_days_become_empty_days_with_missing_day_empty(tmp_path):
    root = place_archive(tmp_path / "archive")
    cfg = config_for("cosmic_local_gap_empty", cosmic={"local_archive": str(root)})
    days, gaps = cosmic_local_days(cfg["cosmic"])
    assert gaps == [("2008", f"{doy:03d}") for doy in GAPS]
    assert days[("2008", "121")] == str(root / "2008" / "121" / "scnLv1_postProc_2008_121.tar.gz")
    assert days[("2008", "061")] == LOCAL_GAP_PATTERN.format(year="2008", doy="061")
    assert list(days) == [("2008", f"{doy:03d}") for doy in PERIOD]


def test_a_local_archive_that_is_not_a_directory_is_one_entry(tmp_path):
    cfg = config_for("cosmic_local", cosmic={"local_archive": str(tmp_path / "nowhere")})
    with pytest.raises(MissingInputsError) as info:
        cosmic_local_days(cfg["cosmic"])
    assert info.value.missing == [f"{tmp_path / 'nowhere'} (directory)"]
    assert "cosmic.local_archive" in str(info.value)


@pytest.mark.workflow
def test_dry_run_lists_every_missing_local_day_before_any_job(tmp_path):
    wd = make_workdir(tmp_path, "cosmic_local")
    place_archive(wd / "cosmic_archive")
    proc = snakemake(
        wd, "--cores", "1", "--dry-run", "results/occultation/qc_summary.csv", check=False
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    for doy in GAPS:  # Snakemake alone named only the first
        assert f"cosmic_archive/2008/{doy:03d}/scnLv1_repro2013_2008_{doy:03d}.tar.gz" in out
    assert "4 required input file(s) are missing (COSMIC local archive" in out
    assert "cosmic.cdaac.missing_day: empty" in out
    assert not (wd / "resources").exists() and not (wd / "results").exists()


@pytest.mark.workflow
def test_missing_day_empty_runs_a_gappy_local_archive(tmp_path):
    wd = make_workdir(tmp_path, "cosmic_local_gap_empty")
    place_archive(wd / "cosmic_archive")
    proc = snakemake(wd, "--cores", "2", "results/occultation/qc_summary.csv")
    assert "day(s) are not in the local COSMIC archive" in proc.stderr  # at DAG build
    summary = pd.read_csv(wd / "results" / "occultation" / "qc_summary.csv")
    counts = summary.set_index("reason")["count"]
    assert counts["days"] == len(PERIOD) and counts["days_without_data"] == len(GAPS)
    assert counts["total_members"] == 60 * len(PLACED)
    for doy in GAPS:
        log = (wd / "logs" / "occultation" / "local_gaps" / "2008" / f"{doy:03d}.log").read_text()
        assert "WARNING" in log and f"2008-{doy:03d}" in log and "without data" in log
    # the archive is read in place: nothing of it was copied
    assert not (wd / "resources" / "cosmic" / "scnLv1").exists()


# ----------------------------------------------------------------------------- every real source (5)


def test_missing_inputs_of_several_sources_combine_into_one_list():
    a = MissingInputsError(["a1", "a2"], "get a", source="source A")
    b = MissingInputsError(["b1"], "get b", source="source B")
    both = MissingInputsError.combine([a, b])
    assert isinstance(both, FileNotFoundError)
    assert both.missing == ["a1", "a2", "b1"] and both.parts == [a, b]
    text = str(both)
    assert text.startswith("3 required input file(s) are missing, from 2 sources")
    assert text.index("[1/2] 2 required input file(s) are missing (source A)") < text.index("get a")
    assert text.index("get a") < text.index("[2/2] 1 required input file(s) are missing (source B)")
    assert MissingInputsError.combine([a]) is a


def test_check_real_inputs_lists_every_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    place_archive(tmp_path / "cosmic_archive")
    cfg = config_for("real_sources_missing")
    with pytest.raises(MissingInputsError) as info:
        check_real_inputs(cfg, basedir=REPO)
    err = info.value
    assert [p.source.split(",")[0] for p in err.parts] == [
        "COSMIC local archive",
        "model history files",
        "ionosonde stations placed by hand",
    ]
    assert len(err.parts[0].missing) == len(GAPS)
    assert err.parts[1].missing == ["resources/model/waccm/*.cam.h0.*.nc (pattern matched no file)"]
    assert sorted(Path(p).name for p in err.parts[2].missing) == [
        "lerwick_1998.iiwg",
        "lisbon_1998.dat",
        "mohe_2006.sao",
        "ouagadougou_1998.iiwg",
        "shaoyang_2006.xml",
    ]


def test_synthetic_sources_need_no_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found = check_real_inputs(validate_config(default_config()), basedir=REPO)
    assert found.cosmic_days == {} and found.model_history is None


@pytest.mark.workflow
def test_dry_run_lists_every_missing_input_of_every_real_source_at_once(tmp_path):
    wd = make_workdir(tmp_path, "real_sources_missing")
    place_archive(wd / "cosmic_archive")
    proc = snakemake(wd, "--cores", "1", "--dry-run", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "from 3 sources" in out
    for doy in GAPS:
        assert f"cosmic_archive/2008/{doy:03d}/scnLv1_repro2013_2008_{doy:03d}.tar.gz" in out
    assert "resources/model/waccm/*.cam.h0.*.nc (pattern matched no file)" in out
    for name in (
        "lerwick/lerwick_1998.iiwg",
        "lisbon/lisbon_1998.dat",
        "mohe/mohe_2006.sao",
        "ouagadougou/ouagadougou_1998.iiwg",
        "shaoyang/shaoyang_2006.xml",
    ):
        assert f"resources/ionosonde/{name}" in out
    assert out.count("required input file(s) are missing, from 3 sources") == 1  # one list
    assert out.count("required input file(s) are missing") == 4  # the list, then one per source
    assert not (wd / "resources" / "model").exists() and not (wd / "results").exists()
