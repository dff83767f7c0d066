"""The compile cache as a user (and a hostile neighbour) meets it.

What snnc finds in its cache it maps executable and calls, so: code
planted at an entry's name must never run, a cache directory others can
write is refused, a cache that cannot be written is a warning and never
the end of the run, the directory stays under its size cap, and a
compile writes nothing outside it (no ~/.debug/jit).
"""

import glob
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import unittest

import cli

COBA = os.path.join(cli.SOURCE, "examples", "coba.snn")


def entries(cache):
    """The cache's entries (KEY.o), oldest use first."""
    names = [p for p in glob.glob(os.path.join(cache, "*.o"))
             if re.fullmatch(r"[0-9a-f]{64}\.o", os.path.basename(p))]
    return sorted(names, key=os.path.getmtime)


def spike_line(out):
    """The population's spike count line of `snnc run`."""
    return [line for line in out.splitlines() if "spikes" in line and "mean rate" in line]


class Cache(unittest.TestCase):
    def run_model(self, work, cache, *extra, env=None, model=None):
        model = model or cli.write(work, "m.snn", cli.model_text())
        full_env = {"SNNC_CACHE_DIR": cache}
        full_env.update(env or {})
        return cli.snnc("run", model, "-o", os.path.join(work, "out"),
                        "--no-progress", *extra, env=full_env)

    def test_code_planted_at_an_entry_does_not_run(self):
        if not shutil.which("cc"):
            self.skipTest("no C compiler to build the planted object")
        work = cli.scratch("planted")
        cache = os.path.join(work, "cache")
        status, first, err = self.run_model(work, cache)
        self.assertEqual(status, 0, err)
        [entry] = entries(cache)
        # An object with the two entry points snnc calls, that leaves a mark.
        marker = os.path.join(work, "planted-code-ran")
        source = cli.write(work, "planted.c", (
            "#include <stdio.h>\n"
            "static void mark(void) {\n"
            '  FILE *f = fopen("%s", "w");\n'
            '  if (f) { fputs("ran\\n", f); fclose(f); }\n'
            "}\n"
            "void _mlir_snn_init(void **a) { (void)a; mark(); }\n"
            "void _mlir_snn_run(void **a) { (void)a; mark(); }\n") % marker)
        planted = os.path.join(work, "planted.o")
        subprocess.run(["cc", "-c", "-O1", source, "-o", planted], check=True)
        shutil.copyfile(planted, entry)

        status, out, err = self.run_model(work, cache)
        self.assertEqual(status, 0, err)
        self.assertFalse(os.path.exists(marker), "the planted code ran")
        self.assertEqual(spike_line(out), spike_line(first))
        self.assertIn("jit", out)  # compiled, not loaded
        self.assertIn("warning: discarding compile cache entry", err)
        with open(entry, "rb") as f, open(planted, "rb") as g:
            self.assertNotEqual(f.read(), g.read(), "the entry was not replaced")
        # The replacement is a good entry.
        status, out, err = self.run_model(work, cache)
        self.assertEqual(status, 0, err)
        self.assertIn("cached code", out)
        self.assertEqual(err, "")

    def test_a_directory_others_can_write_is_refused_and_the_run_works(self):
        work = cli.scratch("shared")
        cache = os.path.join(work, "cache")
        os.makedirs(cache)
        os.chmod(cache, 0o777)
        status, out, err = self.run_model(work, cache)
        self.assertEqual(status, 0, err)
        self.assertRegex(err, r"^snnc: warning: not using the compile cache '.*cache': "
                              r"it is writable by group or others \(mode 0777\).*\n$")
        self.assertEqual(os.listdir(cache), [])
        self.assertTrue(os.path.isfile(os.path.join(work, "out", "spikes.npz")))

    def test_a_file_where_the_directory_should_be_is_a_warning(self):
        work = cli.scratch("file-in-the-way")
        blocker = cli.write(work, "blocker", "not a directory\n")
        status, out, err = self.run_model(work, os.path.join(blocker, "cache"))
        self.assertEqual(status, 0, err)
        self.assertRegex(err, r"^snnc: warning: not using the compile cache .*"
                              r"cannot create it \(not a directory\).*\n$")
        self.assertIn("wrote", out)

    def test_a_write_that_fails_is_a_warning_and_leaves_nothing(self):
        # A file size limit fails the write as a full disk does, also for
        # root, whom permission bits do not stop. The entry (about 9 KB for
        # the seed) does not fit; spikes.npz of 1 ms (about 2 KB) does.
        work = cli.scratch("write-fails")
        cache = os.path.join(work, "cache")

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (5000, 5000))

        env = dict(os.environ, SNNC_CACHE_DIR=cache)
        done = subprocess.run(
            [cli.SNNC, "run", COBA, "--duration", "1ms", "--no-progress",
             "-o", os.path.join(work, "out")],
            capture_output=True, text=True, timeout=120, env=env,
            preexec_fn=limit)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn("LLVM ERROR", done.stderr)
        self.assertRegex(done.stderr, r"^snnc: warning: cannot write to the compile "
                                      r"cache '.*': file too large; .*\n$")
        self.assertEqual(os.listdir(cache), [], "a temporary file was left")

    def test_a_read_only_directory_is_a_warning(self):
        if os.geteuid() == 0:
            self.skipTest("root writes into a mode 0500 directory "
                          "(test_a_write_that_fails_is_a_warning_and_leaves_nothing "
                          "covers the failing write)")
        work = cli.scratch("read-only")
        cache = os.path.join(work, "cache")
        os.makedirs(cache)
        os.chmod(cache, 0o500)
        try:
            status, out, err = self.run_model(work, cache)
        finally:
            os.chmod(cache, 0o700)
        self.assertEqual(status, 0, err)
        self.assertIn("warning: cannot write to the compile cache", err)

    def test_entries_are_private_and_the_cap_evicts_the_least_recently_used(self):
        work = cli.scratch("cap")
        cache = os.path.join(work, "cache")
        models = []
        for k, threshold in enumerate(["10 mV", "11 mV", "12 mV", "13 mV"]):
            text = cli.model_text().replace("param V_th = 10 mV",
                                            "param V_th = " + threshold)
            models.append(cli.write(work, "m%d.snn" % k, text))
        status, out, err = self.run_model(work, cache, "--specialize", model=models[0])
        self.assertEqual(status, 0, err)
        self.assertEqual(stat.S_IMODE(os.stat(cache).st_mode), 0o700)
        [first] = entries(cache)
        self.assertEqual(stat.S_IMODE(os.stat(first).st_mode), 0o600)
        size = os.path.getsize(first)
        cap = 2 * size + size // 2  # room for two entries
        env = {"SNNC_CACHE_MAX_SIZE": str(cap)}
        created = [first]
        for model in models[1:3]:
            status, out, err = self.run_model(work, cache, "--specialize",
                                              model=model, env=env)
            self.assertEqual(status, 0, err)
            created.append([e for e in entries(cache) if e not in created][0])
        # The first entry was evicted for the third.
        self.assertEqual(entries(cache), created[1:])
        # A hit makes the older one the newest: the next write evicts the other.
        status, out, err = self.run_model(work, cache, "--specialize",
                                          model=models[1], env=env)
        self.assertIn("cached code", out)
        status, out, err = self.run_model(work, cache, "--specialize",
                                          model=models[3], env=env)
        self.assertEqual(status, 0, err)
        left = entries(cache)
        self.assertIn(created[1], left)
        self.assertNotIn(created[2], left)
        self.assertLessEqual(sum(os.path.getsize(e) for e in left), cap)
        # Files that are not the cache's are never removed.
        notes = cli.write(cache, "notes.txt", "x" * (4 * size))
        status, out, err = self.run_model(work, cache, "--specialize",
                                          model=models[0], env=env)
        self.assertEqual(status, 0, err)
        self.assertTrue(os.path.exists(notes))

    def test_size_zero_turns_the_cache_off_and_a_bad_size_is_a_warning(self):
        work = cli.scratch("size")
        cache = os.path.join(work, "cache")
        status, out, err = self.run_model(work, cache, env={"SNNC_CACHE_MAX_SIZE": "0"})
        self.assertEqual(status, 0, err)
        self.assertEqual(err, "")
        self.assertFalse(os.path.exists(cache))
        status, out, err = self.run_model(work, cache, env={"SNNC_CACHE_MAX_SIZE": "lots"})
        self.assertEqual(status, 0, err)
        self.assertRegex(err, r"^snnc: warning: ignoring SNNC_CACHE_MAX_SIZE='lots'.*\n$")
        self.assertEqual(len(entries(cache)), 1)

    def test_a_compile_writes_no_jit_dump(self):
        # LLVM's perf listener writes $JITDUMPDIR/.debug/jit, else under the
        # home directory.
        work = cli.scratch("jitdump")
        home = os.path.join(work, "home")
        os.makedirs(home)
        status, out, err = cli.snnc(
            "run", cli.write(work, "m.snn", cli.model_text()), "-o",
            os.path.join(work, "out"), "--no-progress", "--no-cache",
            env={"HOME": home, "JITDUMPDIR": home})
        self.assertEqual(status, 0, err)
        self.assertIn("jit", out)
        self.assertEqual(os.listdir(home), [])


if __name__ == "__main__":
    cli.main()
