#!/usr/bin/env python3
"""The pictures of a run: `snnc plot DIR` calls this over the files that
`snnc run ... -o DIR` wrote (spikes.npz, and states.npz when states were
recorded) and writes one PNG per kind:

    raster.png   spikes per population, one panel each (large populations
                 subsampled, which the panel says)
    rate.png     population rate over time in bins of --bin ms
    states.png   recorded state traces with their units
    isi.png      inter-spike intervals and the CV of each neuron's ISIs

    python3 examples/plot/snnc_plot.py out [-o OUTDIR] [--kind raster,rate]

Malformed or missing files are reported in one line (exit status 1), not
as a Python traceback.
"""
import argparse
import os
import sys
import zipfile

KINDS = ("raster", "rate", "states", "isi")


class PlotError(Exception):
    """A problem with the user's files, reported in one line."""


def fail(message):
    print(f"snnc plot: error: {message}", file=sys.stderr)
    return 1


def decode_names(codes):
    """Newline-separated names stored as int32 character codes."""
    return bytes(int(c) for c in codes).decode("utf-8").split("\n")[:-1]


def load_npz(path, required):
    """The arrays of an .npz file that must hold `required`."""
    import numpy as np

    if not os.path.isfile(path):
        raise PlotError(f"{path}: no such file (run `snnc run MODEL -o DIR` first)")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise PlotError(f"{path}: not a NumPy .npz file ({error})") from None
    missing = [key for key in required if key not in arrays]
    if missing:
        raise PlotError(
            f"{path}: not written by snnc run (missing {', '.join(missing)})"
        )
    return arrays


class Spikes:
    """spikes.npz: one entry per spike, and what each population is."""

    def __init__(self, path):
        import numpy as np

        data = load_npz(
            path,
            ("times_ms", "indices", "population", "population_sizes",
             "population_names", "duration_ms"),
        )
        self.times = np.asarray(data["times_ms"], dtype=np.float64)
        self.indices = np.asarray(data["indices"], dtype=np.int64)
        self.population = np.asarray(data["population"], dtype=np.int64)
        self.sizes = np.asarray(data["population_sizes"], dtype=np.int64)
        self.begins = np.asarray(
            data.get("population_begin", np.zeros_like(self.sizes)), dtype=np.int64
        )
        try:
            self.names = decode_names(data["population_names"])
        except (ValueError, UnicodeDecodeError):
            raise PlotError(f"{path}: population_names is not text") from None
        self.duration = float(np.asarray(data["duration_ms"]).ravel()[0])
        self.dt = float(np.asarray(data.get("dt_ms", [0.1])).ravel()[0])
        lengths = {len(self.times), len(self.indices), len(self.population)}
        if len(lengths) != 1 or len(self.names) != len(self.sizes):
            raise PlotError(f"{path}: arrays of different lengths")
        if len(self.population) and (
            self.population.min() < 0 or self.population.max() >= len(self.sizes)
        ):
            raise PlotError(f"{path}: a spike names a population that is not there")

    def of(self, p):
        """Spike times (ms) and neuron numbers (from 0) of population p."""
        mask = self.population == p
        return self.times[mask], self.indices[mask] - self.begins[p]


class States:
    """states.npz: per recorded state KEY = POP_STATE, KEY (steps x
    neurons), KEY_neurons, KEY_times_ms and, when present, KEY_unit."""

    def __init__(self, path):
        data = load_npz(path, ())
        self.traces = []
        for key in sorted(data):
            if key.endswith(("_neurons", "_times_ms", "_unit")):
                continue
            for part in ("_neurons", "_times_ms"):
                if key + part not in data:
                    raise PlotError(f"{path}: '{key}' has no '{key}{part}'")
            values = data[key]
            times = data[key + "_times_ms"]
            if values.ndim != 2 or values.shape[0] != len(times):
                raise PlotError(f"{path}: '{key}' does not match its times")
            unit = ""
            if key + "_unit" in data:
                unit = bytes(int(c) for c in data[key + "_unit"]).decode("utf-8")
            self.traces.append((key, times, values, data[key + "_neurons"], unit))


def panels(plt, count, height=2.2, width=10):
    """A figure of `count` stacked panels sharing the time axis."""
    fig, axes = plt.subplots(
        count, 1, figsize=(width, max(2.5, height * count)), sharex=True,
        squeeze=False,
    )
    return fig, axes[:, 0]


def save(fig, out_dir, kind):
    path = os.path.join(out_dir, kind + ".png")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def plot_raster(plt, spikes, out_dir, max_neurons):
    import numpy as np

    fig, axes = panels(plt, len(spikes.sizes))
    for p, ax in enumerate(axes):
        times, neurons = spikes.of(p)
        size = int(spikes.sizes[p])
        stride = max(1, -(-size // max_neurons))  # ceil
        shown = neurons % stride == 0
        ax.scatter(times[shown], neurons[shown], s=1, color="black",
                   marker=".", linewidths=0)
        ax.set_xlim(0, spikes.duration)
        ax.set_ylim(0, size)
        ax.set_ylabel("neuron")
        rate = len(times) / (size * spikes.duration / 1000) if size and spikes.duration else 0
        note = f"; every {stride}th neuron of {size} shown" if stride > 1 else ""
        ax.set_title(f"{spikes.names[p]}: {len(times)} spikes, "
                     f"mean rate {rate:.2f} Hz{note}")
    axes[-1].set_xlabel("time (ms)")
    return save(fig, out_dir, "raster")


def plot_rate(plt, spikes, out_dir, bin_ms):
    import numpy as np

    bin_ms = max(bin_ms, spikes.dt)
    edges = np.arange(0, spikes.duration + bin_ms, bin_ms)
    if len(edges) < 2:
        edges = np.array([0, max(spikes.duration, bin_ms)])
    fig, axes = panels(plt, len(spikes.sizes))
    for p, ax in enumerate(axes):
        times, _ = spikes.of(p)
        counts, _ = np.histogram(times, bins=edges)
        size = max(int(spikes.sizes[p]), 1)
        rate = counts / (size * bin_ms / 1000.0)
        ax.step(edges[:-1], rate, where="post", color="tab:blue", linewidth=0.8)
        ax.set_xlim(0, spikes.duration)
        ax.set_ylabel("rate (Hz)")
        ax.set_title(f"{spikes.names[p]}: population rate, {bin_ms:g} ms bins "
                     f"(mean {rate.mean():.2f} Hz)")
    axes[-1].set_xlabel("time (ms)")
    return save(fig, out_dir, "rate")


def plot_states(plt, states, out_dir, max_traces):
    if not states.traces:
        raise PlotError("states.npz records no states")
    fig, axes = panels(plt, len(states.traces))
    for ax, (key, times, values, neurons, unit) in zip(axes, states.traces):
        shown = min(values.shape[1], max_traces)
        for i in range(shown):
            ax.plot(times, values[:, i], linewidth=0.8, label=f"neuron {neurons[i]}")
        ax.set_ylabel(f"{key.split('_', 1)[-1]} ({unit})" if unit else key)
        note = f", {shown} of {values.shape[1]} neurons" if shown < values.shape[1] else ""
        ax.set_title(f"{key.replace('_', '.', 1)}{note}")
        if shown <= 5:
            ax.legend(loc="upper right", fontsize="small")
    axes[-1].set_xlabel("time (ms)")
    return save(fig, out_dir, "states")


def plot_isi(plt, spikes, out_dir):
    import numpy as np

    count = len(spikes.sizes)
    fig, axes = plt.subplots(count, 2, figsize=(10, max(2.8, 2.6 * count)),
                             squeeze=False)
    for p in range(count):
        times, neurons = spikes.of(p)
        order = np.lexsort((times, neurons))
        times, neurons = times[order], neurons[order]
        same = neurons[1:] == neurons[:-1]
        isi = np.diff(times)[same]
        # CV of each neuron with at least two intervals.
        cvs = []
        starts = np.flatnonzero(np.r_[True, ~same])
        for begin, end in zip(starts, np.r_[starts[1:], len(times)]):
            intervals = np.diff(times[begin:end])
            if len(intervals) >= 2 and intervals.mean() > 0:
                cvs.append(intervals.std() / intervals.mean())
        name = spikes.names[p]
        ax_isi, ax_cv = axes[p]
        if len(isi):
            # Intervals are whole steps: bins of whole steps avoid empty
            # bins between them.
            width = spikes.dt * max(1, np.ceil((isi.max() - isi.min()) / 50 / spikes.dt))
            edges = np.arange(isi.min() - width / 2, isi.max() + width, width)
            ax_isi.hist(isi, bins=edges, color="tab:gray")
        ax_isi.set_xlabel("inter-spike interval (ms)")
        ax_isi.set_ylabel("count")
        ax_isi.set_title(f"{name}: {len(isi)} intervals"
                         + (f", mean {isi.mean():.2f} ms" if len(isi) else ""))
        if cvs:
            ax_cv.hist(cvs, bins=30, color="tab:gray")
        ax_cv.set_xlabel("CV of ISI")
        ax_cv.set_ylabel("neurons")
        ax_cv.set_title(f"{name}: {len(cvs)} neurons with >= 3 spikes"
                        + (f", mean CV {np.mean(cvs):.3g}" if cvs else ""))
    return save(fig, out_dir, "isi")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="snnc plot", description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", help="the directory `snnc run -o` wrote")
    parser.add_argument("-o", "--output", help="where the PNGs go (default: run_dir)")
    parser.add_argument("--kind", default=",".join(KINDS),
                        help="comma-separated kinds: " + ", ".join(KINDS))
    parser.add_argument("--bin", type=float, default=1.0,
                        help="bin of the rate plot in ms (default 1)")
    parser.add_argument("--max-neurons", type=int, default=1000,
                        help="neurons shown per raster panel (default 1000)")
    parser.add_argument("--max-traces", type=int, default=10,
                        help="traces shown per recorded state (default 10)")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kind.split(",") if k]
    explicit = args.kind != parser.get_default("kind")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        return fail(f"unknown kind '{unknown[0]}' (expected {', '.join(KINDS)})")
    if args.bin <= 0 or args.max_neurons < 1 or args.max_traces < 1:
        return fail("--bin, --max-neurons and --max-traces must be positive")
    try:
        import matplotlib
    except ImportError:
        return fail("matplotlib is not installed for this Python "
                    f"({sys.executable}); on Debian: apt-get install python3-matplotlib")
    matplotlib.use("Agg")  # files only; no display needed
    import matplotlib.pyplot as plt

    out_dir = args.output or args.run_dir
    try:
        os.makedirs(out_dir, exist_ok=True)
        spikes = None
        if any(k != "states" for k in kinds):
            spikes = Spikes(os.path.join(args.run_dir, "spikes.npz"))
        written = []
        for kind in kinds:
            if kind == "raster":
                written.append(plot_raster(plt, spikes, out_dir, args.max_neurons))
            elif kind == "rate":
                written.append(plot_rate(plt, spikes, out_dir, args.bin))
            elif kind == "isi":
                written.append(plot_isi(plt, spikes, out_dir))
            elif kind == "states":
                path = os.path.join(args.run_dir, "states.npz")
                if not os.path.isfile(path) and not explicit:
                    print(f"no {path}: the run recorded no states")
                    continue
                written.append(plot_states(plt, States(path), out_dir, args.max_traces))
            plt.close("all")
    except PlotError as error:
        return fail(str(error))
    except OSError as error:
        return fail(f"cannot write the plots to {out_dir}: {error.strerror}")
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
