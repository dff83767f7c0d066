#!/usr/bin/python3
# ===- cuba_brian2.py - CUBA (Brette et al. 2007) in Brian2 cpp_standalone -===#
#
# Benchmark 2 of Brette et al. (2007), as Brian2's examples/CUBA.py writes
# it, on Brian2's C++ standalone device: the peer of examples/cuba.snn.
# 4000 LIF neurons (3200 excitatory, 800 inhibitory), exponential current
# synapses, connection probability 0.02, exact subthreshold integration,
# dt 0.1 ms. One thread, single precision (snnc's; --float64 for Brian2's
# default). Prints one JSON object on stdout: mean rate, mean CV of the
# inter-spike intervals, and the simulation time per biological second
# as Brian2 measures it (its Network::run, without loading arrays or
# writing results).
#
# The project is built in --build-dir (default /tmp/snnc-brian2-cuba) and
# kept there: the seed and the duration live in main.cpp alone, so a
# later run with another seed recompiles that one file (seconds) instead
# of the whole project (about a minute). Runs on one directory take turns
# (a lock file beside it).
#
# ===----------------------------------------------------------------------===#
"""Brian2 cpp_standalone version of examples/cuba.snn."""

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
    parser.add_argument("--build-dir", default="/tmp/snnc-brian2-cuba",
                        help="project directory, kept and reused "
                             "(default %(default)s)")
    args = parser.parse_args()

    # Brian2's code generation and make write to stdout; keep stdout for
    # the result alone.
    results = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    # NumPy's FutureWarnings from Debian's pythran, here and in the Python
    # processes Brian2 starts, are noise.
    os.environ["PYTHONWARNINGS"] = "ignore::FutureWarning"
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning)
    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    if not args.float64:
        b2.prefs.core.default_float_dtype = np.float32
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)

    # examples/CUBA.py of Brian2, unchanged but for the namespace.
    namespace = {
        "taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms,
        "Vt": -50 * mV, "Vr": -60 * mV, "El": -49 * mV,
        "we": (60 * 0.27 / 10) * mV, "wi": (-20 * 4.5 / 10) * mV,
    }
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    n = 4000
    P = b2.NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr",
                       refractory=5 * ms, method="exact",
                       namespace=namespace)
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    Ce = b2.Synapses(P, P, on_pre="ge += we", namespace=namespace)
    Ci = b2.Synapses(P, P, on_pre="gi += wi", namespace=namespace)
    Ce.connect("i<3200", p=0.02)
    Ci.connect("i>=3200", p=0.02)
    s_mon = b2.SpikeMonitor(P)
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
        times = np.asarray(s_mon.t / ms, dtype=np.float64)
        indices = np.asarray(s_mon.i, dtype=np.int64)

    duration_s = args.duration / 1e3
    out = {
        "model": "cuba",
        "engine": "brian2 %s cpp_standalone" % b2.__version__,
        "precision": "float64" if args.float64 else "float32",
        "seed": args.seed,
        "duration_ms": args.duration,
        "neurons": n,
        "synapses": int(len(Ce) + len(Ci)),
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
