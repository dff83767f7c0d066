#!/usr/bin/env python3
"""Draws the spike raster of a run: `snnc run model.snn -o DIR` writes
DIR/spikes.npz; this reads it and writes a PNG.

    python3 examples/plot/raster.py out/spikes.npz -o out/raster.png
"""
import argparse
import sys

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spikes", help="spikes.npz written by snnc run")
    parser.add_argument("-o", "--output", default="raster.png")
    parser.add_argument("--title", default="COBA E/I network - spike raster")
    args = parser.parse_args()

    data = np.load(args.spikes)
    times, indices = data["times_ms"], data["indices"]
    population = data["population"]
    names = bytes(data["population_names"].astype(np.uint8)).decode().split()
    sizes = data["population_sizes"]
    duration = float(data["duration_ms"][0])

    # Populations are stacked: each one's neurons above the previous ones.
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    begins = data["population_begin"] if "population_begin" in data else 0 * sizes
    rows = indices - begins[population] + offsets[population]

    fig, ax = plt.subplots(figsize=(10, 5))
    ax.scatter(times, rows, s=1, color="black", marker=".", linewidths=0)
    ax.set_xlim(0, duration)
    ax.set_ylim(0, int(np.sum(sizes)))
    ax.set_xlabel("Time (ms)")
    ax.set_ylabel("Neuron index")
    total = int(np.sum(sizes))
    rate = len(times) / (total * duration / 1000.0) if duration > 0 else 0.0
    ax.set_title(f"{args.title} ({', '.join(names)}; mean rate {rate:.2f} Hz)")
    fig.tight_layout()
    fig.savefig(args.output, dpi=150)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
