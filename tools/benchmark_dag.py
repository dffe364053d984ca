"""Benchmark of the DAG of the full real-data configuration; prints its figures (not a test).

Run with ``.venv/bin/python tools/benchmark_dag.py`` (about half a minute). In a
scratch working directory it writes the 2006-2011 real-data configuration --
COSMIC ``source: cdaac`` every day of 2006-2011, and, if their rule files are
included in the Snakefile, the ionosonde stations (``source: real``, the
registry's periods) and model history files (``source: files``) -- and prints

(a) the wall time of ``snakemake --dry-run`` of the default target (target < 15 s),
    once plainly (``--scheduler greedy``, as the README advises for real data) and
    once with the SLURM profile (executor slurm, group components);
(b) the job count per rule of the dry run, and the number of cluster submissions
    with ``--profile profiles/slurm``: every group job counts once, every job of a
    non-local rule outside a group counts once, local rules (the downloads, and
    rules with nothing to run such as ``all``) are not submitted. Target: at most a
    few hundred.

Nothing is downloaded: a dry run only looks at the files. The inputs that a user
places by hand (ionosonde stations without a download source, the model history
files) are stood in for by empty files, so that the DAG can be built; the cdaac
day tarballs and the GIRO station-years are jobs of local download rules.

``--count-submissions --directory WD -- ARGS...`` prints only "SUBMISSIONS GROUPS"
for the dry run of an existing working directory with the given extra snakemake
arguments (used by .ci/slurm_test.sh to know what SLURM should receive).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
YEARS = list(range(2006, 2012))
#: Directives that give a rule something to run; a rule without any is not submitted.
RUN_DIRECTIVES = ("shell", "script", "run", "wrapper", "notebook", "cwl", "template_engine")


def included_rule_files() -> list[str]:
    """Names (without .smk) of the rule files the Snakefile includes."""
    text = (REPO / "Snakefile").read_text()
    return re.findall(r'^include:\s*"workflow/rules/(\w+)\.smk"', text, re.M)


def local_rules() -> set[str]:
    """Rules Snakemake never submits: ``localrule: True``, ``localrules:``, and rules with nothing to run.

    Read from the rule files, because a dry run does not say which jobs are local.
    A rule in a group is submitted with its group even if it is marked local; the
    count below does not need that case (group members are counted by group).
    """
    names: set[str] = set()
    sources = [REPO / "Snakefile"] + [
        REPO / "workflow" / "rules" / f"{n}.smk" for n in included_rule_files()
    ]
    for path in sources:
        lines = path.read_text().splitlines()
        for ln in lines:
            m = re.match(r"\s*localrules\s*:\s*(.+)", ln)
            if m:
                names |= {x.strip() for x in m.group(1).split(",") if x.strip()}
        for i, ln in enumerate(lines):
            m = re.match(r"^(\s*)(?:rule|checkpoint)\s+(\w+)\s*:", ln)
            if not m:
                continue
            indent, name = len(m.group(1)), m.group(2)
            body = []
            for nxt in lines[i + 1 :]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                body.append(nxt)
            text = "\n".join(body)
            if re.search(r"^\s*localrule\s*:\s*True\b", text, re.M):
                names.add(name)
            if not re.search(r"^\s*(" + "|".join(RUN_DIRECTIVES) + r")\s*:", text, re.M):
                names.add(name)
    return names


def dry_run(workdir: Path, extra: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, output) of one ``snakemake --dry-run``."""
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--dry-run",
        *extra,
    ]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
        raise SystemExit(f"dry run failed: {' '.join(cmd)}")
    return elapsed, cpu, proc.stdout + proc.stderr


def job_stats(output: str) -> Counter:
    table = re.search(r"Job stats:\njob\s+count\n[- ]+\n(.*?)\ntotal\s+(\d+)", output, re.S)
    if not table:
        raise SystemExit("no 'Job stats' table in the dry-run output")
    return Counter({r: int(n) for r, n in (ln.split() for ln in table.group(1).splitlines())})


def submissions(output: str) -> tuple[int, int, Counter, set[str]]:
    """(submissions, group jobs, group jobs per group id, rules in groups) from a dry run.

    In a dry run Snakemake prints each group job as "Group job <id> (jobs ...)"
    followed by its members indented, and every other job as "rule <name>:" at the
    start of a line.
    """
    groups = Counter(re.findall(r"Group job (\S+) \(jobs", output))
    singles = re.findall(r"^(?:rule|checkpoint) (\w+):", output, re.M)
    grouped = set(re.findall(r"^\s+(?:rule|checkpoint) (\w+):", output, re.M))
    local = local_rules()
    submitted_singles = [r for r in singles if r not in local]
    return sum(groups.values()) + len(submitted_singles), sum(groups.values()), groups, grouped


def write_real_config(wd: Path) -> list[str]:
    """The 2006-2011 real-data configuration in ``wd``; returns notes on what it covers."""
    included = set(included_rule_files())
    cfg: dict = {"cosmic": {"source": "cdaac", "years": YEARS, "day_step": 1}}
    notes = [f"COSMIC cdaac {YEARS[0]}-{YEARS[-1]} every day"]
    (wd / "config").mkdir(parents=True)
    if "ionosonde" in included:
        from estransport.ionosonde.sources import raw_path
        from estransport.ionosonde.stations import load_stations

        cfg["ionosonde"] = {"source": "real"}
        stations = load_stations(REPO / "config" / "stations.tsv")  # schema: package data
        placed = 0
        for st in stations:
            if st.source == "giro":
                continue  # downloaded by a local rule
            for year in range(st.first_year, st.last_year + 1):
                p = wd / raw_path("resources/ionosonde", st, year)
                p.parent.mkdir(parents=True, exist_ok=True)
                p.touch()
                placed += 1
        notes.append(
            f"{len(stations)} ionosonde stations (real, registry periods; "
            f"{placed} hand-placed station-years stood in for by empty files)"
        )
    else:
        notes.append("no ionosonde slice in the Snakefile yet")
    if "model" in included:
        cfg["model"] = {"source": "files"}
        hist = wd / "resources" / "model" / "waccm"
        hist.mkdir(parents=True)
        for y in YEARS:
            for m in range(1, 13):
                (hist / f"waccm.cam.h0.{y}-{m:02d}.nc").touch()
        notes.append(f"model history files ({12 * len(YEARS)} monthly files, empty stand-ins)")
    else:
        notes.append("no model slice in the Snakefile yet")
    (wd / "config" / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--count-submissions",
        action="store_true",
        help="only print 'SUBMISSIONS GROUPS' for --directory with the extra arguments",
    )
    parser.add_argument("--directory", type=Path)
    parser.add_argument("extra", nargs="*", help="extra snakemake arguments (after --)")
    args = parser.parse_args()

    if args.count_submissions:
        if not args.directory:
            parser.error("--count-submissions needs --directory")
        _, _, out = dry_run(args.directory, args.extra)
        n, g, _, _ = submissions(out)
        print(n, g)
        return

    slurm = ["--profile", "profiles/slurm"]
    with tempfile.TemporaryDirectory(prefix="estransport-dag-") as d:
        wd = Path(d) / "real"
        notes = write_real_config(wd)
        print("estransport DAG benchmark: the 2006-2011 real-data configuration")
        for note in notes:
            print(f"  - {note}")
        load = os.getloadavg()[0]
        plain_s, plain_cpu, plain_out = dry_run(wd, ["--cores", "2", "--scheduler", "greedy"])
        slurm_s, slurm_cpu, slurm_out = dry_run(wd, slurm)
        stats = job_stats(plain_out)
        n_sub, n_groups, per_group, grouped = submissions(slurm_out)

    local = local_rules()
    print(
        f"\n(a) dry run of {sum(stats.values()):,} jobs (target < 15 s), wall-clock (CPU) seconds, "
        f"on {os.cpu_count()} CPUs with load average {load:.1f} at the start:"
    )
    print(f"    plain (--cores 2 --scheduler greedy): {plain_s:5.1f} s ({plain_cpu:.1f} s CPU)")
    print(f"    with --profile profiles/slurm:         {slurm_s:5.1f} s ({slurm_cpu:.1f} s CPU)")
    print("\n(b) jobs per rule (dry run), and how they reach the cluster:")
    width = max(map(len, stats))
    for rule, n in stats.most_common():
        how = (
            "local (not submitted)"
            if rule in local
            else "batched into group jobs"
            if rule in grouped
            else "one submission each"
        )
        print(f"    {rule:<{width}}  {n:6d}  {how}")
    print(f"    {'total':<{width}}  {sum(stats.values()):6d}")
    groups_txt = ", ".join(f"{g}: {n}" for g, n in sorted(per_group.items())) or "none"
    print(
        f"\n    cluster submissions with --profile profiles/slurm: {n_sub} "
        f"({n_groups} group jobs [{groups_txt}], {n_sub - n_groups} single jobs); target: a few hundred"
    )


if __name__ == "__main__":
    main()
