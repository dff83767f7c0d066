#!/usr/bin/python3
# ===- poisson_input_brian2.py - LIF driven by Poisson inputs, in Brian2 --===#
#
# The peer of examples/poisson_input.snn on Brian2's C++ standalone
# device: 1000 leaky integrate-and-fire neurons (Cm = 200 pF, gL = 10 nS,
# EL = Vr = -60 mV, Vt = -50 mV, refractory 5 ms with v held) driven by a
# PoissonGroup of 200 sources at 10 Hz through exponential conductance
# synapses (1.5 nS, E = 0 mV, tau 5 ms), connection probability 0.1,
# exponential Euler, dt 0.1 ms. One thread, single precision (snnc's;
# --float64 for Brian2's default). Only the LIF neurons are monitored.
# Prints one JSON object on stdout: their mean rate, the mean CV of their
# inter-spike intervals, and the simulation time per biological second as
# Brian2 measures it (its Network::run). The project is built in
# --build-dir (default /tmp/snnc-brian2-poisson-input) and kept: the seed
# and the duration live in main.cpp alone. Runs on one directory take
# turns.
#
# ===----------------------------------------------------------------------===#
"""Brian2 cpp_standalone version of examples/poisson_input.snn."""

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
    parser.add_argument("--build-dir",
                        default="/tmp/snnc-brian2-poisson-input",
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
    from brian2 import ms, mV, nS, pF, Hz

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    if not args.float64:
        b2.prefs.core.default_float_dtype = np.float32
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)

    namespace = {
        "Cm": 200 * pF, "gL": 10 * nS, "EL": -60 * mV, "Vt": -50 * mV,
        "Vr": -60 * mV, "Ee": 0 * mV, "taue": 5 * ms, "we": 1.5 * nS,
    }
    eqs = """
    dv/dt = (gL*(EL - v) + ge*(Ee - v))/Cm : volt (unless refractory)
    dge/dt = -ge/taue : siemens
    """
    sources, size = 200, 1000
    inputs = b2.PoissonGroup(sources, rates=10 * Hz)
    N = b2.NeuronGroup(size, eqs, threshold="v > Vt", reset="v = Vr",
                       refractory=5 * ms, method="exponential_euler",
                       namespace=namespace)
    N.v = "Vr + rand() * (Vt - Vr)"
    N.ge = 0 * nS
    S = b2.Synapses(inputs, N, on_pre="ge += we", namespace=namespace)
    S.connect(p=0.1)
    s_mon = b2.SpikeMonitor(N)
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
        "model": "poisson_input",
        "engine": "brian2 %s cpp_standalone" % b2.__version__,
        "precision": "float64" if args.float64 else "float32",
        "seed": args.seed,
        "duration_ms": args.duration,
        "neurons": size,
        "sources": sources,
        "synapses": int(len(S)),
        "spikes": int(len(times)),
        "rate_hz": len(times) / (size * duration_s),
        "cv_isi": cv_isi(times, indices, size),
        "build_s": build_s,
        "sim_s": sim_s,
        "sim_s_per_bio_s": sim_s / duration_s,
    }
    results.write(json.dumps(out) + "\n")
    results.flush()


if __name__ == "__main__":
    main()
