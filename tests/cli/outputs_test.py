"""The files of a run as one set: checked before, replaced together, no litter.

A run's spikes.npz, states.npz and snnc-manifest.txt appear together or not
at all: a write that fails halfway (a full disk, simulated here with
RLIMIT_FSIZE), or a signal, leaves the output directory exactly as it was,
with no temporary files in it or in $TMPDIR. A bad -o is reported before
the simulation, not after it.
"""

import os
import resource
import signal
import subprocess
import time
import unittest
import zlib

import cli

# Spikes of a small population, and its membrane potential at every step:
# states.npz is much larger than spikes.npz.
STATES_RUN = ("run 200 ms dt 0.1 ms seed 1 {\n  record P.spike\n  record P.V\n}")
# Long enough (20 000 neurons for 100 s) to be stopped halfway.
LONG_RUN = "run 100 s dt 0.1 ms seed 1 {\n  record P.spike\n}"


def model(work, name, run, size=10):
    text = cli.model_text(run=run).replace("LIF(10)", "LIF(%d)" % size)
    return cli.write(work, name, text)


def snapshot(directory):
    """Every entry of `directory` with its bytes (None for a directory)."""
    files = {}
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            files[name] = None
        else:
            with open(path, "rb") as f:
                files[name] = f.read()
    return files


def manifest(directory):
    """{name: (bytes, crc32)} as snnc-manifest.txt lists them."""
    listed = {}
    with open(os.path.join(directory, "snnc-manifest.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, size, crc = line.split()
            listed[name] = (int(size), int(crc, 16))
    return listed


def litter(directory):
    """Temporary names a write may leave in `directory`."""
    return [name for name in os.listdir(directory)
            if name.startswith(".snnc-tmp") or ".tmp" in name]


class Outputs(unittest.TestCase):
    def setUp(self):
        self.work = cli.scratch(self.id().split(".")[-1])
        self.tmp = os.path.join(self.work, "tmp")
        os.makedirs(self.tmp)
        self.env = {"TMPDIR": self.tmp}

    def tearDown(self):
        # Nothing of any run lands in $TMPDIR.
        self.assertEqual(os.listdir(self.tmp), [])

    def run_snnc(self, *args, **kwargs):
        return cli.snnc(*args, "--no-progress", env=self.env, **kwargs)

    def assert_complete_set(self, out):
        """The manifest lists exactly the files there, with their bytes."""
        listed = manifest(out)
        present = sorted(n for n in os.listdir(out) if n != "snnc-manifest.txt")
        self.assertEqual(sorted(listed), present)
        for name, (size, crc) in listed.items():
            with open(os.path.join(out, name), "rb") as f:
                data = f.read()
            self.assertEqual((len(data), zlib.crc32(data)), (size, crc), name)

    def test_manifest_lists_the_files_of_the_run(self):
        out = os.path.join(self.work, "out")
        status, stdout, err = self.run_snnc(
            "run", model(self.work, "m.snn", STATES_RUN), "-o", out)
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(os.listdir(out)),
                         ["snnc-manifest.txt", "spikes.npz", "states.npz"])
        self.assert_complete_set(out)
        self.assertIn("wrote " + os.path.join(out, "states.npz"), stdout)

    def test_output_path_that_is_a_file_is_refused_before_the_run(self):
        not_a_dir = cli.write(self.work, "file", "")
        for engine in ("compiled", "reference"):
            for target in (not_a_dir, os.path.join(not_a_dir, "sub")):
                status, out, err = self.run_snnc(
                    "run", model(self.work, "m.snn", STATES_RUN), "-o", target,
                    "--engine", engine)
                self.assertNotIn("simulat", out)  # never ran
                self.assertEqual(status, 1, err)
                self.assertIn("is not a directory", err)
        self.assertEqual(os.path.getsize(not_a_dir), 0)

    def test_write_that_fails_halfway_leaves_the_previous_set(self):
        out = os.path.join(self.work, "out")
        source = model(self.work, "m.snn", STATES_RUN)
        status, _, err = self.run_snnc("run", source, "-o", out, "--no-cache")
        self.assertEqual(status, 0, err)
        before = snapshot(out)
        spikes, states = len(before["spikes.npz"]), len(before["states.npz"])
        self.assertLess(4 * spikes, states)
        limit = (spikes + states) // 2

        def small_disk():
            # Writes past `limit` bytes fail with EFBIG, as on a full disk:
            # spikes.npz fits, states.npz does not.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        env = dict(os.environ, **self.env)
        done = subprocess.run(
            [cli.SNNC, "run", source, "-o", out, "--no-cache", "--no-progress",
             "--seed", "2"],
            capture_output=True, text=True, timeout=120, env=env,
            preexec_fn=small_disk)
        # Not the new spikes beside the old states: the old set, intact.
        self.assertEqual(snapshot(out), before)
        self.assert_complete_set(out)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("cannot write states.npz", done.stderr)
        self.assertIn("File too large", done.stderr)

    def test_stale_files_of_the_previous_run_are_removed(self):
        out = os.path.join(self.work, "out")
        status, _, err = self.run_snnc(
            "run", model(self.work, "with.snn", STATES_RUN), "-o", out)
        self.assertEqual(status, 0, err)
        self.assertIn("states.npz", os.listdir(out))
        status, _, err = self.run_snnc(
            "run", model(self.work, "without.snn",
                         "run 20 ms dt 0.1 ms seed 1 {\n  record P.spike\n}"),
            "-o", out)
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(os.listdir(out)),
                         ["snnc-manifest.txt", "spikes.npz"])
        self.assert_complete_set(out)

    def test_temporary_directory_of_a_killed_run_is_removed(self):
        out = os.path.join(self.work, "out")
        os.makedirs(out)
        gone = subprocess.Popen(["true"])
        gone.wait()
        left = os.path.join(out, ".snnc-tmp-%d-abcdef" % gone.pid)
        os.makedirs(left)
        cli.write(left, "spikes.npz", "half")
        status, _, err = self.run_snnc(
            "run", model(self.work, "m.snn", STATES_RUN), "-o", out)
        self.assertEqual(status, 0, err)
        self.assertEqual(litter(out), [])
        self.assert_complete_set(out)

    def start(self, source, out, *extra):
        env = dict(os.environ, **self.env)
        return subprocess.Popen(
            [cli.SNNC, "run", source, "-o", out, "--no-progress", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def test_signal_during_a_long_run_stops_it_and_writes_nothing(self):
        out = os.path.join(self.work, "out")
        source = model(self.work, "long.snn", LONG_RUN, size=20000)
        # A previous set, and the compile cache warm so the run starts soon.
        status, _, err = self.run_snnc("run", source, "-o", out,
                                       "--duration", "10ms")
        self.assertEqual(status, 0, err)
        before = snapshot(out)
        for sig in (signal.SIGINT, signal.SIGTERM):
            run = self.start(source, out)
            time.sleep(1.5)
            run.send_signal(sig)
            started = time.monotonic()
            stdout, stderr = run.communicate(timeout=60)
            self.assertLess(time.monotonic() - started, 10)  # not 100 s
            self.assertEqual(run.returncode, -sig, stderr)
            self.assertIn("interrupted by " + sig.name, stderr)
            self.assertIn("nothing written", stderr)
            self.assertEqual(snapshot(out), before)

    def test_signal_while_the_files_are_written_leaves_no_half_file(self):
        out = os.path.join(self.work, "out")
        # 1000 neurons' V at 25 000 steps: 100 MB of states.npz, a long
        # write after a short simulation.
        source = model(self.work, "big.snn",
                       "run 2500 ms dt 0.1 ms seed 1 {\n  record P.spike\n"
                       "  record P.V\n}", size=1000)
        status, _, err = self.run_snnc("run", source, "-o", out,
                                       "--duration", "1ms")
        self.assertEqual(status, 0, err)
        before = snapshot(out)
        run = self.start(source, out)

        def writing():
            # A file being written: inside a temporary directory, or a
            # temporary file beside the final ones.
            for name in litter(out):
                path = os.path.join(out, name)
                try:
                    if not os.path.isdir(path) or os.listdir(path):
                        return True
                except FileNotFoundError:
                    # Moved into place or removed since it was listed: the
                    # writing is over (or was never seen); poll on.
                    continue
            return False

        deadline = time.monotonic() + 60
        while not writing() and run.poll() is None:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.001)
        run.send_signal(signal.SIGINT)
        stdout, stderr = run.communicate(timeout=60)
        self.assertEqual(run.returncode, -signal.SIGINT, stderr)
        self.assertEqual(litter(out), [])
        # Nothing half-written: the previous set, or (had the signal come
        # only as the files were moved into place) the new one, complete.
        if snapshot(out) != before:
            self.assertNotIn("interrupted", stderr)
            self.assert_complete_set(out)
        else:
            self.assertIn("interrupted by SIGINT while writing", stderr)


if __name__ == "__main__":
    cli.main()
