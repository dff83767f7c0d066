#!/usr/bin/python3
# ===- izhikevich2003_brian2.py - Izhikevich (2003) in Brian2 standalone --===#
#
# The 1000-neuron network of Izhikevich (2003), "Simple model of spiking
# neurons", IEEE Trans. Neural Netw. 14:1569-1572, on Brian2's C++
# standalone device: the peer of examples/izhikevich2003.snn. The paper's
# MATLAB loop is written out as it stands, one iteration per 1 ms step:
#
#   I=[5*randn(Ne,1);2*randn(Ni,1)];          thalamic input, every step
#   fired=find(v>=30);                         threshold 'v >= 30'
#   v(fired)=c(fired); u(fired)=u(fired)+d(fired);   reset
#   I=I+sum(S(:,fired),2);                     on_pre 'I_syn_post += w'
#   v=v+0.5*(0.04*v.^2+5*v+140-u+I);           run_regularly, twice
#   v=v+0.5*(0.04*v.^2+5*v+140-u+I);
#   u=u+a.*(b.*v-u);                           with the new v
#
# Brian2's step runs the update first (a run_regularly at 'start'), then
# the threshold, the synapses and the reset: the same cycle as the
# paper's, which tests and resets at the top of its loop. The synaptic
# input of the spikes of one step is summed into I_syn and consumed (and
# cleared) by the next step's update, as the paper's I is. All-to-all
# connections include each neuron to itself, as the paper's matrix S does.
#
# One thread, single precision (snnc's; --float64 for Brian2's default).
# Prints one JSON object on stdout: the mean rate, the rates of the
# excitatory and inhibitory neurons, the fraction of spikes that are
# inhibitory, and the simulation time per biological second as Brian2
# measures it. The project is built in --build-dir (default
# /tmp/snnc-brian2-izhikevich2003) and kept: the seed and the duration
# live in main.cpp alone. Runs on one directory take turns.
#
# ===----------------------------------------------------------------------===#
"""Brian2 cpp_standalone version of examples/izhikevich2003.snn."""

import argparse
import fcntl
import json
import os
import sys
import time

# The helpers beside this script (also when compare.py loads it by path).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brian2_common import duration_ms  # noqa: E402

NE, NI = 800, 200


def rates(indices, duration_ms_):
    """Rates (Hz) of the excitatory neurons (indices below NE) and of the
    inhibitory ones, and the fraction of all spikes that are inhibitory."""
    import numpy as np
    indices = np.asarray(indices)
    inhibitory = int(np.sum(indices >= NE))
    excitatory = len(indices) - inhibitory
    seconds = duration_ms_ / 1e3
    return {
        "rate_exc_hz": excitatory / (NE * seconds),
        "rate_inh_hz": inhibitory / (NI * seconds),
        "inhibitory_fraction": (inhibitory / len(indices)
                                if len(indices) else float("nan")),
    }


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
                        default="/tmp/snnc-brian2-izhikevich2003",
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
    from brian2 import ms

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    if not args.float64:
        b2.prefs.core.default_float_dtype = np.float32
    b2.defaultclock.dt = 1 * ms     # one iteration of the paper's loop
    b2.seed(args.seed)

    # v and u in mV, I in mV per ms: the paper's numbers, dimensionless.
    eqs = """
    r : 1 (constant)
    a : 1 (constant)
    b : 1 (constant)
    c : 1 (constant)
    d : 1 (constant)
    sigma : 1 (constant)
    v : 1
    u : 1
    I_syn : 1
    """
    n = NE + NI
    G = b2.NeuronGroup(n, eqs, threshold="v >= 30", reset="v = c; u += d")
    G.run_regularly("""
    I = sigma*randn() + I_syn
    v += 0.5*(0.04*v**2 + 5*v + 140 - u + I)
    v += 0.5*(0.04*v**2 + 5*v + 140 - u + I)
    u += a*(b*v - u)
    I_syn = 0
    """, when="start")
    Ge, Gi = G[:NE], G[NE:]
    G.r = "rand()"                   # re and ri of the paper
    Ge.a = 0.02
    Ge.b = 0.2
    Ge.c = "-65 + 15*r**2"
    Ge.d = "8 - 6*r**2"
    Ge.sigma = 5
    Gi.a = "0.02 + 0.08*r"
    Gi.b = "0.25 - 0.05*r"
    Gi.c = -65
    Gi.d = 2
    Gi.sigma = 2
    G.v = -65
    G.u = "b*v"
    S = b2.Synapses(G, G, "w : 1", on_pre="I_syn_post += w")
    S.connect()                      # all to all, self-connections included
    S.w["i < %d" % NE] = "0.5*rand()"
    S.w["i >= %d" % NE] = "-rand()"
    monitor = b2.SpikeMonitor(G)
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

    duration_s = args.duration / 1e3
    out = {
        "model": "izhikevich2003",
        "engine": "brian2 %s cpp_standalone" % b2.__version__,
        "precision": "float64" if args.float64 else "float32",
        "seed": args.seed,
        "duration_ms": args.duration,
        "neurons": n,
        "synapses": int(len(S)),
        "spikes": int(len(times)),
        "rate_hz": len(times) / (n * duration_s),
        "build_s": build_s,
        "sim_s": sim_s,
        "sim_s_per_bio_s": sim_s / duration_s,
    }
    out.update(rates(indices, args.duration))
    results.write(json.dumps(out) + "\n")
    results.flush()


if __name__ == "__main__":
    main()
