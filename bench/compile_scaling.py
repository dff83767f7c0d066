#!/usr/bin/env python3
"""Cold compile time of snnc against the number of populations and projections.

Builds models shaped like the cortical microcircuit: P populations of the
seed's LIF neuron (examples/coba.snn's neuron, synapse and output models,
100 neurons each) connected all-to-all at the population level, P*P
projections (excitatory from even populations, inhibitory from odd ones),
and times `snnc run --no-cache` for 1 ms of simulation, the way a user
meets it. Prints one row per shape: compile time (best of --repeat, with
its network / codegen / jit split as snnc reports it) and the lines of
optimised LLVM IR.

    python3 bench/compile_scaling.py [--snnc build/bin/snnc] [--shapes 1,2,4,8,32]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def model_for(populations, size):
    seed = open(os.path.join(ROOT, "examples", "coba.snn")).read()
    # The seed's neuron, synapse and output declarations, unchanged.
    models = seed[seed.index("neuron LIFRef"):seed.index("# One population")]
    lines = [models]
    for p in range(populations):
        lines.append(f"population P{p} = LIFRef({size}) {{\n"
                     f"  V ~ normal(-55 mV, 2 mV)\n}}\n")
        lines.append(f"drive P{p}.I = 20 mA\n")
    for a in range(populations):
        excitatory = a % 2 == 0
        for b in range(populations):
            lines.append(
                f"project P{a} -> P{b} {{\n"
                f"  synapse Expon(tau = {5 if excitatory else 10} ms)\n"
                f"  output  COBA(E = {0 if excitatory else -80} mV)\n"
                f"  connect fixed_per_pre(8)\n"
                f"  weight  {0.6 if excitatory else 6.7} mS\n}}\n")
    lines.append("run 1 ms dt 0.1 ms seed 42 {\n  record P0.spike\n}\n")
    return "".join(lines)


TIMES = re.compile(r"compile time ([\d.]+) s \(network ([\d.]+), codegen "
                   r"([\d.]+), jit ([\d.]+), setup ([\d.]+)\)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    parser.add_argument("--shapes", default="1,2,4,8,32",
                        help="population counts P (P*P projections each)")
    parser.add_argument("--size", type=int, default=100, help="neurons per population")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| populations | projections | compile (s) | network | codegen | jit | LLVM IR lines |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for populations in (int(p) for p in args.shapes.split(",")):
            path = os.path.join(work, f"net{populations}.snn")
            with open(path, "w") as f:
                f.write(model_for(populations, args.size))
            best = None
            for _ in range(args.repeat):
                done = subprocess.run(
                    [args.snnc, "run", path, "--no-cache", "--no-progress",
                     "-o", os.path.join(work, "out")],
                    capture_output=True, text=True)
                if done.returncode != 0:
                    sys.exit(f"snnc failed on {populations} populations:\n{done.stderr}")
                found = TIMES.search(done.stdout)
                times = tuple(float(x) for x in found.groups())
                if best is None or times[0] < best[0]:
                    best = times
            ir = subprocess.run([args.snnc, "emit", "llvm", path],
                                capture_output=True, text=True).stdout.count("\n")
            print(f"| {populations} | {populations ** 2} | {best[0]:.3f} | "
                  f"{best[1]:.3f} | {best[2]:.3f} | {best[3]:.3f} | {ir} |", flush=True)


if __name__ == "__main__":
    main()
