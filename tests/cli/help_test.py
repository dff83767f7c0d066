"""Every command takes --help (and -h): it prints that command's part of
the usage and does nothing else, whatever else is on the line."""

import os
import unittest

import cli

COMMANDS = {
    "check": "check FILE",
    "run": "run FILE [options]",
    "build": "build FILE [options]",
    "plot": "plot DIR [options]",
    "repl": "repl [FILE]",
    "emit": "emit STAGE FILE",
}


class Help(unittest.TestCase):
    def test_every_command_says_what_it_takes(self):
        for command, line in COMMANDS.items():
            for flag in ("--help", "-h"):
                status, out, err = cli.snnc(command, flag)
                self.assertEqual(status, 0, (command, err))
                self.assertIn("usage: snnc " + command, out)
                self.assertIn(line, out)
                self.assertEqual(err, "")
        # Only its own part: run's options, not plot's.
        _, out, _ = cli.snnc("run", "--help")
        self.assertIn("--threads N", out)
        self.assertNotIn("--kind K", out)

    def test_help_wins_over_the_rest_of_the_line(self):
        work = cli.scratch("help")
        out_dir = os.path.join(work, "out")
        status, out, _ = cli.snnc("run", "missing.snn", "-o", out_dir,
                                  "--help")
        self.assertEqual(status, 0)
        self.assertIn("usage: snnc run", out)
        self.assertFalse(os.path.exists(out_dir))

    def test_an_unknown_command_with_help_is_bad_usage(self):
        status, _, err = cli.snnc("frobnicate", "--help")
        self.assertEqual(status, 2)
        self.assertIn("unknown command 'frobnicate'", err)


if __name__ == "__main__":
    cli.main()
