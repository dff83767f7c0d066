#!/usr/bin/python3
# ===- coba_brian2.py - The seed model in Brian2 cpp_standalone -----------===#
#
# snnc's seed model (COBA E/I, examples/coba.snn) written for Brian2's C++
# standalone device, as the peer snnc-bench compares against. Same
# equations, units, constants, connectivity rule (80 targets per source,
# drawn with replacement; 80% excitatory) and dt; Brian2's own update order
# and refractoriness (see bench/README.md for how they differ from the
# seed's). One thread (or --threads N: Brian2's OpenMP mode), Brian2's
# default compiler flags (-O3 -ffast-math
# -march=native), `make -j2`. Prints "key value" lines on stdout: the time
# to build the Python model, to generate and compile the C++ project, the
# simulated time's wall-clock time as Brian2 measures it (best of
# --repeat runs of the binary), spikes, rate and the binary's peak memory.
#
# ===----------------------------------------------------------------------===#
"""Brian2 cpp_standalone version of snnc's seed model, for snnc-bench."""

import argparse
import os
import shutil
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=4000, help="neurons")
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of the compiled binary; the best counts")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads; above 1, Brian2's OpenMP mode")
    parser.add_argument("--float64", action="store_true",
                        help="Brian2's default precision instead of the "
                             "seed's float32")
    parser.add_argument("--build-dir", default=None,
                        help="project directory (default: a fresh temporary"
                             " one, removed afterwards)")
    args = parser.parse_args()

    # Brian2's code generation and make write to stdout; keep stdout for
    # the results alone.
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
    from brian2 import ms, mV, mS, mA, ohm

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", build_on_run=False)
    # Never more than two compile jobs on the shared machine (Brian2's
    # default is an unbounded `make -j`).
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    # 0 is Brian2's plain single-threaded code; 1 would be OpenMP's.
    b2.prefs.devices.cpp_standalone.openmp_threads = (
        args.threads if args.threads > 1 else 0)
    b2.defaultclock.dt = 0.1 * ms
    if not args.float64:
        b2.prefs.core.default_float_dtype = np.float32

    setup_start = time.perf_counter()
    n = args.n
    n_exc = n * 4 // 5
    n_inh = n - n_exc
    targets = 80
    rng = np.random.default_rng(args.seed)

    # The seed's units exactly: R = 1 ohm, drive in mA, conductances in mS;
    # g * (E - v) is in uA and Brian2 converts it, as snnc does.
    namespace = {
        "V_rest": -60 * mV, "V_th": -50 * mV, "V_reset": -60 * mV,
        "tau": 20 * ms, "R": 1 * ohm, "I_ext": 20 * mA,
        "E_E": 0 * mV, "E_I": -80 * mV, "tau_E": 5 * ms, "tau_I": 10 * ms,
        "w_E": 0.6 * mS, "w_I": 6.7 * mS,
    }
    equations = """
    dv/dt = (-(v - V_rest) + R * (I_ext + g_E * (E_E - v)
                                  + g_I * (E_I - v))) / tau : volt (unless refractory)
    dg_E/dt = -g_E / tau_E : siemens
    dg_I/dt = -g_I / tau_I : siemens
    """
    neurons = b2.NeuronGroup(n, equations, threshold="v >= V_th",
                             reset="v -= V_th - V_reset", refractory=5 * ms,
                             method="exponential_euler", namespace=namespace)
    neurons.v = (-55 + 2 * rng.standard_normal(n)) * mV
    neurons.g_E = 0 * mS
    neurons.g_I = 0 * mS

    # Every source draws 80 targets uniformly from all n, repeats allowed
    # (Synapses.connect's generator syntax cannot draw with replacement).
    exc = b2.Synapses(neurons[:n_exc], neurons, on_pre="g_E_post += w_E",
                      namespace=namespace)
    exc.connect(i=np.repeat(np.arange(n_exc), targets),
                j=rng.integers(0, n, size=n_exc * targets))
    inh = b2.Synapses(neurons[n_exc:], neurons, on_pre="g_I_post += w_I",
                      namespace=namespace)
    inh.connect(i=np.repeat(np.arange(n_inh), targets),
                j=rng.integers(0, n, size=n_inh * targets))
    monitor = b2.SpikeMonitor(neurons)
    b2.run(args.duration_ms * ms)
    # The generated binary reports its own peak resident memory.
    b2.device.insert_code(
        "before_end",
        '{ std::ifstream status("/proc/self/status"); std::string line;'
        ' std::ofstream out("results/peak_rss_kb.txt");'
        ' while (std::getline(status, line))'
        '   if (line.rfind("VmHWM:", 0) == 0) out << line.substr(6) << "\\n"; }')
    python_setup = time.perf_counter() - setup_start

    directory = args.build_dir or tempfile.mkdtemp(prefix="snnc-bench-brian2-")
    try:
        build_start = time.perf_counter()
        b2.device.build(directory=directory, compile=True, run=False,
                        with_output=False, clean=True)
        build = time.perf_counter() - build_start

        runs, walls = [], []
        for _ in range(args.repeat):
            wall_start = time.perf_counter()
            b2.device.run(directory, with_output=False, run_args=[])
            walls.append(time.perf_counter() - wall_start)
            runs.append(b2.device._last_run_time)
        spikes = int(monitor.num_spikes)
        with open(os.path.join(directory, "results", "peak_rss_kb.txt")) as f:
            peak_kb = int(f.read().split()[0])
    finally:
        if not args.build_dir:
            shutil.rmtree(directory, ignore_errors=True)

    duration_s = args.duration_ms / 1e3
    out = {
        "neurons": n,
        "brian2_version": b2.__version__,
        "precision": "float64" if args.float64 else "float32",
        "spikes": spikes,
        "rate_hz": "%.4f" % (spikes / (n * duration_s)),
        "python_setup_s": "%.6f" % python_setup,
        "build_s": "%.6f" % build,
        "sim_s": "%.6f" % min(runs),
        "sim_runs_s": ",".join("%.6f" % r for r in runs),
        "binary_wall_s": "%.6f" % min(walls),
        "peak_rss_kb": peak_kb,
    }
    for key, value in out.items():
        results.write("%s %s\n" % (key, value))
    results.flush()


if __name__ == "__main__":
    main()
