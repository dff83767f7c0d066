#!/usr/bin/python3
# ===- brunel2000_brian2.py - Brunel (2000) in Brian2 cpp_standalone -------===#
#
# Brunel's sparse network with delta synapses, as examples/brunel2000.snn
# writes it (NEST's brunel_delta parameters: g = 5, eta = 2), on Brian2's
# C++ standalone device. 10 000 excitatory and 2 500 inhibitory LIF
# neurons, 1000 excitatory and 250 inhibitory inputs per neuron drawn with
# replacement (snnc's fixed_per_post; NEST's fixed_indegree), J = 0.1 mV,
# external PoissonInput of 1000 sources at 20 Hz per neuron. dt 0.1 ms,
# one thread, single precision.
#
# Delays: Brian2 runs on_pre in the spike's own step and the target feels
# it in the next, snnc one step later (docs/language.md, `delay`), so
# snnc's 1.5 ms is Brian2's 1.4 ms here. Prints one JSON object on stdout
# (mean rate, CV of ISI, simulation time per biological second).
#
# ===----------------------------------------------------------------------===#
"""Brian2 cpp_standalone version of examples/brunel2000.snn."""

import argparse
import fcntl
import json
import os
import sys
import time

# The helpers beside this script (also when compare.py loads it by path).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brian2_common import duration_ms, cv_isi  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=duration_ms, default=1000.0,
                        help="biological time: 1s, 500ms or a number of ms "
                             "(default 1s)")
    parser.add_argument("--float64", action="store_true",
                        help="Brian2's default precision instead of snnc's "
                             "float32")
    parser.add_argument("--build-dir", default="/tmp/snnc-brian2-brunel2000",
                        help="project directory (default %(default)s)")
    args = parser.parse_args()

    results = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.environ["PYTHONWARNINGS"] = "ignore::FutureWarning"
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning)
    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, Hz

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    if not args.float64:
        b2.prefs.core.default_float_dtype = np.float32
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)
    rng = np.random.default_rng(args.seed)

    NE, NI, CE, CI = 10000, 2500, 1000, 250
    n = NE + NI
    namespace = {"tau": 20 * ms, "theta": 20 * mV, "Vr": 10 * mV}
    P = b2.NeuronGroup(n, "dv/dt = -v/tau : volt (unless refractory)",
                       threshold="v >= theta", reset="v = Vr",
                       refractory=2 * ms, method="exact", namespace=namespace)
    P.v = "rand() * 20*mV"
    J, g = 0.1 * mV, 5.0
    synapses = []
    for first, count, size, weight in ((0, CE, NE, J), (NE, CI, NI, -g * J)):
        S = b2.Synapses(P, P, "w : volt", on_pre="v_post += w",
                        delay=1.4 * ms)
        sources = rng.integers(0, size, size=(n, count)) + first
        S.connect(i=sources.ravel(), j=np.repeat(np.arange(n), count))
        S.w = weight
        synapses.append(S)
    inputs = b2.PoissonInput(P, "v", N=1000, rate=20 * Hz, weight=J)
    s_mon = b2.SpikeMonitor(P)
    # An explicit network: run()'s magic would miss the synapses in the list.
    net = b2.Network(P, inputs, s_mon, *synapses)
    net.run(args.duration * ms)

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
        times = np.asarray(s_mon.t / ms, dtype=np.float64)
        indices = np.asarray(s_mon.i, dtype=np.int64)

    duration_s = args.duration / 1e3
    out = {
        "model": "brunel2000",
        "engine": "brian2 %s cpp_standalone" % b2.__version__,
        "precision": "float64" if args.float64 else "float32",
        "seed": args.seed,
        "duration_ms": args.duration,
        "neurons": n,
        "spikes": int(len(times)),
        "rate_hz": len(times) / (n * duration_s),
        "cv_isi": cv_isi(times, indices, n),
        "build_s": build_s,
        "sim_s": sim_s,
        "sim_s_per_bio_s": sim_s / duration_s,
    }
    results.write(json.dumps(out) + "\n")
    results.flush()


if __name__ == "__main__":
    main()
