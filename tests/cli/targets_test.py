"""--target: the registered targets, a clear refusal for one that cannot
run yet, and usage errors for a name that is not a target."""

import os
import unittest

import cli


class Targets(unittest.TestCase):
    def setUp(self):
        self.work = cli.scratch("targets")
        self.model = cli.write(self.work, "m.snn", cli.model_text())

    def test_cpu_is_the_default_and_can_be_named(self):
        out_dir = os.path.join(self.work, "cpu")
        status, _, err = cli.snnc("run", self.model, "--target", "cpu",
                                  "-o", out_dir, "--no-progress", "--no-cache")
        self.assertEqual(status, 0, err)
        self.assertTrue(os.path.isfile(os.path.join(out_dir, "spikes.npz")))

    def test_nvptx_run_is_refused_before_anything_is_written(self):
        out_dir = os.path.join(self.work, "nvptx")
        status, _, err = cli.snnc("run", self.model, "--target", "nvptx",
                                  "-o", out_dir, "--no-progress")
        self.assertEqual(status, 1, err)
        self.assertIn("the nvptx target cannot compile programs yet; "
                      "use --target cpu", err)
        self.assertFalse(os.path.exists(os.path.join(out_dir, "spikes.npz")))

    def test_nvptx_shows_the_target_neutral_stages(self):
        status, out, err = cli.snnc("emit", "mlir", "--until=parameters",
                                    "--target", "nvptx", self.model)
        self.assertEqual(status, 0, err)
        self.assertIn("snn.time_loop", out)

    def test_nvptx_refuses_its_own_stages(self):
        for args in (["mlir", "--until=specialised"], ["mlir", "--until=loops"],
                     ["mlir", "--until=llvm"], ["llvm"], ["asm"]):
            status, out, err = cli.snnc("emit", *args, "--target", "nvptx",
                                        self.model)
            self.assertEqual(status, 1, (args, err))
            self.assertIn("cannot compile programs yet", err)
            self.assertEqual(out, "", args)

    def test_the_reference_engine_takes_no_other_target(self):
        status, _, err = cli.snnc("run", self.model, "--engine", "reference",
                                  "--target", "nvptx", "--no-progress")
        self.assertEqual(status, 2, err)
        self.assertIn("--target nvptx applies to the compiled engine", err)

    def test_an_unknown_target_is_a_usage_error(self):
        for command in (["run", self.model], ["emit", "llvm", self.model]):
            status, _, err = cli.snnc(*command, "--target", "tpu")
            self.assertEqual(status, 2, err)
            self.assertIn("--target needs cpu or nvptx", err)
        status, _, err = cli.snnc("run", self.model, "--target")
        self.assertEqual(status, 2, err)
        self.assertIn("--target needs cpu or nvptx", err)


if __name__ == "__main__":
    cli.main()
