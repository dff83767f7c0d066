"""Shared by the command-line tests: run snnc, read what it wrote.

Each test script gets the binary ($SNNC), the source tree
($SNNC_SOURCE_DIR) and a scratch directory of its own ($SNNC_SCRATCH) from
ctest; `python3 tests/cli/X_test.py` also works by hand with those set.
"""

import os
import shutil
import subprocess
import unittest

SNNC = os.environ.get("SNNC", "build/bin/snnc")
SOURCE = os.environ.get("SNNC_SOURCE_DIR", ".")
SCRATCH = os.environ.get("SNNC_SCRATCH", "/tmp/snnc-cli-test")


def scratch(name):
    """A fresh, empty directory for one test."""
    path = os.path.join(SCRATCH, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def model_text(body="", run="run 20 ms dt 0.1 ms seed 1 {\n  record P.spike\n}"):
    """A minimal complete model: one driven LIF population, `body` added."""
    return (
        "neuron LIF {\n"
        "  param tau = 10 ms\n"
        "  param V_th = 10 mV\n"
        "  state V : mV = 0 mV\n"
        "  input I : mA\n"
        "  dV/dt = (-V + 1 ohm * I) / tau\n"
        "  spike V >= V_th\n"
        "  reset hard to 0 mV\n"
        "}\n"
        "population P = LIF(10)\n"
        "drive P.I = 20 mA\n" + body + "\n" + run + "\n"
    )


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def snnc(*args, stdin=None, timeout=120, env=None, cwd=None):
    """Runs snnc (in `cwd`, if given); returns (exit status, stdout,
    stderr). A hang fails."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    done = subprocess.run(
        [SNNC, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=cwd,
    )
    return done.returncode, done.stdout, done.stderr


main = unittest.main
