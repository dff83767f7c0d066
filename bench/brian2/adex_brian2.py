#!/usr/bin/python3
# ===- adex_brian2.py - AdEx firing patterns in Brian2 cpp_standalone -----===#
#
# The peer of examples/adex.snn on Brian2's C++ standalone device: the
# AdEx model of Brette & Gerstner (2005) with the parameters of Table 1 of
# Naud et al. (2008), as Brian2's example of that paper writes it
# (examples/frompapers/Naud_et_al_2008_adex_firing_patterns.py: forward
# Euler, spike cut at 0 mV, reset 'vm = v_r; w += b', dt 0.1 ms), under a
# step current from 20 ms to 520 ms, four cells per pattern. Single
# precision (snnc's; --float64 for Brian2's default), one thread. Prints
# one JSON object on stdout: the mean rate over all cells, the first spike
# times of the first cell of each pattern, and the simulation time per
# biological second as Brian2 measures it.
#
# The model has no randomness: --seed is accepted, for a driver that
# passes one to every model, and changes nothing. The project is built in
# --build-dir (default /tmp/snnc-brian2-adex) and kept: another duration
# recompiles main.cpp alone. Runs on one directory take turns.
#
# ===----------------------------------------------------------------------===#
"""Brian2 cpp_standalone version of examples/adex.snn."""

import argparse
import fcntl
import json
import os
import sys
import time

# The helpers beside this script (also when compare.py loads it by path).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brian2_common import duration_ms  # noqa: E402

# Naud et al. (2008), Table 1:
#   C (pF), gL (nS), EL (mV), VT (mV), DeltaT (mV), a (nS), tauw (ms),
#   b (pA), Vr (mV), I (pA)
PATTERNS = [
    ("Tonic",        200, 10, -70, -50, 2,   2,  30,   0, -58, 500),
    ("Adapting",     200, 12, -70, -50, 2,   2, 300,  60, -58, 500),
    ("InitialBurst", 130, 18, -58, -50, 2,   4, 150, 120, -50, 400),
    ("Bursting",     200, 10, -58, -50, 2,   2, 120, 100, -46, 210),
    ("Irregular",    100, 12, -60, -50, 2, -11, 130,  30, -48, 160),
]
CELLS = 4            # per pattern
FIRST_SPIKES = 10    # spike times reported per pattern


def summarize(times_ms, indices):
    """Spikes per pattern, and the first FIRST_SPIKES spike times (ms) of the
    first cell of each pattern; cell k of pattern p has index p*CELLS + k."""
    import numpy as np
    times_ms, indices = np.asarray(times_ms), np.asarray(indices)
    spikes, first = {}, {}
    for p, pattern in enumerate(PATTERNS):
        name = pattern[0]
        cells = (indices >= p * CELLS) & (indices < (p + 1) * CELLS)
        spikes[name] = int(np.sum(cells))
        cell0 = np.sort(times_ms[indices == p * CELLS])
        first[name] = [round(float(x), 4) for x in cell0[:FIRST_SPIKES]]
    return spikes, first


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1,
                        help="accepted and ignored: the model is "
                             "deterministic")
    parser.add_argument("--duration", type=duration_ms, default=600.0,
                        help="biological time: 1s, 600ms or a number of ms "
                             "(default 600 ms)")
    parser.add_argument("--float64", action="store_true",
                        help="Brian2's default precision instead of snnc's "
                             "float32")
    parser.add_argument("--build-dir", default="/tmp/snnc-brian2-adex",
                        help="project directory, kept and reused "
                             "(default %(default)s)")
    args = parser.parse_args()

    results = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    os.environ["PYTHONWARNINGS"] = "ignore::FutureWarning"
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning)
    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, pA, pF, nS

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    if not args.float64:
        b2.prefs.core.default_float_dtype = np.float32
    b2.defaultclock.dt = 0.1 * ms

    # The equations of Brian2's Naud et al. (2008) example, with the step
    # current and the parameters per cell (one group for all patterns).
    eqs = """
    dvm/dt = (g_l*(e_l - vm) + g_l*d_t*exp((vm-v_t)/d_t) + I_ext - w)/c_m : volt
    dw/dt  = (a*(vm - e_l) - w)/tau_w : amp
    I_ext = i_stim * int(t >= t_on) * int(t < t_off) : amp
    c_m : farad (constant)
    g_l : siemens (constant)
    e_l : volt (constant)
    v_t : volt (constant)
    d_t : volt (constant)
    a : siemens (constant)
    tau_w : second (constant)
    b : amp (constant)
    v_r : volt (constant)
    i_stim : amp (constant)
    """
    n = CELLS * len(PATTERNS)
    neurons = b2.NeuronGroup(n, eqs, threshold="vm > 0*mV",
                             reset="vm = v_r; w += b", method="euler",
                             namespace={"t_on": 20 * ms, "t_off": 520 * ms})
    table = np.repeat(np.array([p[1:] for p in PATTERNS], dtype=float),
                      CELLS, axis=0)
    neurons.c_m = table[:, 0] * pF
    neurons.g_l = table[:, 1] * nS
    neurons.e_l = table[:, 2] * mV
    neurons.v_t = table[:, 3] * mV
    neurons.d_t = table[:, 4] * mV
    neurons.a = table[:, 5] * nS
    neurons.tau_w = table[:, 6] * ms
    neurons.b = table[:, 7] * pA
    neurons.v_r = table[:, 8] * mV
    neurons.i_stim = table[:, 9] * pA
    neurons.vm = table[:, 2] * mV
    neurons.w = 0 * pA
    monitor = b2.SpikeMonitor(neurons)
    b2.run(args.duration * ms)

    directory = args.build_dir
    os.makedirs(directory, exist_ok=True)
    with open(directory.rstrip("/") + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build_start = time.perf_counter()
        b2.device.build(directory=directory, compile=True, run=False,
                        with_output=False, clean=False)
        build_s = time.perf_counter() - build_start
        b2.device.run(directory, with_output=False, run_args=[])
        sim_s = b2.device._last_run_time
        times = np.asarray(monitor.t / ms, dtype=np.float64)
        indices = np.asarray(monitor.i, dtype=np.int64)

    spikes_per_pattern, first = summarize(times, indices)

    duration_s = args.duration / 1e3
    out = {
        "model": "adex",
        "engine": "brian2 %s cpp_standalone" % b2.__version__,
        "precision": "float64" if args.float64 else "float32",
        "seed": args.seed,
        "duration_ms": args.duration,
        "neurons": n,
        "spikes": int(len(times)),
        "rate_hz": len(times) / (n * duration_s),
        "spikes_per_pattern": spikes_per_pattern,
        "first_spikes_ms": first,
        "build_s": build_s,
        "sim_s": sim_s,
        "sim_s_per_bio_s": sim_s / duration_s,
    }
    results.write(json.dumps(out) + "\n")
    results.flush()


if __name__ == "__main__":
    main()
