"""The command-line harness itself: a minimal model checks and runs."""

import os
import unittest

import cli


class Smoke(unittest.TestCase):
    def test_minimal_model_runs_and_writes_spikes(self):
        work = cli.scratch("smoke")
        model = cli.write(work, "m.snn", cli.model_text())
        status, out, err = cli.snnc("run", model, "-o", os.path.join(work, "out"),
                                    "--no-progress")
        self.assertEqual(status, 0, err)
        self.assertTrue(os.path.isfile(os.path.join(work, "out", "spikes.npz")))


if __name__ == "__main__":
    cli.main()
