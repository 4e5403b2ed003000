#!/usr/bin/env python3
"""Runs the window for `benches/gui` and prints its table.

    benches/gui_runs.py --bin BIN --config DIR --logs DIR --runs N --steps N \
        --store NAME=DATA_DIR ... (the first one is the store under test)

Each run starts the release binary on each store in turn (the order rotates
from run to run), with POSTEL_BENCH_TIMING set so the window reports its
first frame, its first frame with message rows, and the time of every frame
while it scrolls (see src/gui/bench.rs). Start times count from just before
the process is launched here. Peak RSS is the process's own maximum
(wait4's ru_maxrss). Needs DISPLAY (an Xvfb) in the environment.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time

LINE = re.compile(r"^postel-bench (\S+)(.*)$")


def launch(args, data, mode, log):
    env = dict(os.environ)
    env.update(
        POSTEL_BENCH_TIMING=mode,
        POSTEL_CONFIG_DIR=args.config,
        POSTEL_DATA_DIR=data,
        ICED_BACKEND="tiny-skia",
        XDG_RUNTIME_DIR=args.runtime,
        LANG="en_US.UTF-8",
        LANGUAGE="en",
        LC_ALL="C.UTF-8",
    )
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("RUST_LOG", None)
    err = open(log, "w")
    t0 = time.time()
    proc = subprocess.Popen([args.bin], env=env, stdout=subprocess.DEVNULL, stderr=err)
    return proc, t0, err


def parse(log):
    out = {}
    for line in open(log, errors="replace"):
        m = LINE.match(line.strip())
        if not m:
            continue
        what, rest = m.group(1), m.group(2).strip()
        if what in ("first-frame", "first-rows"):
            fields = dict(kv.split("=", 1) for kv in rest.split())
            out[what] = float(fields["unix"])
        elif what == "frames":
            out["frames"] = [float(x) for x in rest.split()]
        elif what == "missing":
            out["missing"] = int(rest)
    return out


def reap(proc, timeout):
    """Waits for the process (killing it after `timeout` s); returns (status, peak RSS in KB)."""
    deadline = time.time() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = status
            return status, usage.ru_maxrss
        if time.time() > deadline:
            proc.send_signal(signal.SIGTERM)
            deadline = time.time() + 10
            timeout = 10
        time.sleep(0.05)


def one(args, name, data, mode, run):
    log = os.path.join(args.logs, f"{name}-{mode.replace(':', '-')}-{run}.log")
    proc, t0, err = launch(args, data, mode, log)
    if mode == "1":
        # Start only: wait for the first frame (and rows, if the store has
        # any), let it idle a moment, then close it.
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None:
            got = parse(log)
            if "first-frame" in got and ("first-rows" in got or name == "empty"):
                break
            time.sleep(0.02)
        time.sleep(1.5)
        proc.send_signal(signal.SIGTERM)
        status, rss = reap(proc, 10)
    else:
        status, rss = reap(proc, 180)
    err.close()
    got = parse(log)
    result = {"rss_kb": rss, "log": log}
    for key in ("first-frame", "first-rows"):
        if key in got:
            result[key] = (got[key] - t0) * 1000.0
    result["frames"] = got.get("frames", [])
    result["missing"] = got.get("missing")
    if mode != "1" and not result["frames"]:
        print(f"gui bench: {name} {mode} run {run} printed no frames (status {status}); see {log}", file=sys.stderr)
    return result


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def trio(values, unit="ms", scale=1.0):
    if not values:
        return "-"
    v = [x * scale for x in values]
    return f"{statistics.median(v):.0f} {unit} ({min(v):.0f}-{max(v):.0f})"


def frames(results):
    all_frames = [f for r in results for f in r["frames"]]
    if not all_frames:
        return "-"
    return (
        f"{min(all_frames):.1f} / {statistics.median(all_frames):.1f} / "
        f"{pct(all_frames, 95):.1f} / {max(all_frames):.1f}"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--store", action="append", required=True, help="NAME=DATA_DIR")
    args = ap.parse_args()
    stores = [s.split("=", 1) for s in args.store]
    names = [n for n, _ in stores]
    steps = args.steps
    modes = ["1", f"scroll:{steps}", f"scroll:{steps}@folder", f"drag:{steps}", f"drag:{steps}@folder"]
    results = {(n, m): [] for n in names for m in modes}
    for run in range(1, args.runs + 1):
        # Alternate: the order of the stores rotates each run.
        k = (run - 1) % len(stores)
        order = stores[k:] + stores[:k]
        for mode in modes:
            for name, data in order:
                if name == "empty" and mode != "1":
                    continue  # nothing to scroll
                r = one(args, name, data, mode, run)
                results[(name, mode)].append(r)
                print(
                    f"gui bench: run {run} {name:>6} {mode:<10} "
                    + " ".join(
                        f"{k}={r[k]:.0f}ms" for k in ("first-frame", "first-rows") if k in r
                    )
                    + (f" frames={len(r['frames'])} median={statistics.median(r['frames']):.1f}ms"
                       if r["frames"] else "")
                    + f" rss={r['rss_kb'] / 1024:.0f}MB",
                    file=sys.stderr,
                )

    def every(name, key):
        return [r[key] for m in modes for r in results[(name, m)] if key in r]

    def rss(name):
        return [r["rss_kb"] / 1024 for m in modes for r in results[(name, m)]]

    def missing(name, mode):
        got = [r["missing"] for r in results[(name, mode)] if r.get("missing") is not None]
        total = sum(len(r["frames"]) for r in results[(name, mode)])
        return f"{sum(got)} of {total}" if got else "-"

    width = 26
    cols = names
    head = f"{'row':<44} | " + " | ".join(f"{c:<{width}}" for c in cols) + " | goal"
    print(head)
    print("-" * len(head))

    def row(label, cells, goal):
        print(f"{label:<44} | " + " | ".join(f"{c:<{width}}" for c in cells) + f" | {goal}")

    row("first frame, ms from launch", [trio(every(n, "first-frame")) for n in cols], "-")
    big_rows = every(names[0], "first-rows")
    verdict = "-"
    if big_rows:
        verdict = "ok" if statistics.median(big_rows) <= 300 else "MISSED"
    row(
        "first frame with rows (mailbox painted)",
        [trio(every(n, "first-rows")) if n != "empty" else "(no rows)" for n in cols],
        f"<= 300 ms: {verdict}",
    )
    labels = {
        modes[1]: f"scroll all inboxes, {steps} x 3 rows",
        modes[2]: f"scroll the folder, {steps} x 3 rows",
        modes[3]: f"drag across all inboxes, {steps} steps",
        modes[4]: f"drag across the folder, {steps} steps",
    }
    for mode in modes[1:]:
        row(
            labels[mode] + ": frame ms",
            [frames(results[(n, mode)]) if n != "empty" else "-" for n in cols],
            "min / med / p95 / max",
        )
        row(
            "  frames drawn before their rows loaded",
            [missing(n, mode) if n != "empty" else "-" for n in cols],
            "-",
        )
    big_rss = rss(names[0])
    verdict = "ok" if big_rss and max(big_rss) <= 120 else "MISSED"
    row(
        "peak RSS, MB (median (min-max) of all runs)",
        [trio(rss(n), "MB") for n in cols],
        f"<= 120 MB: {verdict}",
    )


if __name__ == "__main__":
    main()
