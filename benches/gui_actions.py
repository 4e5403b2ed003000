#!/usr/bin/env python3
"""Runs the window for `benches/gui-actions` and prints its table.

    benches/gui_actions.py --bin BIN --config DIR --runtime DIR --logs DIR \
        --scratch DIR --runs N --rounds N --idle-store DIR --sync-store DIR \
        --account NAME

Each run copies a store into the scratch dir and starts the release binary
on it twice, alternating: with POSTEL_BENCH_TIMING=actions-idle:N@ACCOUNT
on the store that holds every mailbox, and with actions-sync:N@ACCOUNT on
the one the live account's first sync fills while the rounds run. The
window prints a line per action (src/gui/bench/actions.rs); the idle column
takes the idle runs' actions made while no sync stored, the other column
the sync runs' actions made while one did from start to end. Needs DISPLAY
(an Xvfb) in the environment.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from gui_runs import launch, pct

LINE = re.compile(r"^postel-bench action (\S+) (\S+) sync=([01])$")
ROWS = [
    ("open", "open a downloaded message (body painted)"),
    ("flag-shown", "flag it: the star on its row"),
    ("flag-stored", "flag it: the store write answered"),
    ("search", "search (one word, rows shown)"),
    ("folder", "back to the folder (rows shown)"),
]
# The bound: p95 within this many times the idle p95 ...
RATIO = 2.0
# ... and under this, in ms.
CEILING_MS = 100.0
# A run that has not closed by then is stopped (a sync of 100k headers
# takes seconds; idle rounds well under a second each).
RUN_TIMEOUT_S = 300


def run(args, mode, store, n):
    data = os.path.join(args.scratch, "data")
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(store, data)
    log = os.path.join(args.logs, f"{mode}-{n}.log")
    # The window's environment is benches/gui's (gui_runs.launch).
    timing = f"actions-{mode}:{args.rounds if mode == 'idle' else 100000}@{args.account}"
    proc, _, err = launch(args, data, timing, log)
    try:
        proc.wait(RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"gui-actions bench: {mode} run {n} did not close; stopped (see {log})", file=sys.stderr)
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    err.close()
    got, timeouts, done = [], 0, False
    for line in open(log, errors="replace"):
        line = line.strip()
        if line.startswith("postel-bench actions-done"):
            done = True
        m = LINE.match(line)
        if not m:
            continue
        name, ms, sync = m.group(1), m.group(2), m.group(3) == "1"
        if ms == "timeout":
            timeouts += 1
            continue
        got.append((name, float(ms), sync))
    if not done:
        print(f"gui-actions bench: {mode} run {n} ended without finishing its rounds (see {log})", file=sys.stderr)
    return got, timeouts


def main():
    ap = argparse.ArgumentParser()
    for a in ("bin", "config", "runtime", "logs", "scratch", "idle-store", "sync-store", "account"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=40)
    args = ap.parse_args()
    os.makedirs(args.scratch, exist_ok=True)

    idle = {name: [] for name, _ in ROWS}
    busy = {name: [] for name, _ in ROWS}
    left_out = {"idle": 0, "sync": 0}
    timeouts = {"idle": 0, "sync": 0}
    for n in range(1, args.runs + 1):
        for mode, store, into, want_sync in (
            ("idle", args.idle_store, idle, False),
            ("sync", args.sync_store, busy, True),
        ):
            t = time.time()
            got, lost = run(args, mode, store, n)
            timeouts[mode] += lost
            for name, ms, sync in got:
                if name in into and sync == want_sync:
                    into[name].append(ms)
                else:
                    left_out[mode] += 1
            print(f"gui-actions bench: {mode} run {n}: {len(got)} actions in {time.time() - t:.1f} s", file=sys.stderr)

    print(f"| action | idle median | idle p95 | during the 100k first sync: median | p95 | p95 ratio | goal (p95 ≤ {RATIO:g}× idle and < {CEILING_MS:g} ms) |")
    print("|---|---|---|---|---|---|---|")
    for name, label in ROWS:
        a, b = idle[name], busy[name]
        if not a or not b:
            print(f"| {label} | - | - | - | - | - | no samples ({len(a)} idle, {len(b)} during) |")
            continue
        ratio = pct(b, 95) / pct(a, 95)
        ok = ratio <= RATIO and pct(b, 95) < CEILING_MS
        print(
            f"| {label} | {pct(a, 50):.2f} ms | {pct(a, 95):.2f} ms | {pct(b, 50):.2f} ms | {pct(b, 95):.2f} ms"
            f" | {ratio:.2f}× | {'ok' if ok else 'not met'} |"
        )
    print()
    print(
        f"{len(idle['open'])} rounds idle, {len(busy['open'])} during the syncs ({args.runs} run(s) of each);"
        f" actions left out (a sync started or ended during them): {left_out['idle']} idle, {left_out['sync']} during;"
        f" timed out: {timeouts['idle']} idle, {timeouts['sync']} during"
    )


if __name__ == "__main__":
    main()
