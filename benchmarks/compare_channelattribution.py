"""Compare our attribution with the ChannelAttribution package (PyPI) on the same aggregated paths.

ChannelAttribution is a peer, not a dependency: it runs in its own interpreter (a throwaway venv), fed a CSV
of paths and answering JSON, so nothing of it enters graphengine's environment.

    .venv/bin/python benchmarks/compare_channelattribution.py --ca-python /tmp/ca/bin/python
    .venv/bin/python benchmarks/compare_channelattribution.py --install   # builds it in /tmp/channelattribution-venv

Its interpreter is found from --ca-python, $CHANNELATTRIBUTION_PYTHON, the current interpreter, or
/tmp/channelattribution-venv. Its Markov model estimates removal effects by simulation (seeded), ours solves
the absorbing chain exactly, so agreement is within simulation noise; first/last/linear must agree exactly.
Its default ``max_step`` (the longest observed path) stops simulated paths that loop, which lowers its removal
effects; ``--max-step 200`` (our default here) lets 99.99% of simulated paths finish.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_journeys import synthetic

from graphengine.journeys.attribution import Attribution, Paths, attribute, conversion_paths

DEFAULT_VENV = Path(tempfile.gettempdir()) / "channelattribution-venv"

CHILD = r"""
import json, sys, time
import pandas as pd
from ChannelAttribution import heuristic_models, markov_model
src, dst, orders, nsim = sys.argv[1], sys.argv[2], [int(o) for o in sys.argv[3].split(",")], float(sys.argv[4])
max_step = int(sys.argv[5]) or None
out = {}
for name in json.load(open(src + ".json")):
    data = pd.read_csv(f"{src}_{name}.csv", sep=";")
    res = {}
    t = time.perf_counter()
    h = heuristic_models(data, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)
    res["heuristic_seconds"] = time.perf_counter() - t
    for col in ("first_touch", "last_touch", "linear_touch"):
        res[col] = dict(zip(h["channel_name"], h[col + "_conversions"]))
        res[col + "_value"] = dict(zip(h["channel_name"], h[col + "_value"]))
    for k in orders:
        t = time.perf_counter()
        m = markov_model(data, "path", "total_conversions", var_value="total_conversion_value",
                         var_null="total_null", order=k, out_more=True, verbose=False, flg_pro=False,
                         nsim_start=nsim, max_step=max_step, seed=0)
        r, e = m["result"], m["removal_effects"]
        res[f"markov_{k}"] = {"seconds": time.perf_counter() - t,
                              "conversions": dict(zip(r["channel_name"], r["total_conversions"])),
                              "value": dict(zip(r["channel_name"], r["total_conversion_value"])),
                              "removal": dict(zip(e["channel_name"], e["removal_effects_conversion"]))}
    out[name] = res
json.dump(out, open(dst, "w"))
"""


def aggregate(paths: Paths) -> Paths:
    """Identical channel sequences merged, conversions/nulls/value summed (the peer's input shape)."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for text, c, nl, v in zip(paths.to_strings(">"), paths.conversions, paths.nulls, paths.value, strict=True):
        row = acc[text]
        row[0] += c
        row[1] += nl
        row[2] += v
    keys = sorted(acc)
    return Paths.from_sequences(
        [k.split(">") for k in keys],
        conversions=[acc[k][0] for k in keys],
        nulls=[acc[k][1] for k in keys],
        value=[acc[k][2] for k in keys],
    )


def structured(n: int, seed: int) -> Paths:
    """Journeys whose conversion odds depend on the channels in them (so the models have something to find)."""
    rng = np.random.default_rng(seed)
    names = ["search", "display", "social", "email", "affiliate", "video", "direct", "tv"]
    pop = np.array([0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.06, 0.04])
    lift = np.array([0.6, -0.4, 0.1, 0.9, 0.3, -0.2, 1.2, 0.0])
    seqs, conv, value = [], [], []
    for _ in range(n):
        seq = rng.choice(len(names), rng.integers(1, 7), p=pop)
        odds = -2.2 + lift[np.unique(seq)].sum()
        won = rng.random() < 1 / (1 + np.exp(-odds))
        seqs.append([names[c] for c in seq])
        conv.append(1.0 if won else 0.0)
        value.append(round(float(rng.gamma(2.0, 40.0)), 2) if won else 0.0)
    return aggregate(Paths.from_sequences(seqs, conversions=conv, nulls=[1 - c for c in conv], value=value))


def find_python(arg: str | None, install: bool) -> str | None:
    for candidate in (arg, os.environ.get("CHANNELATTRIBUTION_PYTHON")):
        if candidate:
            return candidate
    if importlib.util.find_spec("ChannelAttribution") is not None:
        return sys.executable
    venv_python = DEFAULT_VENV / "bin" / "python"
    if venv_python.exists():
        return str(venv_python)
    if not install:
        return None
    print(f"building ChannelAttribution in {DEFAULT_VENV} (compiles C++; a few minutes)...", flush=True)
    steps = [
        [sys.executable, "-m", "venv", str(DEFAULT_VENV)],
        [str(venv_python), "-m", "pip", "install", "-q", "ChannelAttribution", "matplotlib"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=1800, check=False)
        if done.returncode != 0:
            print(f"ChannelAttribution could not be installed: {' '.join(step[-3:])} failed:\n{done.stderr[-2000:]}")
            return None
    return str(venv_python)


def shares(credit: dict[str, float]) -> dict[str, float]:
    total = sum(credit.values())
    return {k: v / total if total else 0.0 for k, v in credit.items()}


def max_gap(ours: dict[str, float], theirs: dict[str, float]) -> float:
    return max(abs(ours.get(c, 0.0) - theirs.get(c, 0.0)) for c in set(ours) | set(theirs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ca-python", help="interpreter that can import ChannelAttribution")
    parser.add_argument("--install", action="store_true", help=f"build ChannelAttribution in {DEFAULT_VENV}")
    parser.add_argument("--events", type=int, default=300_000, help="synthetic events for the first data set")
    parser.add_argument("--journeys", type=int, default=50_000, help="journeys in the structured data set")
    parser.add_argument("--orders", default="1,2,3")
    parser.add_argument("--nsim", type=float, default=1e6, help="ChannelAttribution nsim_start")
    parser.add_argument(
        "--max-step",
        type=int,
        default=200,
        help="ChannelAttribution max_step per simulated path (0: its default, the longest observed path, which "
        "cuts looping paths short and biases removal effects down)",
    )
    args = parser.parse_args()
    orders = [int(o) for o in args.orders.split(",")]

    hand = Paths.from_sequences(
        [["a", "b"], ["a"], ["b", "c"]], conversions=[1, 1, 0], nulls=[0, 0, 1], value=[10, 20, 0]
    )
    events, _ = synthetic(args.events, 11).sorted()
    datasets = {
        "hand_example": hand,
        "synthetic_events": aggregate(conversion_paths(events)),
        "structured": structured(args.journeys, 5),
    }
    ours: dict[str, dict[str, tuple[Attribution, float]]] = {}
    for name, paths in datasets.items():
        print(
            f"{name}: {len(paths):,} distinct paths, {paths.conversions.sum():,.0f} conversions, "
            f"{paths.nulls.sum():,.0f} non-converting, {len(paths.channels)} channels"
        )
        ours[name] = {}
        for model in ("first_touch", "last_touch", "linear", *(f"markov_{k}" for k in orders)):
            start = time.perf_counter()
            res = attribute(paths, model)
            ours[name][model] = (res, time.perf_counter() - start)

    python = find_python(args.ca_python, args.install)
    if python is None:
        print(
            "\nChannelAttribution is NOT available, so there is nothing to compare against: pass --ca-python, "
            f"set CHANNELATTRIBUTION_PYTHON, or run with --install (builds it in {DEFAULT_VENV})."
        )
        for name, models in ours.items():
            for model, (res, secs) in models.items():
                print(f"  ours {name} {model}: {secs * 1000:.1f} ms {shares(res.as_dict())}")
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "paths")
        with open(base + ".json", "w") as fh:
            json.dump(list(datasets), fh)
        for name, paths in datasets.items():
            with open(f"{base}_{name}.csv", "w") as fh:
                fh.write("path;total_conversions;total_conversion_value;total_null\n")
                for text, c, v, nl in zip(
                    paths.to_strings(" > "), paths.conversions, paths.value, paths.nulls, strict=True
                ):
                    fh.write(f"{text};{int(c)};{v};{int(nl)}\n")
        out = os.path.join(tmp, "out.json")
        command = [python, "-c", CHILD, base, out, args.orders, str(args.nsim), str(args.max_step)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
        except OSError as exc:
            print(f"ChannelAttribution is NOT available: cannot run {python}: {exc}")
            return 2
        if done.returncode != 0:
            print(f"ChannelAttribution is NOT available or failed with {python}:\n{done.stderr[-3000:]}")
            return 2
        with open(out) as fh:
            theirs = json.load(fh)

    print(f"\nChannelAttribution via {python}; nsim_start={args.nsim:g}, max_step={args.max_step or 'default'}, seed 0")
    print(
        f"{'data set':<18} {'model':<12} {'max |share diff|':>17} {'value share diff':>17} "
        f"{'removal eff. diff':>18} {'ours ms':>9} {'theirs ms':>10}"
    )
    for name, models in ours.items():
        peer = theirs[name]
        for model, (res, secs) in models.items():
            key = "linear_touch" if model == "linear" else model
            if model.startswith("markov"):
                p = peer[model]
                conv, val, t_peer = p["conversions"], p["value"], p["seconds"]
                assert res.removal_effect is not None
                removal = max_gap(dict(zip(res.channels, res.removal_effect.tolist(), strict=True)), p["removal"])
                removal_txt = f"{removal:.4f}"
            else:
                conv, val, t_peer, removal_txt = peer[key], peer[key + "_value"], peer["heuristic_seconds"], "-"
            gap_c = max_gap(shares(res.as_dict()), shares(conv))
            gap_v = max_gap(shares(res.as_dict("value")), shares(val))
            print(
                f"{name:<18} {model:<12} {gap_c * 100:16.3f}pp {gap_v * 100:16.3f}pp {removal_txt:>18} "
                f"{secs * 1000:9.1f} {t_peer * 1000:10.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
