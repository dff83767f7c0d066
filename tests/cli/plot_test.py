"""snnc plot: every kind of picture from a small run, and clean errors."""

import os
import struct
import unittest
import zipfile

import cli

KINDS = ("raster", "rate", "states", "isi")


def png_size(path):
    """(width, height) of a PNG, read from its IHDR chunk."""
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


class Plot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = cli.scratch("plot")
        two = cli.model_text(
            "population Q = LIF(20)\ndrive Q.I = 15 mA\n",
            run="run 100 ms dt 0.1 ms seed 3 {\n  record P.spike\n"
                "  record Q.spike\n  record P[0:3].V\n}",
        )
        one = cli.model_text()
        cls.runs = {}
        for name, text in (("two", two), ("one", one)):
            model = cli.write(cls.work, name + ".snn", text)
            out = os.path.join(cls.work, name)
            status, _, err = cli.snnc("run", model, "-o", out, "--no-progress")
            assert status == 0, err
            cls.runs[name] = out

    def test_every_kind_is_a_picture(self):
        out = os.path.join(self.work, "pictures")
        status, stdout, err = cli.snnc("plot", self.runs["two"], "-o", out)
        self.assertEqual(status, 0, err)
        for kind in KINDS:
            path = os.path.join(out, kind + ".png")
            self.assertIn(path, stdout)
            width, height = png_size(path)
            self.assertGreater(width, 400)
            self.assertGreater(os.path.getsize(path), 5000, kind)

    def test_states_carry_their_unit(self):
        import zipfile as z
        with z.ZipFile(os.path.join(self.runs["two"], "states.npz")) as npz:
            self.assertIn("P_V_unit.npy", npz.namelist())
            raw = npz.read("P_V_unit.npy")
        # int32 character codes after the .npy header: "mV".
        self.assertTrue(raw.endswith(b"m\0\0\0V\0\0\0"), raw[-16:])

    def test_repl_plot_writes_the_pictures_of_the_run_so_far(self):
        work = cli.scratch("plot-repl")
        model = cli.write(work, "m.snn", cli.model_text())
        out = os.path.join(work, "pics")
        status, stdout, err = cli.snnc(
            "repl", model, stdin=f":run 10 ms\n:plot rate {out}\n:plot bogus x\n")
        self.assertIn(os.path.join(out, "rate.png"), stdout)
        png_size(os.path.join(out, "rate.png"))
        self.assertIn("<repl>:3:7: error: unknown plot kind 'bogus'", err)
        self.assertEqual(status, 1)

    def test_one_panel_per_population(self):
        out1 = os.path.join(self.work, "one-pop")
        out2 = os.path.join(self.work, "two-pop")
        for run, out in ((self.runs["one"], out1), (self.runs["two"], out2)):
            status, _, err = cli.snnc("plot", run, "-o", out, "--kind", "raster")
            self.assertEqual(status, 0, err)
        _, h1 = png_size(os.path.join(out1, "raster.png"))
        _, h2 = png_size(os.path.join(out2, "raster.png"))
        self.assertGreater(h2, 1.5 * h1)

    def test_no_states_recorded_skips_the_state_plot(self):
        out = os.path.join(self.work, "no-states")
        status, stdout, err = cli.snnc("plot", self.runs["one"], "-o", out)
        self.assertEqual(status, 0, err)
        self.assertIn("recorded no states", stdout)
        self.assertFalse(os.path.exists(os.path.join(out, "states.png")))
        status, _, err = cli.snnc("plot", self.runs["one"], "-o", out,
                                  "--kind", "states")
        self.assertEqual(status, 1)
        self.assertIn("states.npz: no such file", err)

    def assertCleanError(self, run_dir, message):
        status, _, err = cli.snnc("plot", run_dir)
        self.assertEqual(status, 1, err)
        self.assertIn("snnc plot: error:", err)
        self.assertIn(message, err)
        self.assertNotIn("Traceback", err)

    def test_malformed_files_are_one_line_errors(self):
        bad = cli.scratch("plot-bad")
        self.assertCleanError(bad, "spikes.npz: no such file")
        cli.write(bad, "spikes.npz", "not a zip file")
        self.assertCleanError(bad, "not a NumPy .npz file")
        # A real .npz of snnc's with one array taken out.
        with zipfile.ZipFile(os.path.join(self.runs["one"], "spikes.npz")) as good, \
                zipfile.ZipFile(os.path.join(bad, "spikes.npz"), "w") as partial:
            for member in good.namelist():
                if member != "times_ms.npy":
                    partial.writestr(member, good.read(member))
        self.assertCleanError(bad, "missing times_ms")

    def test_missing_matplotlib_names_the_package(self):
        # A matplotlib that cannot be imported, ahead of the real one.
        fake = cli.scratch("plot-no-matplotlib")
        os.makedirs(os.path.join(fake, "matplotlib"))
        cli.write(os.path.join(fake, "matplotlib"), "__init__.py",
                  "raise ImportError('not here')\n")
        status, _, err = cli.snnc("plot", self.runs["one"],
                                  env={"PYTHONPATH": fake})
        self.assertEqual(status, 1)
        self.assertIn("python3-matplotlib", err)
        self.assertNotIn("Traceback", err)

    def test_the_build_tree_runs_the_source_trees_script(self):
        # echo as the interpreter shows which script snnc hands it. No
        # share/snnc/ next to the build's bin/: the source tree's is used.
        status, stdout, err = cli.snnc("plot", self.runs["one"],
                                       env={"SNNC_PYTHON": "/bin/echo"})
        self.assertEqual(status, 0, err)
        script = os.path.join(cli.SOURCE, "examples", "plot", "snnc_plot.py")
        self.assertEqual(os.path.realpath(stdout.split()[0]),
                         os.path.realpath(script))

    def test_a_missing_script_names_where_it_was_looked_for(self):
        status, _, err = cli.snnc("plot", self.runs["one"],
                                  env={"SNNC_PLOT_SCRIPT": "/nonexistent.py"})
        self.assertEqual(status, 1)
        self.assertIn("no plot script at /nonexistent.py (", err)

    def test_unknown_kind(self):
        status, _, err = cli.snnc("plot", self.runs["one"], "--kind", "bogus")
        self.assertEqual(status, 1)
        self.assertIn("unknown kind 'bogus'", err)


if __name__ == "__main__":
    cli.main()
