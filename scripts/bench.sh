#!/usr/bin/env bash
# Benchmarks whole-process runs of the `tkt` binary on a synthetic tracker
# (10,000 tickets, ~50,000 timeline entries, one git commit per action) made
# by examples/gen_corpus.rs, and prints a Markdown table. It builds with the
# `optimized` profile of Cargo.toml (fat LTO, one codegen unit: the fastest
# binary, slow to compile), not `--release` (tuned to compile quickly).
#
# Usage: scripts/bench.sh [--fresh] [--tickets N] [--seed N] [--runs N] [--warmup N]
#        scripts/bench.sh --stress [ROUNDS]
#        scripts/bench.sh [--seed N] --teams [ROUNDS]
#
#   --fresh       regenerate bench-data/tracker even if it exists
#   --tickets N   corpus size (default 10000; a different size regenerates)
#   --seed N      corpus seed (default 42)
#   --runs N      timed runs per command (default 15)
#   --warmup N    untimed runs before them (default 2)
#   --only REGEX  time only the commands whose label matches (grep -E)
#   --stress [N]  instead of timing: the crash test with N kills at random
#                 instants (default 2000; `cargo test` runs 100)
#   --teams [N]   instead of timing: the randomised team test (five clones
#                 syncing in random orders) with N rounds (default 200;
#                 `cargo test` runs 25); a --seed before it picks the seed
#   --web         instead of timing commands: 200 registrations through
#                 tkt serve's web form from 20 concurrent clients on a copy
#                 of the tracker (scripts/bench_web.py)
#   --mail [N]    instead of timing commands: `tkt mail import` of N varied
#                 mails (default 1000; scripts/gen_mail.py: new tickets,
#                 replies by In-Reply-To and by [TKT…] token, duplicates) in
#                 one mbox into a copy of the tracker, then the same mbox
#                 again (everything skipped)
#
# Read-only commands run on bench-data/tracker. Commands that write (`new`,
# `reply`) run on bench-data/work, a fresh copy made at each run of this
# script, which grows by one ticket / one reply per run (a few dozen on top
# of 10,000: negligible). Timings use hyperfine when installed, else a
# python3 loop (wall clock around each process, start-up included). Peak RSS
# comes from one extra run under /usr/bin/time -v, when available.
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=0
tickets=10000
seed=42
seed_given=0
runs=15
warmup=2
only=
web=0
mails=0
while [ $# -gt 0 ]; do
    case "$1" in
        --fresh) fresh=1 ;;
        --tickets) tickets="$2"; shift ;;
        --seed) seed="$2"; seed_given=1; shift ;;
        --runs) runs="$2"; shift ;;
        --warmup) warmup="$2"; shift ;;
        --only) only="$2"; shift ;;
        --web) web=1 ;;
        --mail)
            mails=1000
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then mails="$2"; shift; fi ;;
        --stress)
            rounds=2000
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then rounds="$2"; shift; fi
            echo "==> crash test with $rounds kills" >&2
            TKT_KILL_ROUNDS="$rounds" exec cargo test --release --test cli \
                crash_safety::a_hundred_kills -- --nocapture ;;
        --teams)
            rounds=200
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then rounds="$2"; shift; fi
            echo "==> team test with $rounds rounds" >&2
            if [ "$seed_given" = 1 ]; then export TKT_TEAM_SEED="$seed"; fi
            TKT_TEAM_ROUNDS="$rounds" exec cargo test --release --test cli \
                teams:: -- --nocapture ;;
        -h|--help) sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

data=bench-data
tracker="$data/tracker"
work="$data/work"
params="tickets=$tickets seed=$seed"
mkdir -p "$data"

echo "==> cargo build --profile optimized --examples --bins" >&2
cargo build --profile optimized --examples --bins >&2
# What was built, for the caption.
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    rev="$rev+uncommitted"
fi
target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
tkt="$target_dir/optimized/tkt"
gen="$target_dir/optimized/examples/gen_corpus"

if [ -f "$tracker/helpdesk.yaml" ] && [ "$fresh" = 0 ] &&
    [ "$(cat "$data/tracker.params" 2>/dev/null)" = "$params" ]; then
    echo "==> reusing $tracker ($params; --fresh to regenerate)" >&2
else
    echo "==> generating $tracker ($params)" >&2
    rm -rf "$tracker" "$data/tracker.params" "$data/generation.log"
    start=$(date +%s.%N)
    "$gen" "$tracker" --tickets "$tickets" --seed "$seed" 2>&1 | tee "$data/generation.log" >&2
    end=$(date +%s.%N)
    python3 -c "print(f'Wall clock: {$end - $start:.1f} s')" | tee -a "$data/generation.log" >&2
    echo "$params" > "$data/tracker.params"
fi

echo "==> copying the tracker to $work for the commands that write" >&2
rm -rf "$work"
cp -a "$tracker" "$work"

if [ "$web" = 1 ]; then
    # The form open to anyone, with a rate limit no benchmark reaches.
    cat >> "$work/helpdesk.yaml" <<'YAML'
web:
  base_url: https://help.example.org
  registration:
    open_to: anyone
  rate_limits:
    registrations_per_hour: 10000
YAML
    git -C "$work" commit -qam "bench: open the web form"
    echo "==> 200 registrations from 20 clients through tkt serve's form (on $work)" >&2
    exec python3 scripts/bench_web.py "$tkt" "$work" --total 200 --clients 20
fi

if [ "$mails" != 0 ]; then
    cat >> "$work/helpdesk.yaml" <<'YAML'
mail:
  address: helpdesk@ortega-lindqvist.example
  import:
    registration:
      open_to: domains
      domains: [ortega-lindqvist.example]
YAML
    git -C "$work" commit -qam "bench: take mail"
    "$tkt" --dir "$tracker" --as ana list --all --format json > "$data/tickets.json"
    echo "==> generating $mails mails: $(python3 scripts/gen_mail.py "$data/mails.mbox" \
        --tickets "$data/tickets.json" --count "$mails")" >&2
    for round in "first import" "the same mbox again"; do
        start=$(date +%s.%N)
        "$tkt" --dir "$work" --as ana mail import "$data/mails.mbox" > "$data/mail-import.log" 2>&1 || true
        end=$(date +%s.%N)
        summary=$(tail -1 "$data/mail-import.log")
        python3 -c "
s = $end - $start
print(f'tkt mail import, {\"$round\"}: {s:.1f} s for $mails mails, {$mails / s:.0f} mails/s, {1000 * s / $mails:.1f} ms per mail ({\"$summary\"})')"
    done
    exit 0
fi

# Read commands run as a member of the team, who sees every ticket (a
# reader nobody can identify sees only what the public may see).
admin=ana
# A closed ticket from the middle of the history for show/log, and an
# in-progress one to reply to.
read -r show_id reply_id < <("$tkt" --dir "$tracker" --as "$admin" list --all --format json | python3 -c '
import json, sys
ts = sorted(json.load(sys.stdin), key=lambda t: t["id"][3:].zfill(9))
mid = len(ts) // 2
show = next(t for t in ts[mid:] if t["status"] == "closed")
reply = next(t for t in ts[mid:] if t["status"] == "in-progress")
print(show["id"], reply["id"])')

# Two clones of a bare copy of the tracker, for `tkt sync`: clone b pushes 20
# actions (a new ticket first, then replies to 19 tickets); clone a holds,
# on the old remote state, either one local reply (replayed on top at sync)
# or one local registration under the folio b's new ticket took
# (renumbered at sync). Each timed sync starts again from those states.
team="$data/team"
echo "==> preparing two clones for tkt sync in $team" >&2
rm -rf "$team" && mkdir -p "$team"
git clone -q --bare "$tracker" "$team/remote.git"
git clone -q "$team/remote.git" "$team/a"
git clone -q "$team/remote.git" "$team/b"
for clone in a b; do
    git -C "$team/$clone" config user.name "Bench $clone"
    git -C "$team/$clone" config user.email "bench-$clone@example.org"
done
r0=$(git -C "$team/a" rev-parse HEAD)
mapfile -t open_ids < <("$tkt" --dir "$tracker" --as "$admin" list --format json | python3 -c '
import json, sys
for t in json.load(sys.stdin)[:20]: print(t["id"])')
"$tkt" --dir "$team/a" --as "$admin" reply "${open_ids[0]}" -m "A local reply, replayed at sync." 2>/dev/null
l_reply=$(git -C "$team/a" rev-parse HEAD)
git -C "$team/a" reset -q --hard "$r0"
"$tkt" --dir "$team/a" --as "$admin" new -s "Registered on clone a" -c technical -m "Renumbered at sync." >/dev/null 2>&1
l_new=$(git -C "$team/a" rev-parse HEAD)
git -C "$team/a" update-ref refs/bench/reply "$l_reply"
git -C "$team/a" update-ref refs/bench/new "$l_new"
git -C "$team/a" reset -q --hard "$r0"
"$tkt" --dir "$team/b" --as "$admin" new -s "Registered on clone b" -c technical -m "Pushed first." >/dev/null 2>&1
for id in "${open_ids[@]:1:19}"; do
    "$tkt" --dir "$team/b" --as "$admin" reply "$id" -m "A reply from clone b." 2>/dev/null
done
git -C "$team/b" push -q origin HEAD:main
r20=$(git -C "$team/b" rev-parse HEAD)
git -C "$team/a" pull -q --ff-only
# Back to "20 remote actions not fetched yet, one local commit".
sync_from() {
    echo "git -C $team/remote.git update-ref refs/heads/main $r20 && git -C $team/a update-ref refs/remotes/origin/main $r0 && git -C $team/a reset -q --hard $1"
}

# One command a line: label, a shell command run before each timed run (or
# `-`), then the arguments, separated by tabs.
commands="$data/commands.tsv"
tab=$'\t'
# A fresh build writes ~200 MB in 21,000 files. On the development VM, file
# creation on disk right after deleting the previous tree varies from 2 to
# 8 s (ext4 with online discard), which measures the disk, not tkt: fresh
# builds go to tmpfs, rebuilds over an existing site to the disk.
fresh_site=/dev/shm/tkt-bench-site
site="$data/site"
rm -rf "$site" && "$tkt" --dir "$tracker" build --out "$site" 2>/dev/null
{
    echo "tkt build (fresh, output on tmpfs)${tab}rm -rf $fresh_site${tab}$tkt${tab}--dir${tab}$tracker${tab}build${tab}--out${tab}$fresh_site"
    echo "tkt build (over the previous build, on disk)${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}build${tab}--out${tab}$site"
    echo "tkt build --audience public (fresh, tmpfs)${tab}rm -rf $fresh_site-public${tab}$tkt${tab}--dir${tab}$tracker${tab}build${tab}--audience${tab}public${tab}--out${tab}$fresh_site-public"
    echo "tkt list${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}list"
    echo "tkt list --all --format json${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}list${tab}--all${tab}--format${tab}json"
    echo "tkt show $show_id${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}show${tab}$show_id"
    echo "tkt show $show_id --json${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}show${tab}$show_id${tab}--json"
    echo "tkt new (on the copy)${tab}-${tab}$tkt${tab}--dir${tab}$work${tab}--as${tab}$admin${tab}new${tab}-s${tab}Benchmark ticket${tab}-c${tab}technical${tab}-p${tab}low${tab}-m${tab}Created by scripts/bench.sh."
    echo "tkt reply $reply_id (on the copy)${tab}-${tab}$tkt${tab}--dir${tab}$work${tab}--as${tab}$admin${tab}reply${tab}$reply_id${tab}-m${tab}A reply from scripts/bench.sh."
    echo "tkt log $show_id${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}log${tab}$show_id"
    echo "tkt check${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}check"
    echo "tkt audit (no cache: every commit)${tab}rm -f $tracker/.git/tkt/audit-_.json${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}audit"
    echo "tkt audit (nothing new since the last audit)${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}audit"
    echo "tkt kb search scanner rollers jam${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}kb${tab}search${tab}scanner${tab}rollers${tab}jam"
    echo "tkt report${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}report"
    echo "tkt report --by week --format csv${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}report${tab}--by${tab}week${tab}--format${tab}csv"
    echo "tkt report --by category --since 13w${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}report${tab}--by${tab}category${tab}--since${tab}13w"
    echo "tkt report (on the copy, after a reply each run)${tab}$tkt --dir $work --as $admin reply $reply_id -m 'Between two reports.' 2>/dev/null${tab}$tkt${tab}--dir${tab}$work${tab}report"
    echo "tkt report (no lifeline cache)${tab}rm -f $tracker/.git/tkt/lifelines.json${tab}$tkt${tab}--dir${tab}$tracker${tab}report"
    echo "tkt overdue${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}overdue"
    echo "tkt list --sla breached${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}list${tab}--sla${tab}breached"
    echo "tkt sla apply --dry-run${tab}-${tab}$tkt${tab}--dir${tab}$tracker${tab}--as${tab}$admin${tab}sla${tab}apply${tab}--dry-run"
    echo "git fetch (nothing new: what tkt sync runs first)${tab}-${tab}git${tab}-C${tab}$team/a${tab}fetch${tab}--quiet${tab}--no-tags${tab}origin${tab}+refs/heads/main:refs/remotes/origin/main"
    echo "tkt sync (nothing to do)${tab}-${tab}$tkt${tab}--dir${tab}$team/a${tab}--as${tab}$admin${tab}sync"
    echo "tkt sync (20 remote actions in, 1 local reply replayed, pushed)${tab}$(sync_from "$l_reply")${tab}$tkt${tab}--dir${tab}$team/a${tab}--as${tab}$admin${tab}sync"
    echo "tkt sync (20 remote actions in, 1 local registration renumbered, pushed)${tab}$(sync_from "$l_new")${tab}$tkt${tab}--dir${tab}$team/a${tab}--as${tab}$admin${tab}sync"
    echo "tkt build over the previous build, after a sync that brought 20 actions and replayed 1${tab}$(sync_from "$l_reply") && $tkt --dir $team/a --as $admin sync >/dev/null${tab}$tkt${tab}--dir${tab}$team/a${tab}build${tab}--out${tab}$data/site-a"
} > "$commands"
if [ -n "$only" ]; then
    grep -E -- "^[^$tab]*($only)" "$commands" > "$commands.only" || true
    mv "$commands.only" "$commands"
fi

if command -v hyperfine >/dev/null 2>&1; then
    timer=hyperfine
else
    timer=python3
fi
echo "==> timing with $timer: $warmup warm-up + $runs runs per command" >&2
table=$(python3 - "$commands" "$timer" "$warmup" "$runs" "$data" <<'PY'
import json, os, shlex, statistics, subprocess, sys, time

commands, timer, warmup, runs, data = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rows = []
for line in open(commands, encoding="utf-8"):
    label, prepare, *argv = line.rstrip("\n").split("\t")
    prepare = None if prepare == "-" else prepare
    print(f"    {label}", file=sys.stderr)
    if timer == "hyperfine":
        out = os.path.join(data, "hyperfine.json")
        subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", str(warmup),
                        "--runs", str(runs), "--export-json", out,
                        *(["--prepare", prepare] if prepare else []), shlex.join(argv)],
                       check=True, stdout=subprocess.DEVNULL)
        times = [t * 1000 for t in json.load(open(out))["results"][0]["times"]]
    else:
        def once():
            if prepare:
                subprocess.run(prepare, shell=True, check=True)
            start = time.perf_counter()
            done = subprocess.run(argv, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = (time.perf_counter() - start) * 1000
            if done.returncode != 0:
                sys.exit(f"bench.sh: {shlex.join(argv)} exited with {done.returncode}")
            return elapsed
        for _ in range(warmup):
            once()
        times = [once() for _ in range(runs)]
    rss = "-"
    if os.access("/usr/bin/time", os.X_OK):
        report = os.path.join(data, "time.txt")
        if prepare:
            subprocess.run(prepare, shell=True, check=True)
        subprocess.run(["/usr/bin/time", "-v", "-o", report, *argv], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        for l in open(report):
            if "Maximum resident set size" in l:
                rss = f"{int(l.split(':')[1]) / 1024:.0f}"
    rows.append((label, statistics.median(times), min(times), max(times), rss))
print("| command | median (ms) | min (ms) | max (ms) | peak RSS (MiB) |")
print("|---|---:|---:|---:|---:|")
for label, median, lo, hi, rss in rows:
    print(f"| `{label}` | {median:.1f} | {lo:.1f} | {hi:.1f} | {rss} |")
PY
)

echo "==> timing tkt serve's rebuild after one reply changes (on $work)" >&2
read -r rebuild_ms visible_ms < <(python3 scripts/bench_serve.py "$tkt" "$work" "$reply_id" --runs 10)

# Corpus facts for the caption.
n_tickets=$(find "$tracker/tickets" -mindepth 1 -maxdepth 1 -type d | wc -l)
n_entries=$(find "$tracker/tickets" -path '*/replies/*.md' | wc -l)
n_commits=$(git -C "$tracker" rev-list --count HEAD)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)

echo
echo "Corpus: $n_tickets tickets, $n_entries timeline entries, $n_commits commits" \
    "($params). Machine: $(nproc) × ${cpu:-unknown CPU}; $(git --version)." \
    "Whole-process wall time of \`tkt\` built with \`--profile optimized\` (commit $rev), warm cache, $warmup warm-up" \
    "+ $runs runs ($timer); peak RSS from one run under \`/usr/bin/time -v\`."
if [ -f "$data/generation.log" ]; then
    echo "Corpus generation (\`gen_corpus\`: simulation, git fast-import, checkout, git gc):" \
        "$(tail -1 "$data/generation.log" | sed 's/^Wall clock: //')."
fi
echo
echo "$table"
echo
echo "\`tkt serve\` after one reply of $reply_id changes (median of 10): rebuild ${rebuild_ms} ms" \
    "(reload, render, write); ${visible_ms} ms from the file write until an open page sees the" \
    "new version (includes the 120 ms debounce)."

