"""snnc build and snnc-run: a bundle runs without the compiler and writes
the very files snnc run writes; snnc-run links no LLVM, MLIR or front end;
what it cannot run it says so."""

import os
import subprocess
import unittest

import cli

SNNC_RUN = os.environ.get("SNNC_RUN", "build/bin/snnc-run")

# Per-neuron initial values and parameters, a random per-synapse weight, a
# rule that draws a random number of synapses, one that draws a fixed total
# at random, slices, a recorded state.
MODEL = """
neuron LIF {
  param tau = 10 ms
  param V_th = 10 mV
  state V : mV = 0 mV
  input I : mA
  dV/dt = (-V + 1 ohm * I) / tau
  spike V >= V_th
  reset hard to 0 mV
}
synapse Expon {
  param tau : ms
  state g : mS = 0 mS
  dg/dt = -g / tau
  on_pre g += w
}
output COBA {
  param E : mV
  current g * (E - V)
}
population P = LIF(300) {
  V ~ uniform(0 mV, 9 mV)
  tau ~ normal(10 ms, 1 ms)
}
project P[0:240] -> P {
  synapse Expon(tau = 5 ms)
  output  COBA(E = 60 mV)
  connect fixed_prob(0.05)
  weight  ~ normal(0.05 mS, 0.01 mS)
}
project P[240:300] -> P[100:300] {
  synapse Expon(tau = 10 ms)
  output  COBA(E = -20 mV)
  connect fixed_total_number(1200)
  weight  0.2 mS
}
drive P.I = 11 mA
run 200 ms dt 0.1 ms seed 5 {
  record P.spike
  record P[10:20].V
}
"""


def snnc_run(*args, timeout=120):
    done = subprocess.run([SNNC_RUN, *args], capture_output=True, text=True,
                          timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def manifest(directory):
    """The files of a run with their sizes and CRCs (snnc-manifest.txt)."""
    with open(os.path.join(directory, "snnc-manifest.txt")) as f:
        return [line for line in f.read().splitlines()
                if not line.startswith("#")]


class Bundles(unittest.TestCase):
    def setUp(self):
        self.work = cli.scratch("bundle")
        self.model = cli.write(self.work, "m.snn", MODEL)

    def build(self, name, *options):
        bundle = os.path.join(self.work, name)
        status, out, err = cli.snnc("build", self.model, "-o", bundle,
                                    "--no-progress", *options)
        self.assertEqual(status, 0, err)
        self.assertIn("wrote " + bundle, out)
        return bundle

    def snnc_files(self, name, *options):
        out_dir = os.path.join(self.work, name)
        status, _, err = cli.snnc("run", self.model, "-o", out_dir,
                                  "--no-progress", *options)
        self.assertEqual(status, 0, err)
        return manifest(out_dir)

    def bundle_files(self, bundle, name, *options):
        out_dir = os.path.join(self.work, name)
        status, out, err = snnc_run(bundle, "-o", out_dir, "--no-progress",
                                    *options)
        self.assertEqual(status, 0, err)
        self.assertIn("simulated 200 ms in 2000 steps of 0.1 ms", out)
        return manifest(out_dir)

    def test_a_bundle_writes_what_snnc_run_writes(self):
        expected = self.snnc_files("snnc")
        self.assertEqual(len(expected), 2, expected)  # spikes and states
        bundle = self.build("m.snnb")
        self.assertEqual(self.bundle_files(bundle, "bundle"), expected)

    def test_threads_and_double_precision_too(self):
        for options in (["--threads", "2"], ["--double"]):
            expected = self.snnc_files("snnc", *options)
            bundle = self.build("m.snnb", *options)
            self.assertEqual(self.bundle_files(bundle, "bundle"), expected,
                             options)
        # Fewer threads than the bundle was built for change nothing.
        bundle = self.build("m2.snnb", "--threads", "2")
        self.assertEqual(self.bundle_files(bundle, "one", "--threads", "1"),
                         self.snnc_files("snnc1", "--threads", "1"))

    def test_run_options_are_built_in(self):
        expected = self.snnc_files("snnc", "--seed", "9", "--set",
                                   "P.V_th=9 mV")
        bundle = self.build("m.snnb", "--seed", "9", "--set", "P.V_th=9 mV")
        self.assertEqual(self.bundle_files(bundle, "bundle"), expected)

    def test_the_default_name_and_the_manifest(self):
        status, out, err = cli.snnc("build", "m.snn", "--no-progress",
                                    cwd=self.work)
        self.assertEqual(status, 0, err)
        bundle = os.path.join(self.work, "m.snnb")
        self.assertTrue(os.path.isfile(bundle))
        status, out, err = snnc_run(bundle, "--info")
        self.assertEqual(status, 0, err)
        self.assertIn('"format": "snnc-bundle"', out)
        self.assertIn('"model": "m.snn"', out)
        self.assertIn('"rule": "fixed_prob"', out)

    def test_snnc_run_links_no_compiler(self):
        libraries = subprocess.run(["ldd", SNNC_RUN], capture_output=True,
                                   text=True).stdout
        for name in ("libLLVM", "libMLIR", "libsnnc"):
            self.assertNotIn(name, libraries)

    def test_what_snnc_run_cannot_run(self):
        bundle = self.build("m.snnb", "--threads", "2")
        status, _, err = snnc_run(bundle, "--threads", "3")
        self.assertEqual(status, 1)
        self.assertIn("was built for at most 2", err)

        with open(bundle, "rb") as f:
            data = f.read()
        damaged = os.path.join(self.work, "damaged.snnb")
        with open(damaged, "wb") as f:
            f.write(data[: len(data) // 2])
        status, _, err = snnc_run(damaged, "-o", os.path.join(self.work, "d"))
        self.assertEqual(status, 1)
        self.assertIn("is truncated or damaged", err)
        self.assertFalse(os.path.exists(os.path.join(self.work, "d")))

        status, _, err = snnc_run(self.model)
        self.assertEqual(status, 1)
        self.assertIn("is not an snnc bundle", err)

        status, _, err = snnc_run()
        self.assertEqual(status, 2)
        self.assertIn("no BUNDLE given", err)

    def test_build_takes_only_the_compiled_cpu_engine(self):
        status, _, err = cli.snnc("build", self.model, "--engine", "reference")
        self.assertEqual(status, 2)
        self.assertIn("'build' makes bundles of the compiled engine", err)


if __name__ == "__main__":
    unittest.main()
