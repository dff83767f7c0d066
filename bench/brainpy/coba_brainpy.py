# ===- coba_brainpy.py - The seed model in brainpy.state (JAX, CPU) -------===#
#
# snnc's seed model as BrainPy's five-minute tour writes it (the EINet
# class of shared/seed/five-minute-tour.txt: brainpy.state.LIFRef,
# AlignPostProj, Expon, COBA, brainstate.nn.EventFixedProb), resized to
# --n neurons (80% excitatory) with 80 targets per source, float32, on
# JAX's CPU backend with one thread. The peer snnc-bench compares against
# with --brainpy. Prints "key value" lines on stdout: building the model,
# compiling the jitted run (tracing, lowering, XLA compilation, and Numba's
# compilation of brainevent's synapse kernel), the simulation's wall time
# (best of --repeat runs of the compiled program after an untimed warm-up
# run, each from the same initial state), spikes, rate and peak memory.
#
# Run it with the virtual environment of setup-venv.sh (beside this file).
#
# ===----------------------------------------------------------------------===#
"""brainpy.state version of snnc's seed model, for snnc-bench --brainpy."""

import argparse
import os
import sys
import time


def peak_rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=4000, help="neurons")
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of the compiled program; the best counts")
    parser.add_argument("--record", choices=("count", "raster"),
                        default="count",
                        help="what the loop returns per step: the number of "
                             "spikes (default), or the tour's [step, neuron] "
                             "float32 raster (4 bytes x N per step)")
    parser.add_argument("--backend", default=None,
                        help="brainevent's CPU backend for the event-driven "
                             "synapse kernels (default: brainevent's own, "
                             "Numba; 'jax_raw' is its pure-JAX dense one)")
    parser.add_argument("--cpu", type=int, default=None,
                        help="pin the whole process to this CPU (default: "
                             "one CPU only while JAX starts, see below)")
    args = parser.parse_args()

    # One thread, like every engine of snnc-bench. XLA's CPU client sizes
    # its thread pools from the CPUs this process may run on when it
    # starts: with two, the compiled program kept both busy here, and ran
    # slower (1.3 s of wall time instead of 0.74 s at N = 4000). So JAX
    # starts with one allowed CPU, and the mask is restored afterwards
    # (unless --cpu) so that the scheduler may move the one thread like
    # any other. Eigen's own intra-op threads are off too. The Numba
    # kernel runs serially (brainevent's default).
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_multi_thread_eigen=false").strip()
    for name in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS",
                 "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    mask = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {args.cpu if args.cpu is not None else min(mask)})

    # Keep stdout for the results alone: libraries may print.
    results = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    import_start = time.perf_counter()
    import warnings
    warnings.filterwarnings("ignore")
    import numpy as np
    import jax
    import jax.numpy as jnp
    import brainevent
    import brainpy
    import brainstate
    import braintools
    import brainunit as u

    jnp.zeros(1).block_until_ready()  # starts the CPU client
    imports = time.perf_counter() - import_start
    if args.cpu is None:
        os.sched_setaffinity(0, mask)
    if args.backend:
        brainevent.config.set_backend("cpu", args.backend)
    n = args.n
    n_exc = n * 4 // 5
    targets = 80

    # The tour's EINet, word for word but for the sizes: `conn_num` is the
    # integer 80 (a fixed number of targets per source, drawn with
    # replacement) where the tour writes the fraction 0.02, which brainstate
    # turns into int(0.02 * num) = 80 targets at num = 4000.
    class EINet(brainstate.nn.Module):
        def __init__(self):
            super().__init__()
            self.n_exc, self.n_inh = n_exc, n - n_exc
            self.num = self.n_exc + self.n_inh
            # One shared population of refractory LIF neurons.
            self.N = brainpy.state.LIFRef(
                self.num,
                V_rest=-60. * u.mV, V_th=-50. * u.mV, V_reset=-60. * u.mV,
                tau=20. * u.ms, tau_ref=5. * u.ms,
                V_initializer=braintools.init.Normal(-55., 2., unit=u.mV),
            )
            # Excitatory projection (reversal potential 0 mV).
            self.E = brainpy.state.AlignPostProj(
                comm=brainstate.nn.EventFixedProb(
                    self.n_exc, self.num, conn_num=targets,
                    conn_weight=0.6 * u.mS),
                syn=brainpy.state.Expon.desc(self.num, tau=5. * u.ms),
                out=brainpy.state.COBA.desc(E=0. * u.mV),
                post=self.N,
            )
            # Inhibitory projection (reversal potential -80 mV).
            self.I = brainpy.state.AlignPostProj(
                comm=brainstate.nn.EventFixedProb(
                    self.n_inh, self.num, conn_num=targets,
                    conn_weight=6.7 * u.mS),
                syn=brainpy.state.Expon.desc(self.num, tau=10. * u.ms),
                out=brainpy.state.COBA.desc(E=-80. * u.mV),
                post=self.N,
            )

        def update(self, t, inp):
            with brainstate.environ.context(t=t):
                spk = self.N.get_spike() != 0.
                self.E(spk[:self.n_exc])  # route excitatory spikes
                self.I(spk[self.n_exc:])  # route inhibitory spikes
                self.N(inp)  # advance neurons one step
                return self.N.get_spike()

    # The tour is unseeded (NumPy's global generator draws the
    # connectivity, brainstate's JAX key the initial V); seed both so that
    # runs repeat. It is still not snnc's network: snnc draws its own.
    np.random.seed(args.seed)
    brainstate.random.seed(args.seed)

    setup_start = time.perf_counter()
    net = EINet()
    brainstate.nn.init_all_states(net)
    jax.block_until_ready(net.N.V.value)
    setup = time.perf_counter() - setup_start

    record = args.record

    def simulate(times):
        def step(t):
            spikes = net.update(t, 20. * u.mA)
            # One count per step instead of the raster by default: the
            # tour's float32 raster is 16 GB at N = 400 000.
            return spikes if record == "raster" else jnp.sum(spikes != 0.)
        return brainstate.transform.for_loop(step, times)

    # The tour runs brainstate.transform.for_loop at top level, which
    # compiles the loop as one XLA program when it is first called; here
    # the same loop is wrapped in brainstate.transform.jit so that tracing,
    # lowering and XLA compilation can be timed apart from running it.
    with brainstate.environ.context(dt=0.1 * u.ms):
        times = u.math.arange(0. * u.ms, args.duration_ms * u.ms,
                              brainstate.environ.get_dt())
        run = brainstate.transform.jit(simulate)
        trace_start = time.perf_counter()
        state_trace = run.stateful_fun.get_state_trace(times,
                                                       compile_if_miss=True)
        trace = time.perf_counter() - trace_start
        lower_start = time.perf_counter()
        lowered = run.lower(times)
        lower = time.perf_counter() - lower_start
        compile_start = time.perf_counter()
        compiled = lowered.compile()
        compile_xla = time.perf_counter() - compile_start

    # The compiled program takes every state's value (V, last spike time,
    # the two g, the weights; the connectivity's indices are constants
    # inside it) and returns the written ones without touching the model:
    # each run starts from the same initial state.
    initial = state_trace.get_state_values()

    def simulate_once():
        cpu_start = time.process_time()
        start = time.perf_counter()
        _, out = compiled(initial, times)
        out = jax.block_until_ready(out)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        count = int(np.asarray(out != 0).sum() if record == "raster"
                    else np.asarray(out).sum())
        return wall, cpu, count

    # The first run is an untimed warm-up: Numba compiles brainevent's
    # synapse kernel when it is first called, inside it. Numba's own
    # compile events time that, which counts as compilation.
    from numba.core import event as numba_event
    with numba_event.install_timer("numba:compile", lambda s: None) as timer:
        first, _, spikes = simulate_once()
    numba_compile = timer.duration if timer.done else 0.0
    runs, cpus, deterministic = [], [], True
    for _ in range(args.repeat):
        wall, cpu, count = simulate_once()
        deterministic = deterministic and count == spikes
        runs.append(wall)
        cpus.append(cpu)
    best = min(range(len(runs)), key=runs.__getitem__)

    steps = int(times.shape[0])
    duration_s = steps * 0.1e-3
    out = {
        "neurons": n,
        "steps": steps,
        "brainpy_version": brainpy.__version__,
        "brainstate_version": brainstate.__version__,
        "brainevent_version": brainevent.__version__,
        "jax_version": jax.__version__,
        "precision": str(net.N.V.value.dtype),
        "record": record,
        "spikes": spikes,
        "rate_hz": "%.4f" % (spikes / (n * duration_s)),
        "import_s": "%.6f" % imports,
        "setup_s": "%.6f" % setup,
        "trace_s": "%.6f" % trace,
        "lower_s": "%.6f" % lower,
        "xla_compile_s": "%.6f" % compile_xla,
        "numba_compile_s": "%.6f" % numba_compile,
        "first_run_s": "%.6f" % first,
        "compile_s": "%.6f" % (trace + lower + compile_xla + numba_compile),
        "sim_s": "%.6f" % runs[best],
        "sim_cpu_s": "%.6f" % cpus[best],
        "sim_runs_s": ",".join("%.6f" % r for r in runs),
        "deterministic": int(deterministic),
        "peak_rss_kb": peak_rss_kb(),
    }
    for key, value in out.items():
        results.write("%s %s\n" % (key, value))
    results.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
