"""snnc repl: where errors are reported, its exit status, Ctrl-C, :save.

Typed lines are named <repl>:LINE:COL, LINE counting the lines of the
session; each error is reported once; with piped input the exit status is
that of the last declaration or command. At a terminal (a pseudo-terminal
here, made the session's controlling terminal so that writing ^C to it is
Ctrl-C), Ctrl-C stops a :run and keeps the session, and at the prompt
discards the line being typed.
"""

import fcntl
import os
import pty
import select
import subprocess
import termios
import time
import unittest

import cli


def repl(work, lines, *args):
    return cli.snnc("repl", *args, stdin="".join(l + "\n" for l in lines),
                    env={"TMPDIR": work})


class Piped(unittest.TestCase):
    def setUp(self):
        self.work = cli.scratch("repl-" + self.id().split(".")[-1])
        self.model = cli.write(self.work, "m.snn", cli.model_text())

    def test_typed_lines_are_named_by_their_line_in_the_session(self):
        status, _, err = repl(self.work, ["population Q = LIF(3)", "    x"],
                              self.model)
        self.assertIn("<repl>:2:5: error: expected a declaration", err)
        self.assertNotIn("m.snn", err)  # not a line of the loaded file

    def test_each_error_is_reported_once(self):
        status, _, err = repl(
            self.work, ["neuron A {", "}", "}", "}", "drive P.I = 2 mV"],
            self.model)
        self.assertEqual(err.count("error:"), 3, err)
        self.assertIn("<repl>:3:1: error: unmatched '}'", err)
        self.assertIn("<repl>:4:1: error: unmatched '}'", err)
        self.assertIn("<repl>:5:13: error: the drive has dimension mV", err)

    def test_command_errors_point_at_the_typed_line(self):
        status, _, err = repl(self.work, [":run 5 ms", ":bogus",
                                          ":set P.V_x=1 mV"], self.model)
        self.assertIn("<repl>:2:1: error: unknown command ':bogus'", err)
        self.assertIn("<repl>:3:6: error: unknown parameter 'P.V_x'", err)

    def test_exit_status_is_that_of_the_last_command(self):
        status, _, _ = repl(self.work, [":run 5 ms", ":bogus"], self.model)
        self.assertEqual(status, 1)
        status, _, _ = repl(self.work, [":bogus", ":run 5 ms"], self.model)
        self.assertEqual(status, 0)
        status, _, _ = repl(self.work, ["drive P.I = 2 mV", ":quit"],
                            self.model)
        self.assertEqual(status, 1)  # :quit is no command of its own
        status, _, _ = repl(self.work, ["neuron Open {"], self.model)
        self.assertEqual(status, 1)  # the input ended inside a block

    def test_save_checks_its_directory_and_writes_a_set(self):
        not_a_dir = cli.write(self.work, "file", "")
        out = os.path.join(self.work, "saved")
        status, stdout, err = repl(
            self.work, [":run 5 ms", ":save " + not_a_dir, ":save " + out],
            self.model)
        self.assertEqual(status, 0, err)
        self.assertIn("<repl>:2:7: error: output directory '%s' is not a "
                      "directory" % not_a_dir, err)
        self.assertEqual(sorted(os.listdir(out)),
                         ["snnc-manifest.txt", "spikes.npz"])


class Terminal(unittest.TestCase):
    """A session at a (pseudo-)terminal."""

    def setUp(self):
        self.work = cli.scratch("repl-terminal")
        # 20 000 neurons for up to 100 s: a :run long enough to interrupt.
        text = cli.model_text().replace("LIF(10)", "LIF(20000)")
        self.model = cli.write(self.work, "long.snn", text)
        master, slave = pty.openpty()
        self.master = master

        def own_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.session = subprocess.Popen(
            [cli.SNNC, "repl", self.model], stdin=slave,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            preexec_fn=own_terminal)
        os.close(slave)
        self.out = b""

    def tearDown(self):
        if self.session.poll() is None:
            self.session.kill()
            self.session.wait()
        os.close(self.master)

    def type(self, text):
        os.write(self.master, text.encode())

    def await_output(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while text.encode() not in self.out:
            left = deadline - time.monotonic()
            self.assertGreater(left, 0, self.out.decode())
            ready, _, _ = select.select([self.session.stdout], [], [], left)
            if ready:
                chunk = os.read(self.session.stdout.fileno(), 4096)
                self.assertTrue(chunk, "the session ended: " +
                                self.out.decode())
                self.out += chunk

    def test_ctrl_c_stops_a_run_and_keeps_the_session(self):
        self.type(":run 100 s\n")
        self.await_output("compiled in")
        time.sleep(1.0)
        self.type("\x03")  # Ctrl-C
        self.await_output("interrupted", timeout=10)
        # The session goes on from where the run stopped.
        self.type(":run 1 ms\n")
        self.await_output("(10 steps in")
        # At the prompt, Ctrl-C discards the line being typed.
        self.type("drive P.I = ")
        time.sleep(0.3)
        self.type("\x03")
        time.sleep(0.3)
        self.type(":state P.V 0:1\n:quit\n")
        out, err = self.session.communicate(timeout=30)
        self.out += out
        self.assertEqual(self.session.returncode, 0, err.decode())
        self.assertNotIn(b"error", err)
        self.assertIn(b"P.V[0:1] at t = ", self.out)


if __name__ == "__main__":
    cli.main()
