"""Limits checked before work, and numbers that cannot be silently wrong.

Input is read with a bound and only from regular files (or '-'); step
counts are computed without overflow and held to one limit from every
entry point; a network that cannot fit in memory is refused with its
estimate, never aborted; parameters whose meaning needs it are positive
(also through --set and :set), values fit the state precision, and a run
whose states go non-finite stops, says where and when, exits 1 and still
writes what it recorded.

Tests that would exhaust memory on a broken build run under an address
space limit, so that they fail quickly instead of taking the machine down.
"""

import os
import resource
import struct
import subprocess
import unittest
import zipfile

import cli

GIB = 1 << 30

# A sanitizer build reserves terabytes of address space for its shadow
# memory and reports huge allocations instead of failing them: address
# space limits and out-of-memory paths cannot be tested there.
with open(cli.SNNC, "rb") as binary:
    SANITIZED = b"__asan_init" in binary.read()

# A LIF neuron with the sign of its leak wrong: V runs away from V_rest,
# downwards, and overflows float32 after about 17 ms.
WRONG_SIGN = """\
neuron LIF {
  param V_rest = -60 mV
  param V_th = -50 mV
  param tau = 0.2 ms
  state V : mV = -65 mV
  input I : mA
  dV/dt = ((V - V_rest) + 1 ohm * I) / tau
  spike V >= V_th
  reset hard to V_rest
}
population P = LIF(10)
run 50 ms {
  record P.spike
%s}
"""


def limited(address_space):
    """A preexec_fn that caps the child's address space (not in a
    sanitizer build, where the tests that need the cap are skipped)."""

    def apply():
        if not SANITIZED:
            resource.setrlimit(resource.RLIMIT_AS,
                               (address_space, address_space))

    return apply


def snnc_limited(address_space, *args, stdin=None, timeout=120):
    """Runs snnc with an address space limit; returns (status, out, err)."""
    done = subprocess.run(
        [cli.SNNC, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limited(address_space),
    )
    return done.returncode, done.stdout, done.stderr


def npz_scalar(path, name):
    """One float64 scalar of an .npz file, without NumPy."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read(name + ".npy")
    header_length = struct.unpack("<H", data[8:10])[0]
    return struct.unpack("<d", data[10 + header_length:10 + header_length + 8])[0]


class Input(unittest.TestCase):
    def test_dev_zero_is_refused_before_reading(self):
        status, _, err = snnc_limited(2 * GIB, "check", "/dev/zero", timeout=30)
        self.assertEqual(status, 1, err)
        self.assertIn("'/dev/zero' is not a regular file", err)

    def test_import_of_dev_zero_is_refused_at_the_import(self):
        work = cli.scratch("limits_import_device")
        model = cli.write(work, "m.snn", 'import "/dev/zero"\n' + cli.model_text())
        status, _, err = snnc_limited(2 * GIB, "check", model, timeout=30)
        self.assertEqual(status, 1, err)
        self.assertIn("m.snn:1:1: error: '/dev/zero' is not a regular file", err)

    def test_fifo_is_refused_without_hanging(self):
        work = cli.scratch("limits_fifo")
        fifo = os.path.join(work, "model.snn")
        os.mkfifo(fifo)
        status, _, err = cli.snnc("check", fifo, timeout=20)
        self.assertEqual(status, 1, err)
        self.assertIn("is not a regular file (a device, FIFO or socket)", err)
        importer = cli.write(work, "importer.snn", 'import "model.snn"\n')
        status, _, err = cli.snnc("check", importer, timeout=20)
        self.assertEqual(status, 1, err)
        self.assertIn("importer.snn:1:1: error:", err)

    def test_dash_reads_the_model_from_standard_input(self):
        status, out, err = cli.snnc("check", "-", stdin=cli.model_text())
        self.assertEqual(status, 0, err)
        self.assertIn("population P: 10 x LIF", out)
        work = cli.scratch("limits_stdin_run")
        status, _, err = cli.snnc("run", "-", "-o", work, "--no-progress",
                                  stdin=cli.model_text())
        self.assertEqual(status, 0, err)
        self.assertTrue(os.path.isfile(os.path.join(work, "spikes.npz")))

    def test_standard_input_is_read_with_the_same_bound(self):
        big = " " * ((64 << 20) + 10)
        status, _, err = snnc_limited(2 * GIB, "check", "-", stdin=big, timeout=60)
        self.assertEqual(status, 1, err)
        self.assertIn("'<stdin>' is larger than 64 MiB", err)


class Steps(unittest.TestCase):
    def setUp(self):
        self.work = cli.scratch("limits_steps_" + self._testMethodName)
        self.model = cli.write(self.work, "m.snn", cli.model_text())

    def run_snnc(self, *args):
        return cli.snnc("run", self.model, "-o", os.path.join(self.work, "out"),
                        "--no-progress", *args, timeout=30)

    def test_duration_beyond_int64_is_refused(self):
        status, out, err = self.run_snnc("--duration", "1e30s")
        self.assertEqual(status, 1, err)
        self.assertIn("the run has more than 10^12 steps", err)
        self.assertNotIn("-9", out)

    def test_command_line_is_held_to_the_model_files_limit(self):
        # 10^13 steps: a model file with this run is refused, and so is the
        # command line (instead of running for ever).
        status, _, err = self.run_snnc("--duration", "1e9s", "--dt", "0.1ms")
        self.assertEqual(status, 1, err)
        self.assertIn("more than 10^12 steps", err)

    def test_recording_run_is_held_to_int32_step_numbers(self):
        status, _, err = self.run_snnc("--duration", "300s", "--dt", "0.0001ms")
        self.assertEqual(status, 1, err)
        self.assertIn("a run that records has at most 2^31 - 1 steps", err)

    def test_dt_longer_than_the_run_is_refused(self):
        status, out, err = self.run_snnc("--dt", "50ms")
        self.assertEqual(status, 1, err)
        self.assertIn("the time step (50 ms) is longer than the run (20 ms)", err)
        self.assertNotIn("simulated", out)

    def test_reference_engine_has_the_same_limits(self):
        status, _, err = self.run_snnc("--engine", "reference", "--duration",
                                       "1e30s")
        self.assertEqual(status, 1, err)
        self.assertIn("more than 10^12 steps", err)

    def test_repl_run_is_held_to_the_same_limits(self):
        status, out, err = cli.snnc(
            "repl", self.model, stdin=":run 1e30 s\n:run 0.01 ms\n:run 1 ms\n",
            timeout=60)
        self.assertIn("the run has more than 10^12 steps", err)
        self.assertIn("the time step (0.1 ms) is longer than the run (0.01 ms)",
                      err)
        self.assertIn("t = 1 ms (10 steps", out)
        self.assertNotIn("t = -", out)


@unittest.skipIf(SANITIZED, "needs address space limits")
class Memory(unittest.TestCase):
    def test_two_billion_neurons_are_refused_with_the_estimate(self):
        work = cli.scratch("limits_memory")
        model = cli.write(work, "big.snn", cli.model_text().replace(
            "LIF(10)", "LIF(2000000000)"))
        # 16 GiB: more than the old estimate, less than the run needs.
        status, out, err = snnc_limited(16 * GIB, "run", model, "-o",
                                        os.path.join(work, "out"),
                                        "--no-progress", timeout=120)
        self.assertEqual(status, 1, err)
        self.assertIn("this network needs about", err)
        self.assertIn("2000000000 neurons", err)
        self.assertIn("of which buffers", err)
        self.assertNotIn("simulated", out)


    def test_repl_recordings_beyond_memory_stop_the_run_cleanly(self):
        # The REPL's session has no planned end, so its recordings get room
        # as they grow; here they outgrow a 2 GiB address space.
        work = cli.scratch("limits_memory_repl")
        model = cli.write(work, "m.snn", cli.model_text(
            run="run 1000 ms {\n  record P.V\n}").replace(
                "LIF(10)", "LIF(1000000)"))
        status, out, err = snnc_limited(2 * GIB, "repl", model,
                                        stdin=":run 1000 ms\n", timeout=120)
        self.assertGreaterEqual(status, 0, err)  # not killed by a signal
        self.assertIn("out of memory for the recordings: the states of 'P.V' "
                      "need another", err)
        self.assertIn(":save keeps what was recorded", err)


class Numbers(unittest.TestCase):
    def setUp(self):
        self.work = cli.scratch("limits_numbers_" + self._testMethodName)

    def test_zero_time_constant_in_the_file_is_refused_where_it_is(self):
        model = cli.write(self.work, "m.snn", cli.model_text().replace(
            "param tau = 10 ms", "param tau = 0 ms"))
        status, _, err = cli.snnc("check", model)
        self.assertEqual(status, 1, err)
        self.assertIn("m.snn:2:15: error: 'tau' must be positive (a time "
                      "constant: it divides in dV/dt), but it is 0 ms", err)

    def test_set_zero_time_constant_is_refused(self):
        model = cli.write(self.work, "m.snn", cli.model_text())
        for engine in ("compiled", "reference"):
            status, out, err = cli.snnc("run", model, "--set", "P.tau=0ms",
                                        "--engine", engine, "--no-progress",
                                        "-o", os.path.join(self.work, "out"))
            self.assertEqual(status, 1, err)
            self.assertIn("override:1:7: error: 'P.tau' must be positive", err)
            self.assertNotIn("simulated", out)

    def test_repl_set_zero_time_constant_is_refused(self):
        model = cli.write(self.work, "m.snn", cli.model_text())
        status, out, err = cli.snnc(
            "repl", model,
            stdin=":set P.tau=-1 ms\n:run 1 ms\n:set P.tau=0 ms\n:run 1 ms\n",
            timeout=60)
        self.assertEqual(err.count("'P.tau' must be positive"), 2, err)

    def test_value_beyond_float32_is_refused_unless_double(self):
        model = cli.write(self.work, "m.snn", cli.model_text())
        out_dir = os.path.join(self.work, "out")
        status, _, err = cli.snnc("run", model, "--set", "P.V_th=1e39mV",
                                  "--no-progress", "-o", out_dir)
        self.assertEqual(status, 1, err)
        self.assertIn("beyond the range of float32", err)
        status, _, err = cli.snnc("run", model, "--set", "P.V_th=1e39mV",
                                  "--double", "--no-progress", "-o", out_dir)
        self.assertEqual(status, 0, err)

    def test_drawn_values_break_their_rule_at_the_initialiser(self):
        model = cli.write(self.work, "m.snn", cli.model_text().replace(
            "population P = LIF(10)",
            "population P = LIF(10) {\n  tau ~ uniform(-1 ms, 5 ms)\n}"))
        status, _, err = cli.snnc("run", model, "--no-progress",
                                  "-o", os.path.join(self.work, "out"))
        self.assertEqual(status, 1, err)
        self.assertIn("m.snn:11:9: error: 'tau' of neuron", err)
        self.assertIn("must be positive", err)

    def test_unstable_model_stops_says_where_and_keeps_its_spikes(self):
        model = cli.write(self.work, "m.snn", WRONG_SIGN % "")
        out_dir = os.path.join(self.work, "out")
        status, _, err = cli.snnc("run", model, "--no-progress", "-o", out_dir)
        self.assertEqual(status, 1, err)
        self.assertIn("m.snn:7:3: error: state 'V' of neuron 0 of population "
                      "'P' became -inf by t = 50 ms", err)
        spikes = os.path.join(out_dir, "spikes.npz")
        self.assertTrue(os.path.isfile(spikes))
        self.assertEqual(npz_scalar(spikes, "duration_ms"), 50.0)

    def test_recorded_trace_gives_the_exact_step(self):
        model = cli.write(self.work, "m.snn", WRONG_SIGN % "  record P[0:2].V\n")
        for engine in ("compiled", "reference"):
            out_dir = os.path.join(self.work, engine)
            status, _, err = cli.snnc("run", model, "--no-progress", "-o",
                                      out_dir, "--engine", engine)
            self.assertEqual(status, 1, err)
            self.assertIn("state 'V' of neuron 0 of population 'P' became -inf "
                          "at t = 17.3 ms (step 172)", err)
            self.assertTrue(os.path.isfile(os.path.join(out_dir, "spikes.npz")))
            self.assertTrue(os.path.isfile(os.path.join(out_dir, "states.npz")))

    def test_repl_run_reports_the_stop(self):
        model = cli.write(self.work, "m.snn", WRONG_SIGN % "")
        status, out, err = cli.snnc(
            "repl", model, stdin=":run 10 ms\n:run 10 ms\n:run 10 ms\n",
            timeout=60)
        self.assertIn("state 'V' of neuron 0 of population 'P' became -inf by "
                      "t = 20 ms (it was finite at t = 10 ms)", err)
        self.assertIn(":reset starts again", err)

    def test_exponential_spike_to_infinity_is_not_a_failure(self):
        # An exponential integrate-and-fire neuron reaches +inf in the step
        # it spikes; the hard reset brings it back.
        model = cli.write(self.work, "m.snn", """\
neuron EIF {
  param delta = 2 mV
  state V : mV = -65 mV
  input I : mA
  dV/dt = (-(V + 65 mV) + delta * exp((V + 50 mV) / delta) + 1 ohm * I) / (10 ms)
  spike V >= 0 mV
  reset hard to -65 mV
}
population P = EIF(5)
drive P.I = 30 mA
run 100 ms {
  record P.spike
}
""")
        for engine in ("compiled", "reference"):
            status, out, err = cli.snnc("run", model, "--no-progress", "-o",
                                        os.path.join(self.work, engine),
                                        "--engine", engine)
            self.assertEqual(status, 0, err)
            self.assertIn("simulated 100 ms", out)


if __name__ == "__main__":
    cli.main()
