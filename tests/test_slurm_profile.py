"""The SLURM profiles and the cluster-facing parts of the workflow (no cluster needed).

The real end-to-end test through a SLURM on localhost is .ci/slurm_test.sh; these
tests check, in a few seconds each, what that script would find out slowly:
the profiles are valid option sets for snakemake 9.27 with the SLURM plugin,
downloads stay on the login node, and the per-day jobs are batched into group jobs.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pytest
import yaml

from .workflow_helpers import REPO, make_workdir, snakemake

PROFILES = ["slurm", "slurm-localhost"]
#: Resource names that snakemake-executor-plugin-slurm documents (and snakemake's own).
PLUGIN_RESOURCES = {
    "slurm_account",
    "slurm_partition",
    "mem_mb",
    "mem_mb_per_cpu",
    "runtime",
    "cpus_per_task",
    "nodes",
    "tasks",
    "constraint",
    "qos",
    "slurm_extra",
}
#: Group-components of the site profile; the dry-run tests derive their expectations from it.
GROUP = "cosmic_day"


def _profile(name: str) -> dict:
    return yaml.safe_load((REPO / "profiles" / name / "config.yaml").read_text())


@pytest.fixture(scope="module")
def help_options() -> set[str]:
    """Every long option of ``snakemake --help`` (the SLURM plugin adds its own)."""
    out = subprocess.run(
        [sys.executable, "-m", "snakemake", "--help"], capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"(?<![\w-])--([a-z0-9][a-z0-9-]*)", out))


@pytest.mark.parametrize("name", PROFILES)
def test_profile_is_yaml_with_known_options(name, help_options):
    prof = _profile(name)
    assert isinstance(prof, dict) and prof
    assert "slurm-status-command" in help_options, (
        "snakemake-executor-plugin-slurm is not installed"
    )
    unknown = sorted(k for k in prof if k not in help_options)
    assert not unknown, f"profiles/{name}: not snakemake options: {unknown}"


@pytest.mark.parametrize("name", PROFILES)
def test_every_profile_entry_is_commented(name):
    """Each key has a comment above it or beside it; under a commented mapping the first
    entry may share the mapping's comment, every further entry needs its own."""
    lines = (REPO / "profiles" / name / "config.yaml").read_text().splitlines()
    bare = []
    for i, ln in enumerate(lines):
        if not re.match(r"^\s*[\w-]+:", ln) or "#" in ln:
            continue
        prev = next((p for p in reversed(lines[:i]) if p.strip()), "")
        is_comment = prev.lstrip().startswith("#")
        is_parent = prev.rstrip().endswith(":") and len(prev) - len(prev.lstrip()) < len(ln) - len(
            ln.lstrip()
        )
        if not (is_comment or is_parent):
            bare.append(ln.strip())
    assert not bare, f"profiles/{name}: entries without a comment: {bare}"


def test_site_profile_settings():
    prof = _profile("slurm")
    assert prof["executor"] == "slurm"
    res = prof["default-resources"]
    assert {"slurm_account", "slurm_partition", "mem_mb", "runtime", "cpus_per_task"} <= set(res)
    assert set(res) <= PLUGIN_RESOURCES, f"unknown resource names {set(res) - PLUGIN_RESOURCES}"
    # without slurmdbd, sacct answers nothing and a run would hang (docs/architecture.md §6)
    assert prof["slurm-status-command"] == "squeue"
    # the ingest rules batch days themselves (cosmic.ingest.days_per_job): one batch per job
    assert prof["group-components"][GROUP] == 1
    assert isinstance(prof["cores"], int) and prof["latency-wait"] >= 30


def test_localhost_profile_fits_the_test_cluster():
    prof = _profile("slurm-localhost")
    res = prof["default-resources"]
    assert res["slurm_partition"] == "debug" and "slurm_account" not in res
    assert prof["cores"] <= 2
    # a later profile replaces default-resources whole: nothing of the site profile may be lost
    assert set(_profile("slurm")["default-resources"]) - set(res) == {"slurm_account"}


def test_default_profile_does_not_override_the_slurm_profile():
    """profiles/default is the workflow profile: Snakemake lets it win over --profile, key by key."""
    default = _profile("default")
    for name in PROFILES:
        clash = {
            k: (default[k], v)
            for k, v in _profile(name).items()
            if k in default and default[k] != v
        }
        assert not clash, (
            f"profiles/default silently overrides profiles/{name} for {sorted(clash)} "
            "(default, slurm); machine settings belong in the machine's profile only"
        )


def _rule_block(path, name):
    """The body of ``rule name:``, or of a generated ``rule:`` whose ``name:`` starts with ``name``."""
    text = (REPO / path).read_text()
    for m in re.finditer(r"^(\s*)rule(?: (\w+))?:\n((?:\1\s+.*\n|\s*\n)+)", text, re.M):
        given = m.group(2) or re.search(
            r"^\s*name:\s*\n?\s*f?[\"']([^\"'{]*)", m.group(3), re.M
        ).group(1)
        if given == name:
            return m.group(3)
    raise AssertionError(f"rule {name} not found in {path}")


@pytest.mark.parametrize(
    "path, rule",
    [
        ("workflow/rules/cosmic_raw.smk", "download_scnlv1_batch_"),
        ("workflow/rules/missions.smk", "download_mission_day"),
        ("workflow/rules/ionosonde.smk", "ionosonde_download_giro"),
        ("workflow/rules/ionosonde.smk", "ionosonde_download_ukssdc"),
    ],
)
def test_downloads_are_local_rules_outside_groups(path, rule):
    """Compute nodes often have no internet; a grouped rule would be submitted despite localrule."""
    if not (REPO / path).exists():
        pytest.fail(f"{path} does not exist: a renamed rules file must update this test")
    block = _rule_block(path, rule)
    assert re.search(r"^\s*localrule:\s*True\b", block, re.M), f"{rule} is not a localrule"
    assert not re.search(r"^\s*group:", block, re.M), (
        f"{rule} is in a group, so it would be submitted"
    )


def _dry_run(wd, *args):
    return snakemake(wd, "--dry-run", "--profile", str(REPO / "profiles" / "slurm"), *args).stdout


def _groups(out):
    """Rules inside each printed group job, and the rules printed outside any group."""
    groups, singles = [], []
    for block in re.split(
        r"\n(?=\[[^\]]+\] Group job )|\n(?=\[[^\]]+\]\n(?:rule|checkpoint) )", out
    ):
        if " Group job " in block.split("\n", 1)[0]:
            groups.append(re.findall(r"^\s+rule (\w+):", block, re.M))
        else:
            singles += re.findall(r"^(?:rule|checkpoint) (\w+):", block, re.M)
    return groups, singles


def test_dry_run_groups_per_day_jobs_synthetic(tmp_path):
    days = 31  # day_step 12 over 2008
    wd = make_workdir(tmp_path, {"cosmic": {"years": [2008], "day_step": 12}})
    out = _dry_run(wd)
    groups, singles = _groups(out)
    iono = [g for g in groups if "ionosonde_hourly" in g]
    # The current missions' days (config.yaml: COSMIC-2 2022, every 45th day) in their group.
    # One batch of at most cosmic.ingest.days_per_job (30) days, one group job per batch.
    scint = [g for g in groups if any(r.startswith("ingest_cosmic2_batch_") for r in g)]
    scint_days = len(range(1, 366, 45))
    assert _profile("slurm")["group-components"]["scint_day"] == 1
    assert len(scint) == math.ceil(scint_days / 30)
    assert (
        sorted(scint[0])
        == ["ingest_cosmic2_batch_2022_001"] + ["synthetic_mission_day"] * scint_days
    )
    groups = [
        g for g in groups if g not in iono and g not in scint and "ionosonde_synthetic" not in g
    ]
    # one group job per ingest batch (cosmic.ingest.days_per_job, default 30): 16 + 15 days
    assert _profile("slurm")["group-components"][GROUP] == 1
    assert len(groups) == math.ceil(days / 30), out[-2000:]
    # The 10 stations' synthetic years and parses: one submission (10 stations per job).
    assert len(iono) == 1 and {r for g in iono for r in g} == {
        "ionosonde_synthetic",
        "ionosonde_hourly",
    }
    assert "ionosonde_hourly" not in singles and "ionosonde_synthetic" not in singles
    assert sorted(g.count("synthetic_scnlv1_day") for g in groups) == [15, 16]
    assert sorted(r for g in groups for r in g if r != "synthetic_scnlv1_day") == [
        "ingest_scnlv1_batch_2008_001",
        "ingest_scnlv1_batch_2008_193",
    ]
    assert not [r for r in singles if r.startswith("ingest_scnlv1") or r == "synthetic_scnlv1_day"]


def test_dry_run_groups_ingest_but_not_downloads(tmp_path):
    days = 31
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text(
        "cosmic: {source: cdaac, years: [2008], day_step: 12}\n"
    )
    out = _dry_run(tmp_path)
    groups, singles = _groups(out)
    groups = [g for g in groups if "ionosonde_hourly" not in g and "ionosonde_synthetic" not in g]
    assert len(groups) == math.ceil(days / 30)  # one batch per group job
    assert sorted(r for g in groups for r in g) == [
        "ingest_scnlv1_batch_2008_001",
        "ingest_scnlv1_batch_2008_193",
    ]
    # one download job per ingest batch (16 + 15 days), each a local job of its own
    assert sorted(r for r in singles if r.startswith("download_scnlv1")) == [
        "download_scnlv1_batch_2008_001",
        "download_scnlv1_batch_2008_193",
    ]
