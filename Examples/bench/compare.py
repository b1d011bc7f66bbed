#!/usr/bin/env python3
"""Interleaved timing of W1, W3 and W4: Datanet against Lua 5.4, LuaJIT -joff and WasmKit, in one session.

usage: python3 Examples/bench/compare.py [--rounds N] [--datanet BIN]... [--no-wasmkit]

Each round runs every runner once, one after the other (`datanet bench --json --only W1,W3,W4 --runs 3`,
then `lua5.4` and `luajit -joff` on ../shared/anchors/lua, then the WasmKit harness on
../shared/anchors/wasm/bench.wat, fuel off and on). A runner reports the median of its runs; the
table keeps each runner's fastest round, the least disturbed measurement on a shared machine, and
prints ratios Datanet / peer (below 1: Datanet is faster). Give --datanet twice (old and new binary)
to compare two builds under the same conditions. Times swing with the machine's load: compare
ratios from one session, and decide on instruction counts (Docs/performance.md).

The WasmKit harness is built by ../shared/anchors/run.sh into $ANCHOR_BUILD (default
/tmp/anchors-build/wasmkit-anchor); without it the WasmKit columns are left out.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANCHORS = os.environ.get("ANCHORS", os.path.join(os.path.dirname(ROOT), "shared", "anchors"))
BUILD = os.environ.get("ANCHOR_BUILD", "/tmp/anchors-build")
# The anchors' canonical parameters and inner iterations (../shared/anchors/README.md).
W1R, W3N, W4N = 100, 27, 10_000_000
ITERS = {"W1": W1R * 10_000, "W3": 635_621, "W4": W4N}
EXPORTS = {"w1": "W1", "fib": "W3", "w4": "W4"}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return p.stdout


def peer_lines(out, fuel=None):
    """ns per inner iteration by workload, from an anchor's JSON lines (median_ns per call)."""
    res = {}
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        if d.get("export") in EXPORTS and (fuel is None or d.get("fuel") == fuel):
            w = EXPORTS[d["export"]]
            res[w] = d["median_ns"] / ITERS[w]
    return res


def datanet(binary):
    doc = json.loads(run([binary, "bench", "--json", "--only", "W1,W3,W4", "--runs", "3"]))
    res = {}
    for w in doc["workloads"]:
        if not w.get("checksum_ok"):
            sys.exit(f"{binary}: {w['name']} checksum wrong")
        res[w["name"]] = float(w["ns_per_iter"])
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--datanet", action="append", help="datanet binary (repeatable; default .build/release/datanet)")
    ap.add_argument("--no-wasmkit", action="store_true")
    args = ap.parse_args()
    binaries = args.datanet or [os.path.join(ROOT, ".build/release/datanet")]
    lua_args = ["3", str(W1R), "1", str(W3N), str(W4N)]  # runs, W1 R, W2 R, W3 n, W4 n
    wasmkit = os.path.join(BUILD, "wasmkit-anchor")
    runners = []
    for i, b in enumerate(binaries):
        label = "Datanet" if len(binaries) == 1 else f"Datanet[{i}]"
        runners.append((label, lambda b=b: datanet(b)))
    runners.append(("Lua 5.4", lambda: peer_lines(run(["lua5.4", os.path.join(ANCHORS, "lua/bench54.lua")] + lua_args))))
    runners.append(("LuaJIT -joff", lambda: peer_lines(
        run(["luajit", "-joff", os.path.join(ANCHORS, "lua/benchjit.lua")] + lua_args))))
    if not args.no_wasmkit and os.access(wasmkit, os.X_OK):
        def wk():
            out = run([wasmkit, os.path.join(ANCHORS, "wasm/bench.wat"), "3", f"w1:{W1R}", f"fib:{W3N}", f"w4:{W4N}"])
            return {("WasmKit", w): v for w, v in peer_lines(out, fuel=False).items()} | \
                   {("WasmKit +fuel", w): v for w, v in peer_lines(out, fuel=True).items()}
        runners.append(("WasmKit", wk))
    elif not args.no_wasmkit:
        print(f"# no WasmKit harness at {wasmkit} (../shared/anchors/run.sh builds it); left out", file=sys.stderr)

    best = {}  # (runner, workload) -> fastest ns per iteration over the rounds
    for r in range(args.rounds):
        for label, fn in runners:
            res = fn()
            for key, v in res.items():
                key = key if isinstance(key, tuple) else (label, key)
                best[key] = min(v, best.get(key, v))
        print(f"# round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    columns = []
    for key in best:
        if key[0] not in columns:
            columns.append(key[0])
    ours = [c for c in columns if c.startswith("Datanet")]
    peers = [c for c in columns if not c.startswith("Datanet")]
    print(f"fastest of {args.rounds} interleaved rounds, ns per inner iteration (ratio = Datanet / peer)")
    print("| workload | " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for w in ("W1", "W3", "W4"):
        print(f"| {w} | " + " | ".join(f"{best[(c, w)]:.1f}" if (c, w) in best else "-" for c in columns) + " |")
    for o in ours:
        print()
        print(f"{o} / peer:")
        for w in ("W1", "W3", "W4"):
            parts = [f"{p} {best[(o, w)] / best[(p, w)]:.2f}x" for p in peers if (p, w) in best and (o, w) in best]
            print(f"  {w}: " + ", ".join(parts))
    if len(ours) > 1:
        print()
        for w in ("W1", "W3", "W4"):
            print(f"  {w}: {ours[1]} / {ours[0]} = {best[(ours[1], w)] / best[(ours[0], w)]:.3f}")


if __name__ == "__main__":
    main()
