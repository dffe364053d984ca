#!/usr/bin/env bash
# The workflow through a real SLURM on localhost, compared with a local run.
#
#   bash .ci/slurm_test.sh          (as root; a few minutes; .ci/run calls it)
#
# 1. installs Debian's slurm-wlm and munge if they are missing;
# 2. starts a one-node cluster (docs/architecture.md §6): its own munged with its own key and
#    socket, slurmctld and `slurmd -N localhost` on free ports, state and logs in a
#    scratch directory; only slurm.conf must be at /etc/slurm/slurm.conf (see
#    below), and a file already there is restored on exit;
# 3. runs the small test configuration with --profile profiles/slurm
#    --profile profiles/slurm-localhost, and the same configuration locally with
#    --cores 2 beside it;
# 4. checks that the jobs went through SLURM: every sbatch job id in Snakemake's
#    log must be known to slurmctld (squeue --states=all, kept for MinJobAge) as
#    COMPLETED on node localhost, and the number of submissions and of grouped
#    per-day jobs must be what the dry run predicts;
# 5. builds the report of the SLURM run, and compares its results with the local
#    run's: netCDF with xarray `identical` (the provenance `history` attribute
#    dropped), Parquet and CSV with pandas, exactly; figures only for presence;
# 6. stops the daemons it started, by PID (trap on EXIT), also on failure.
#
# If SLURM cannot start, it prints why (daemon logs) and exits non-zero; it never
# skips. Set KEEP_SLURM_WORKDIR=1 to keep the scratch directory for inspection.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
T_START=$(date +%s)
say() { printf '[slurm_test %3ds] %s\n' "$(($(date +%s) - T_START))" "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }
# A child that has exited stays a zombie until waited for, and kill -0 still succeeds.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

[ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, starts munged/slurmctld/slurmd)"

# One test cluster at a time: they would share /etc/slurm/slurm.conf. (The daemons
# are started with the lock's descriptor closed, so only this script holds it.)
exec 9>/tmp/estransport-slurm-test.lock
if ! flock -n 9; then
    say "another .ci/slurm_test.sh is running; waiting for it (at most 20 min)"
    flock -w 1200 9 || die "another .ci/slurm_test.sh still holds /tmp/estransport-slurm-test.lock"
fi

# --- 1. software -------------------------------------------------------------------
[ -x .venv/bin/snakemake ] || make env
.venv/bin/python -c "import snakemake_executor_plugin_slurm" 2>/dev/null \
    || die "snakemake-executor-plugin-slurm is not in .venv (run: make env)"
missing_tools=()
for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel srun; do
    command -v "$tool" >/dev/null 2>&1 || missing_tools+=("$tool")
done
if [ ${#missing_tools[@]} -gt 0 ]; then
    say "installing slurm-wlm and munge (missing: ${missing_tools[*]})"
    export DEBIAN_FRONTEND=noninteractive
    # The packages' install scripts would start system munge/slurm daemons that this
    # script never stops: forbid service starts during the install (policy-rc.d exit
    # 101), unless the machine already has such a policy.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        own_policy=1
    fi
    # Wait for a dpkg lock held by e.g. unattended-upgrades on a fresh VM.
    apt_opts=(-o DPkg::Lock::Timeout=600)
    apt-get "${apt_opts[@]}" update -qq || { [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d; die "apt-get update failed"; }
    apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends slurm-wlm munge >/dev/null \
        || { [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d; die "apt-get install slurm-wlm munge failed"; }
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
fi
for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel srun; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool still missing after installing slurm-wlm and munge"
done
say "$(slurmctld -V), munge $(munged -V 2>&1 | awk '{print $1}' | sed 's/munge-//')"

# --- 2. a one-node cluster in a scratch directory ---------------------------------
WORK="$(mktemp -d /tmp/estransport-slurm-test.XXXXXX)"
chmod 755 "$WORK"
mkdir -p "$WORK"/{etc,log,run,state,spool/localhost,munge}
chmod 700 "$WORK/munge"
PIDS=()         # daemons we started, stopped in reverse order on exit
declare -A NAME_OF=()
LOCAL_PID=""    # the local reference run while it runs
SLURM_UP=0
CONF_WRITTEN=0  # 1 once /etc/slurm/slurm.conf is ours
CONF_BACKUP=""  # the file that was there before, if any

show_logs() {
    for f in "$WORK"/log/*.log; do
        [ -f "$f" ] || continue
        echo "----- last lines of $f -----" >&2
        tail -n 40 "$f" >&2
    done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [ -n "$LOCAL_PID" ] && kill -0 "$LOCAL_PID" 2>/dev/null; then
        kill -INT "$LOCAL_PID" 2>/dev/null  # timeout passes SIGINT on to snakemake
        wait "$LOCAL_PID" 2>/dev/null
    fi
    if [ "$SLURM_UP" -eq 1 ]; then
        # jobs left over from a failed run end before their daemons
        for jid in $(squeue -h -o %i --states=PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null); do
            scancel "$jid" 2>/dev/null
        done
    fi
    local i pid
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid="${PIDS[$i]}"
        kill -0 "$pid" 2>/dev/null || continue
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            say "daemon $pid ignored SIGTERM for 10 s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
    done
    if [ ${#PIDS[@]} -gt 0 ]; then
        say "stopped the daemons we started, by PID: $(for p in "${PIDS[@]}"; do printf '%s=%s ' "${NAME_OF[$p]}" "$p"; done)"
    fi
    if [ "$rc" -ne 0 ]; then
        show_logs
    fi
    if [ "$CONF_WRITTEN" -eq 1 ]; then
        if [ -n "$CONF_BACKUP" ]; then
            cp -p "$CONF_BACKUP" /etc/slurm/slurm.conf && say "restored the previous /etc/slurm/slurm.conf"
        else
            rm -f /etc/slurm/slurm.conf
        fi
    fi
    if [ "$rc" -ne 0 ]; then
        say "FAILED (exit $rc) after $(($(date +%s) - T_START)) s; scratch directory kept: $WORK"
    elif [ "${KEEP_SLURM_WORKDIR:-0}" = 1 ]; then
        say "scratch directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free TCP ports for slurmctld and slurmd, so that a SLURM already on this machine
# (or a previous run's leftovers) cannot clash with ours.
read -r CTLD_PORT SLURMD_PORT < <(.venv/bin/python - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)
NCPU=$(nproc)
MEM_MB=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
[ "$MEM_MB" -gt 16000 ] && MEM_MB=16000
[ "$MEM_MB" -ge 4000 ] || die "this machine has too little memory for the test (${MEM_MB} MB usable, 4000 needed)"
JOB_CPUS=$((NCPU < 2 ? NCPU : 2))

# Our own munge: its own key and socket in the scratch directory.
mungekey --create --keyfile="$WORK/munge/munge.key" --force >/dev/null 2>&1 \
    || dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
MUNGE_SOCKET="$WORK/munge/munge.socket"

# The configuration must sit at SLURM's default path, /etc/slurm/slurm.conf: the
# executor's job step (snakemake-executor-plugin-slurm-jobstep) removes SLURM_CONF
# from the environment of the srun it runs inside each job, so srun finds only the
# default path. A file already there is put back on exit.
export SLURM_CONF=/etc/slurm/slurm.conf
mkdir -p /etc/slurm
if [ -e "$SLURM_CONF" ]; then
    cp -p "$SLURM_CONF" "$WORK/etc/slurm.conf.orig"
    CONF_BACKUP="$WORK/etc/slurm.conf.orig"
fi
CONF_WRITTEN=1
cat >"$SLURM_CONF" <<EOF
# Written by .ci/slurm_test.sh for its one-node test cluster (removed or restored
# when it exits): no accounting database (docs/architecture.md §6).
ClusterName=estransport-ci
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool/%n
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Finished jobs stay visible to squeue for 10 min: the executor's status checks
# (squeue, no slurmdbd) and this script's checks read them there.
MinJobAge=3600
ReturnToService=2
SlurmdTimeout=60
MailProg=/bin/true
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

say "starting munged, slurmctld, slurmd in $WORK (ports $CTLD_PORT/$SLURMD_PORT, $NCPU CPUs, $MEM_MB MB)"
munged --foreground --force --socket="$MUNGE_SOCKET" --key-file="$WORK/munge/munge.key" \
    --pid-file="$WORK/run/munged.pid" --log-file="$WORK/log/munged.log" \
    --seed-file="$WORK/munge/munged.seed" >>"$WORK/log/munged.log" 2>&1 9>&- &
PIDS+=($!); NAME_OF[$!]=munged
for _ in $(seq 1 50); do [ -S "$MUNGE_SOCKET" ] && break; sleep 0.1; done
[ -S "$MUNGE_SOCKET" ] || die "munged did not create its socket $MUNGE_SOCKET"
munge --socket="$MUNGE_SOCKET" -n | unmunge --socket="$MUNGE_SOCKET" >/dev/null \
    || die "munge credential round trip failed"

slurmctld -D -i -f "$SLURM_CONF" >>"$WORK/log/slurmctld.log" 2>&1 9>&- &
PIDS+=($!); NAME_OF[$!]=slurmctld
slurmd -D -N localhost -f "$SLURM_CONF" >>"$WORK/log/slurmd.log" 2>&1 9>&- &
PIDS+=($!); NAME_OF[$!]=slurmd
SLURM_UP=1

deadline=$(($(date +%s) + 60))
until sinfo -h -N -o '%N %t' 2>/dev/null | grep -Eq '^localhost idle$'; do
    for pid in "${PIDS[@]}"; do
        alive "$pid" || die "${NAME_OF[$pid]} (pid $pid) exited during start-up: SLURM could not start"
    done
    if [ "$(date +%s)" -gt "$deadline" ]; then
        sinfo -N -l >&2 || true
        die "node localhost not idle in sinfo after 60 s: SLURM could not start"
    fi
    sleep 1
done
say "cluster up: $(sinfo -h -N -o '%N %P %t %c CPUs %m MB')"

# --- 3. the test configuration ------------------------------------------------------
# config/test/smoke.yaml: every slice at its smallest, an overlay on config/config.yaml
# (the working directory gets both, as the tests do with make_workdir).
make_config() {
    mkdir -p "$1/config"
    cp config/config.yaml config/stations.tsv "$1/config/"
    echo "config/test/smoke.yaml"
}
SLURM_WD="$WORK/run-slurm"
LOCAL_WD="$WORK/run-local"
say "test configuration $(make_config "$SLURM_WD")"
make_config "$LOCAL_WD" >/dev/null

SNAKE=(.venv/bin/snakemake --snakefile "$REPO/Snakefile" --configfile "$REPO/config/test/smoke.yaml")
SLURM_PROFILE=(--profile profiles/slurm --profile profiles/slurm-localhost --cores "$JOB_CPUS")

# The local reference run goes on beside the SLURM run (it needs no cluster, and
# the SLURM run spends much of its time waiting for the scheduler). Results must not
# depend on that: the same inputs give the same numbers whatever --cores is.
say "running the same configuration locally (--cores 2), beside the SLURM run"
LOCAL_LOG="$WORK/log/snakemake-local.log"
timeout -s INT -k 60 1200 "${SNAKE[@]}" --directory "$LOCAL_WD" --cores 2 >"$LOCAL_LOG" 2>&1 9>&- &
LOCAL_PID=$!

# What the DAG should submit: non-local single jobs plus group jobs (see
# tools/benchmark_dag.py for how local rules are recognised).
EXPECTED="$(.venv/bin/python tools/benchmark_dag.py --count-submissions --directory "$SLURM_WD" \
    -- --configfile "$REPO/config/test/smoke.yaml" "${SLURM_PROFILE[@]}")" \
    || die "could not count the expected submissions"
read -r EXP_SUBMIT EXP_GROUPS <<<"$EXPECTED"
say "dry run: $EXP_SUBMIT cluster submissions expected, $EXP_GROUPS of them group jobs"

say "running the workflow through SLURM"
SLURM_LOG="$WORK/log/snakemake-slurm.log"
if ! timeout -s INT -k 60 1200 "${SNAKE[@]}" --directory "$SLURM_WD" "${SLURM_PROFILE[@]}" \
        >"$SLURM_LOG" 2>&1; then
    tail -n 60 "$SLURM_LOG" >&2
    squeue --states=all -o '%i %j %T %r %N' >&2 || true
    die "the SLURM run failed (full log above: $SLURM_LOG)"
fi

# --- 4. did the jobs really go through SLURM? ------------------------------------------
.venv/bin/python - "$SLURM_LOG" "$SLURM_WD" "$EXP_SUBMIT" "$EXP_GROUPS" <<'EOF' || die "SLURM submission check failed"
import re
import subprocess
import sys
from pathlib import Path

log, wd, exp_submit, exp_groups = Path(sys.argv[1]).read_text(), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# group jobs have a UUID as Snakemake job id, single jobs a number
submitted = re.findall(r"Job (\S+) has been submitted with SLURM jobid (\d+) \(log: (\S+)\)\.", log)
run_id = re.search(r"SLURM run ID: (\S+)", log)
ids = [j for _, j, _ in submitted]
groups = [p for _, _, p in submitted if "/slurm_logs/group_" in p]
queue = subprocess.run(["squeue", "--states=all", "-h", "-o", "%i|%j|%T|%N"],
                       capture_output=True, text=True, check=True).stdout
known = {i: (name, state, node) for i, name, state, node in
         (ln.split("|") for ln in queue.splitlines() if ln.strip())}
problems = []
if not ids:
    problems.append("no 'submitted with SLURM jobid' line in the Snakemake log")
if len(ids) != exp_submit:
    problems.append(f"{len(ids)} submissions, the dry run predicted {exp_submit}")
if len(groups) != exp_groups:
    problems.append(f"{len(groups)} group jobs, the dry run predicted {exp_groups}")
for jid in ids:
    name, state, node = known.get(jid, ("?", "unknown to slurmctld", "?"))
    if state != "COMPLETED" or node != "localhost" or (run_id and name != run_id.group(1)):
        problems.append(f"SLURM job {jid}: {state} on {node}, name {name}")
logs = sorted((wd / ".snakemake" / "slurm_logs").rglob("*.log"))
if len(logs) != len(ids):
    problems.append(f"{len(logs)} SLURM job logs in .snakemake/slurm_logs, expected {len(ids)}")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
ids_i = sorted(map(int, ids))
print(f"SLURM: {len(ids)} jobs submitted with sbatch (SLURM job ids {ids_i[0]}-{ids_i[-1]}), "
      f"all COMPLETED on node localhost according to slurmctld (squeue --states=all)")
print(f"SLURM: {len(groups)} of them are group jobs batching the per-day COSMIC rules "
      f"({', '.join(sorted({next(x for x in Path(p).parts if x.startswith('group_')) for p in groups}))}); "
      f"{len(logs)} job logs in .snakemake/slurm_logs")
EOF

# --- 5. the report, the local run, and the comparison -------------------------------
# The report of a cluster run is built afterwards on the login node, as README says.
"${SNAKE[@]}" --directory "$SLURM_WD" --cores 1 --report "$WORK/report-slurm.html" >"$WORK/log/report.log" 2>&1 \
    || { tail -n 40 "$WORK/log/report.log" >&2; die "the report of the SLURM run failed"; }
[ "$(stat -c %s "$WORK/report-slurm.html")" -gt 100000 ] || die "the report of the SLURM run is suspiciously small"
say "report of the SLURM run built: $(($(stat -c %s "$WORK/report-slurm.html") / 1024)) KiB"

say "waiting for the local run"
LOCAL_RC=0
wait "$LOCAL_PID" || LOCAL_RC=$?
LOCAL_PID=""
[ "$LOCAL_RC" -eq 0 ] || { tail -n 60 "$LOCAL_LOG" >&2; die "the local run failed (exit $LOCAL_RC)"; }

.venv/bin/python tools/compare_results.py "$SLURM_WD/results" "$LOCAL_WD/results" \
    || die "SLURM and local results differ"
# Byte-identical too: no wall-clock time or host in any output (netCDF, Parquet, CSV,
# PNG, PDF), so checksums of every file agree between the cluster and the laptop.
.venv/bin/python tools/compare_results.py --bytes "$SLURM_WD/results" "$LOCAL_WD/results" \
    || die "SLURM and local results are equal in value but not byte-identical"

say "PASS: the test configuration ran through SLURM and matches the local run"
