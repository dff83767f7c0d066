"""snnc as an installed package: `cmake --install` of this build into a
scratch prefix, then what a user does with it.

    package_test.py install    install afresh into $SNNC_PACKAGE_DIR/prefix
    package_test.py layout     what is where; the installed snnc runs from
                               the prefix and finds its plot script there
    package_test.py consumer   examples/cpp configured, built and run
                               against the prefix, out of tree
    package_test.py headers    every installed header compiles against
                               the package alone (tests/package/headers)

ctest runs `install` first (a fixture) and the others after it. The
build tree's objects are reused: the consumer builds one file.
"""

import glob
import os
import shutil
import subprocess
import sys

BUILD = os.environ["SNNC_BUILD_DIR"]
SOURCE = os.environ["SNNC_SOURCE_DIR"]
WORK = os.environ["SNNC_PACKAGE_DIR"]
PREFIX = os.path.join(WORK, "prefix")
CMAKE = os.environ.get("CMAKE_COMMAND", "cmake")


def run(args, **kwargs):
    """Runs a command, its output shown; fails the test on a bad status."""
    print("+", " ".join(args), flush=True)
    done = subprocess.run(args, capture_output=True, text=True, timeout=600,
                          **kwargs)
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    if done.returncode != 0:
        sys.exit(f"failed with status {done.returncode}: {' '.join(args)}")
    return done.stdout


def check(condition, message):
    if not condition:
        sys.exit("FAILED: " + message)


def configure_and_build(source, build):
    """A user's project against the prefix, with this build's compiler."""
    shutil.rmtree(build, ignore_errors=True)
    args = [CMAKE, "-S", source, "-B", build,
            "-G", os.environ["SNNC_CMAKE_GENERATOR"],
            "-DCMAKE_BUILD_TYPE=Release",
            "-DCMAKE_PREFIX_PATH=" + PREFIX,
            "-DCMAKE_CXX_COMPILER=" + os.environ["SNNC_CXX_COMPILER"]]
    if os.environ.get("SNNC_MAKE_PROGRAM"):
        args.append("-DCMAKE_MAKE_PROGRAM=" + os.environ["SNNC_MAKE_PROGRAM"])
    if os.environ.get("SNNC_CXX_LAUNCHER"):
        args.append("-DCMAKE_CXX_COMPILER_LAUNCHER=" +
                    os.environ["SNNC_CXX_LAUNCHER"])
    # A sanitized libsnnc.so needs its runtime in the program too.
    flags = os.environ.get("SNNC_CONSUMER_FLAGS", "")
    if flags:
        args += ["-DCMAKE_CXX_FLAGS=" + flags,
                 "-DCMAKE_EXE_LINKER_FLAGS=" + flags]
    run(args)
    run([CMAKE, "--build", build])


def install():
    shutil.rmtree(PREFIX, ignore_errors=True)
    run([CMAKE, "--install", BUILD, "--prefix", PREFIX])


def layout():
    for path in ("bin/snnc", "bin/snnc-run", "lib/libsnnc.so", "lib/cmake/snnc/snncConfig.cmake",
                 "lib/cmake/snnc/snncConfigVersion.cmake",
                 "lib/cmake/snnc/snncTargets.cmake",
                 "include/snnc/Simulation.h", "include/snnc/dsl/Frontend.h",
                 "include/snnc/model/Network.h",
                 "include/snnc/runtime/Connectivity.h",
                 "share/snnc/snnc_plot.py", "share/snnc/models/LIF.snn",
                 "share/snnc/models/COBA.snn"):
        check(os.path.exists(os.path.join(PREFIX, path)), path + " is missing")
    libraries = sorted(os.path.basename(p)
                       for p in glob.glob(os.path.join(PREFIX, "lib", "*")))
    check(not any(name.endswith(".a") for name in libraries),
          f"static archives installed: {libraries}")
    headers = glob.glob(os.path.join(PREFIX, "include", "**", "*.h"),
                        recursive=True)
    for header in headers:
        with open(header) as f:
            check('#include "mlir/' not in f.read(),
                  header + " includes MLIR's headers")
    check(not os.path.exists(os.path.join(PREFIX, "include", "snnc",
                                          "compiler", "Dialect")),
          "the dialect's headers are installed")

    # The installed snnc loads the installed library, not the build's.
    snnc = os.path.join(PREFIX, "bin", "snnc")
    linked = run(["ldd", snnc])
    lines = [line for line in linked.splitlines() if "libsnnc.so" in line]
    check(len(lines) == 1, "snnc does not link libsnnc.so")
    found = lines[0].split("=>")[1].split()[0]
    check(os.path.samefile(os.path.dirname(found),
                           os.path.join(PREFIX, "lib")),
          f"snnc loads {found}, not the installed library")
    run([snnc, "check", os.path.join(SOURCE, "examples", "coba.snn")])
    # echo as the interpreter prints the script snnc hands it.
    shown = run([snnc, "plot", WORK],
                env=dict(os.environ, SNNC_PYTHON="/bin/echo"))
    check(os.path.samefile(shown.split()[0],
                           os.path.join(PREFIX, "share", "snnc",
                                        "snnc_plot.py")),
          "the installed snnc runs " + shown.split()[0])

    # `import snnc.NAME` reads the installed library: a model only it has.
    models = os.path.join(PREFIX, "share", "snnc", "models")
    with open(os.path.join(models, "LIF.snn")) as f:
        text = f.read().replace("neuron LIF", "neuron InstalledOnly")
    with open(os.path.join(models, "InstalledOnly.snn"), "w") as f:
        f.write(text)
    model = os.path.join(WORK, "library.snn")
    with open(model, "w") as f:
        f.write("import snnc.InstalledOnly\npopulation P = InstalledOnly(3)\n")
    shown = run([snnc, "check", model])
    os.remove(os.path.join(models, "InstalledOnly.snn"))
    check("3 x InstalledOnly" in shown,
          "the installed snnc did not import from " + models + ": " + shown)

    # The installed snnc builds a bundle, and the installed snnc-run, which
    # links no part of the compiler, runs it.
    bundle = os.path.join(WORK, "coba.snnb")
    run([snnc, "build", os.path.join(SOURCE, "examples", "coba.snn"), "-o",
         bundle, "--duration", "50ms", "--no-progress", "--no-cache"])
    snnc_run = os.path.join(PREFIX, "bin", "snnc-run")
    linked = run(["ldd", snnc_run])
    check("libsnnc" not in linked and "libLLVM" not in linked
          and "libMLIR" not in linked, "snnc-run links the compiler")
    output = run([snnc_run, bundle, "-o", os.path.join(WORK, "bundle-out"),
                  "--no-progress"])
    check("simulated 50 ms in 500 steps" in output,
          "the installed snnc-run did not run the bundle: " + output)


def consumer():
    build = os.path.join(WORK, "consumer")
    configure_and_build(os.path.join(SOURCE, "examples", "cpp"), build)
    output = run([os.path.join(build, "run_model")])
    check("N: 7 spikes" in output, "run_model did not print 'N: 7 spikes'")


def headers():
    configure_and_build(os.path.join(SOURCE, "tests", "package", "headers"),
                        os.path.join(WORK, "headers"))


if __name__ == "__main__":
    steps = {"install": install, "layout": layout, "consumer": consumer,
             "headers": headers}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        sys.exit("usage: package_test.py " + "|".join(steps))
    steps[sys.argv[1]]()
