#!/usr/bin/python3
# ===- cobahh_brian2.py - COBAHH (Brette et al. 2007) in Brian2 standalone -===#
#
# Benchmark 3 of Brette et al. (2007), as Brian2's examples/COBAHH.py
# writes it, on Brian2's C++ standalone device: the peer of
# examples/cobahh.snn. 4000 Hodgkin-Huxley (Traub-Miles) neurons, 3200
# excitatory and 800 inhibitory, exponential conductance synapses
# (we = 6 nS, wi = 67 nS), connection probability 0.02, exponential
# Euler, dt 0.1 ms, the random initial v, ge and gi of COBAHH.py. One
# thread, single precision (snnc's; --float64 for Brian2's default).
#
# The rate functions are COBAHH.py's, x / (exp(x / k) - 1);
# examples/cobahh.snn writes them k / exprel(x / k), the same function
# without the 0 / 0 at x = 0 that a float32 v can meet (here it would leave
# a neuron NaN for the rest of the run: "v_not_finite" counts them).
# --exprel computes them as snnc does (Brian2's exprel is slower than its
# exp: 5.6 against 3.8 s per biological second). Spikes are upward
# crossings of -20 mV, refractory='v>-20*mV', as snnc's
# `refractory while v > -20 mV`; --refractory-3ms uses COBAHH.py's
# refractory=3*ms, which snnc cannot say without holding v (a duration
# holds the spike variable). Both hold nothing; 3 ms also blocks a second
# crossing within 3 ms of the first (0.4 % of the intervals, 2.6-3 ms).
#
# Prints one JSON object on stdout: mean rate, mean CV of the
# inter-spike intervals, and the simulation time per biological second as
# Brian2 measures it (its Network::run). The project is built in
# --build-dir (default /tmp/snnc-brian2-cobahh) and kept: the seed and the
# duration live in main.cpp alone. Runs on one directory take turns.
#
# ===----------------------------------------------------------------------===#
"""Brian2 cpp_standalone version of examples/cobahh.snn."""

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
    parser.add_argument("--exprel", action="store_true",
                        help="the rate functions as examples/cobahh.snn "
                             "writes them, with exprel")
    parser.add_argument("--refractory-3ms", action="store_true",
                        help="COBAHH.py's refractory=3*ms instead of "
                             "refractory='v>-20*mV'")
    parser.add_argument("--build-dir", default=None,
                        help="project directory, kept and reused (default "
                             "/tmp/snnc-brian2-cobahh, with -exprel and "
                             "-3ms after it for those options)")
    args = parser.parse_args()
    directory = args.build_dir or ("/tmp/snnc-brian2-cobahh"
                                   + ("-exprel" if args.exprel else "")
                                   + ("-3ms" if args.refractory_3ms else ""))

    results = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    os.environ["PYTHONWARNINGS"] = "ignore::FutureWarning"
    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning)
    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, nS, umetre, ufarad, siemens, msiemens, cm

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    if not args.float64:
        b2.prefs.core.default_float_dtype = np.float32
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)

    # examples/COBAHH.py of Brian2, but for the namespace and the
    # refractory condition (and the options above).
    area = 20000 * umetre ** 2
    namespace = {
        "Cm": (1 * ufarad * cm ** -2) * area,
        "gl": (5e-5 * siemens * cm ** -2) * area,
        "El": -60 * mV, "EK": -90 * mV, "ENa": 50 * mV,
        "g_na": (100 * msiemens * cm ** -2) * area,
        "g_kd": (30 * msiemens * cm ** -2) * area,
        "VT": -63 * mV, "taue": 5 * ms, "taui": 10 * ms,
        "Ee": 0 * mV, "Ei": -80 * mV, "we": 6 * nS, "wi": 67 * nS,
    }
    eqs = """
    dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
             g_na*(m*m*m)*h*(v-ENa)-
             g_kd*(n*n*n*n)*(v-EK))/Cm : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
    beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
    """
    if args.exprel:
        eqs += """
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
    """
    else:
        eqs += """
    alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/
             (exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
    beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/
            (exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
    alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/
             (exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
    """
    refractory = 3 * ms if args.refractory_3ms else "v>-20*mV"
    size = 4000
    P = b2.NeuronGroup(size, model=eqs, threshold="v>-20*mV",
                       refractory=refractory, method="exponential_euler",
                       namespace=namespace)
    Pe = P[:3200]
    Pi = P[3200:]
    Ce = b2.Synapses(Pe, P, on_pre="ge+=we", namespace=namespace)
    Ci = b2.Synapses(Pi, P, on_pre="gi+=wi", namespace=namespace)
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = "El + (randn() * 5 - 5)*mV"
    P.ge = "(randn() * 1.5 + 4) * 10.*nS"
    P.gi = "(randn() * 12 + 20) * 10.*nS"
    s_mon = b2.SpikeMonitor(P)
    b2.run(args.duration * ms)

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
        not_finite = int(np.sum(~np.isfinite(np.asarray(P.v[:]))))

    duration_s = args.duration / 1e3
    out = {
        "model": "cobahh",
        "engine": "brian2 %s cpp_standalone" % b2.__version__,
        "precision": "float64" if args.float64 else "float32",
        "exprel": args.exprel,
        "refractory": "3 ms" if args.refractory_3ms else "v>-20*mV",
        "seed": args.seed,
        "duration_ms": args.duration,
        "neurons": size,
        "synapses": int(len(Ce) + len(Ci)),
        "spikes": int(len(times)),
        "rate_hz": len(times) / (size * duration_s),
        "cv_isi": cv_isi(times, indices, size),
        "v_not_finite": not_finite,
        "build_s": build_s,
        "sim_s": sim_s,
        "sim_s_per_bio_s": sim_s / duration_s,
    }
    results.write(json.dumps(out) + "\n")
    results.flush()


if __name__ == "__main__":
    main()
