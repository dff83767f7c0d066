#!/usr/bin/python3
# ===- compare.py - Classic example models: snnc against Brian2 -----------===#
#
# For every entry of EXAMPLES, runs the snnc example (`snnc run`, one
# thread) and its Brian2 cpp_standalone script over the same seeds, and
# prints one table: the mean rate (mean and standard deviation over the
# seeds) on both sides, the entry's second statistic on both sides, and
# the simulation time per biological second of both, measured in this
# run, with their ratio. Where a model is random, the two sides draw its
# network from their own generators: rates agree in distribution, not
# spike for spike.
#
#   /usr/bin/python3 bench/classic/compare.py                 # seeds 1-5
#   /usr/bin/python3 bench/classic/compare.py --seeds 1-2 --only cuba
#
# Each statistic is computed on both sides by one function (the Brian2
# script's), from snnc's spikes.npz and from Brian2's SpikeMonitor.
#
# ===----------------------------------------------------------------------===#
"""Run the classic example models on snnc and on Brian2 and compare."""

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def load_script(relative):
    """The Brian2 script as a module (its statistics functions)."""
    path = os.path.join(ROOT, relative)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------
# The examples. Each entry names the .snn file, the Brian2 script (which
# takes --seed, --duration and prints a JSON object with at least rate_hz
# and sim_s_per_bio_s), the duration, and its second statistic:
# `statistic(spikes, script)` computes, from snnc's spikes (of the
# recorded populations only: poisson_input records its LIF neurons, not
# the sources), the fields the Brian2 script prints; `value(fields)`
# turns them into the number of the table. `details(snnc, brian2)`
# (optional) returns lines printed after the table, from the per-seed
# fields of both sides.
# ----------------------------------------------------------------------------

def cuba_statistic(spikes, script):
    return {"cv_isi": script.cv_isi(spikes["times_ms"], spikes["global"],
                                    spikes["neurons"])}


def adex_statistic(spikes, script):
    # snnc's population order is the file's; map by name onto the script's
    # indexing (pattern p, cell k: p * CELLS + k).
    order = {p[0]: k for k, p in enumerate(script.PATTERNS)}
    index = [order[spikes["names"][p]] * script.CELLS + k
             for p, k in zip(spikes["population"], spikes["indices"])]
    per_pattern, first = script.summarize(spikes["times_ms"], index)
    return {"spikes_per_pattern": per_pattern, "first_spikes_ms": first}


def izhikevich2003_statistic(spikes, script):
    # The script indexes one group, excitatory neurons first; snnc records
    # two populations: map them by name onto that indexing.
    offset = {"Exc": 0, "Inh": script.NE}
    index = [offset[spikes["names"][p]] + k
             for p, k in zip(spikes["population"], spikes["indices"])]
    duration_ms = spikes["duration_ms"]
    return script.rates(index, duration_ms)


def izhikevich2003_details(snnc, brian2):
    """The rates of the excitatory and the inhibitory neurons."""
    def line(name, runs):
        return "  %-7s excitatory %s Hz, inhibitory %s Hz" % (
            name, mean_sd([r["rate_exc_hz"] for r in runs], 3),
            mean_sd([r["rate_inh_hz"] for r in runs], 3))
    return ["", "izhikevich2003: rates by population (mean ± sd over the "
            "seeds)", line("snnc", snnc), line("Brian2", brian2)]


ADEX_T_ON_MS = 20.0


def adex_latency(fields):
    """Mean over the patterns of the first spike's latency from the step."""
    first = fields["first_spikes_ms"]
    return statistics.mean(times[0] - ADEX_T_ON_MS
                           for times in first.values() if times)


def adex_details(snnc, brian2):
    """The first spike times of each pattern, from the first seed (the
    model is deterministic: every seed gives the same)."""
    a, b = snnc[0], brian2[0]
    lines = ["", "adex, seed %d: spikes of each pattern's cells, snnc / "
             "Brian2, and the first spike times (ms) of its first cell"
             % a["seed"]]
    for name, times in a["first_spikes_ms"].items():
        other = b["first_spikes_ms"][name]
        same = 0
        while (same < min(len(times), len(other))
               and abs(times[same] - other[same]) < 0.05):
            same += 1
        lines.append("  %-13s %4d / %-4d spikes; the first %d of %d at the "
                     "same step"
                     % (name, a["spikes_per_pattern"][name],
                        b["spikes_per_pattern"][name], same,
                        max(len(times), len(other))))
        lines.append("    snnc   " + " ".join("%.1f" % t for t in times))
        lines.append("    Brian2 " + " ".join("%.1f" % t for t in other))
    return lines


EXAMPLES = [
    {
        "name": "cuba",
        "model": "examples/cuba.snn",
        "brian2": "bench/brian2/cuba_brian2.py",
        "duration_ms": 1000.0,
        "statistic_name": "CV ISI",
        "statistic": cuba_statistic,
        "value": lambda fields: fields["cv_isi"],
    },
    {
        "name": "adex",
        "model": "examples/adex.snn",
        "brian2": "bench/brian2/adex_brian2.py",
        "duration_ms": 600.0,
        "statistic_name": "1st-spike latency (ms)",
        "statistic": adex_statistic,
        "value": adex_latency,
        "details": adex_details,
    },
    {
        "name": "cobahh",
        "model": "examples/cobahh.snn",
        "brian2": "bench/brian2/cobahh_brian2.py",
        "duration_ms": 1000.0,
        "statistic_name": "CV ISI",
        "statistic": cuba_statistic,
        "value": lambda fields: fields["cv_isi"],
    },
    {
        "name": "izhikevich2003",
        "model": "examples/izhikevich2003.snn",
        "brian2": "bench/brian2/izhikevich2003_brian2.py",
        "duration_ms": 1000.0,
        "statistic_name": "inhibitory spike fraction",
        "statistic": izhikevich2003_statistic,
        "value": lambda fields: fields["inhibitory_fraction"],
        "details": izhikevich2003_details,
    },
    {
        "name": "brunel2000",
        "model": "examples/brunel2000.snn",
        "brian2": "bench/brian2/brunel2000_brian2.py",
        "duration_ms": 1000.0,
        "statistic_name": "CV ISI",
        "statistic": cuba_statistic,
        "value": lambda fields: fields["cv_isi"],
    },
    {
        "name": "poisson_input",
        "model": "examples/poisson_input.snn",
        "brian2": "bench/brian2/poisson_input_brian2.py",
        "duration_ms": 1000.0,
        "statistic_name": "CV ISI",
        "statistic": cuba_statistic,
        "value": lambda fields: fields["cv_isi"],
    },
]


# ----------------------------------------------------------------------------
# Running both sides
# ----------------------------------------------------------------------------

def load_spikes(directory):
    import numpy as np
    data = np.load(os.path.join(directory, "spikes.npz"))
    sizes = [int(x) for x in data["population_sizes"]]
    names = "".join(map(chr, data["population_names"])).split("\n")[:len(sizes)]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    population = data["population"].astype(np.int64)
    indices = data["indices"].astype(np.int64)
    return {
        "times_ms": data["times_ms"].astype(np.float64),
        "population": population,
        "indices": indices,
        "global": offsets[population] + indices,
        "names": names,
        "neurons": int(sum(sizes)),
        "duration_ms": float(data["duration_ms"][0]),
    }


def run_snnc(snnc, example, seed, duration_ms, workdir):
    out = os.path.join(workdir, "%s-seed%d" % (example["name"], seed))
    command = [snnc, "run", os.path.join(ROOT, example["model"]), "-o", out,
               "--seed", str(seed), "--duration", "%gms" % duration_ms,
               "--threads", "1", "--no-progress"]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("snnc failed (%s):\n%s%s" % (" ".join(command), proc.stdout,
                                              proc.stderr))
    match = re.search(r"simulation time ([0-9.]+) s on (\d+) thread",
                      proc.stdout)
    if not match or match.group(2) != "1":
        sys.exit("no one-thread simulation time in snnc's output:\n"
                 + proc.stdout)
    spikes = load_spikes(out)
    fields = {
        "seed": seed,
        "rate_hz": len(spikes["times_ms"]) / (spikes["neurons"]
                                              * duration_ms / 1e3),
        "sim_s_per_bio_s": float(match.group(1)) / (duration_ms / 1e3),
    }
    fields.update(example["statistic"](spikes, example["module"]))
    return fields


def run_brian2(python, example, seed, duration_ms):
    command = [python, os.path.join(ROOT, example["brian2"]),
               "--seed", str(seed), "--duration", "%gms" % duration_ms]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("Brian2 failed (%s):\n%s" % (" ".join(command),
                                              proc.stderr[-4000:]))
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------

def mean_sd(values, digits):
    mean = statistics.mean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return "%.*f ± %.*f" % (digits, mean, digits, sd)


def parse_duration(text):
    match = re.fullmatch(r"\s*([0-9.eE+-]+)\s*(ms|s)?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError("not a duration: %r" % text)
    value = float(match.group(1))
    return value * 1000.0 if match.group(2) == "s" else value


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            low, high = part.split("-")
            seeds.extend(range(int(low), int(high) + 1))
        else:
            seeds.append(int(part))
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="1-5",
                        help="seeds, as 1-5 or 1,3,7 (default 1-5)")
    parser.add_argument("--only", default=None,
                        help="comma-separated example names (default all: "
                             + ", ".join(e["name"] for e in EXAMPLES) + ")")
    parser.add_argument("--duration", default=None, type=parse_duration,
                        help="override every example's duration: 1s, 500ms "
                             "or a number of ms")
    parser.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin",
                                                       "snnc"))
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="the Python that runs Brian2")
    parser.add_argument("--json", default=None,
                        help="also write every run's fields to this file")
    args = parser.parse_args()

    seeds = parse_seeds(args.seeds)
    chosen = EXAMPLES
    if args.only:
        names = args.only.split(",")
        chosen = [e for e in EXAMPLES if e["name"] in names]
        unknown = set(names) - {e["name"] for e in chosen}
        if unknown:
            sys.exit("unknown example: " + ", ".join(sorted(unknown)))

    rows, details, everything = [], [], {}
    with tempfile.TemporaryDirectory(prefix="snnc-classic-") as workdir:
        for example in chosen:
            example["module"] = load_script(example["brian2"])
            duration = args.duration or example["duration_ms"]
            snnc_runs, brian2_runs = [], []
            for seed in seeds:
                print("%s seed %d: snnc ..." % (example["name"], seed),
                      file=sys.stderr, flush=True)
                snnc_runs.append(run_snnc(args.snnc, example, seed, duration,
                                          workdir))
                print("%s seed %d: Brian2 ..." % (example["name"], seed),
                      file=sys.stderr, flush=True)
                brian2_runs.append(run_brian2(args.python, example, seed,
                                              duration))
            everything[example["name"]] = {"snnc": snnc_runs,
                                           "brian2": brian2_runs}
            value = example["value"]
            snnc_time = statistics.mean(r["sim_s_per_bio_s"]
                                        for r in snnc_runs)
            brian2_time = statistics.mean(r["sim_s_per_bio_s"]
                                          for r in brian2_runs)
            rows.append([
                example["name"], "%g ms" % duration, str(len(seeds)),
                mean_sd([r["rate_hz"] for r in snnc_runs], 3),
                mean_sd([r["rate_hz"] for r in brian2_runs], 3),
                example["statistic_name"],
                mean_sd([value(r) for r in snnc_runs], 3),
                mean_sd([value(r) for r in brian2_runs], 3),
                "%.4f" % snnc_time, "%.4f" % brian2_time,
                "%.1f" % (brian2_time / snnc_time) if snnc_time > 0
                else "inf",
            ])
            if "details" in example:
                details.extend(example["details"](snnc_runs, brian2_runs))

    header = ["example", "duration", "seeds", "snnc rate (Hz)",
              "Brian2 rate (Hz)", "statistic", "snnc", "Brian2",
              "snnc s/bio-s", "Brian2 s/bio-s", "Brian2/snnc"]
    widths = [max(len(row[k]) for row in rows + [header])
              for k in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths))
          + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths))
              + " |")
    print("\nsnnc: 1 thread, float32; Brian2 cpp_standalone, 1 thread, "
          "float32. s/bio-s: simulation time per biological second, mean "
          "over the seeds; rates and statistics: mean ± sd over the seeds.")
    for line in details:
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(everything, f, indent=1)


if __name__ == "__main__":
    main()
