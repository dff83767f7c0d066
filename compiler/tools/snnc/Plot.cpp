//===- Plot.cpp - The pictures of a run, through the plot script ----------===//
//
// The script is found at $SNNC_PLOT_SCRIPT, else where the build put it
// (the source tree's examples/plot). The interpreter is $SNNC_PYTHON, else
// the system Python (/usr/bin/python3, which carries Debian's matplotlib),
// else python3 on PATH: a virtual environment on PATH often has no
// matplotlib, and the script says which package is missing if so.
//
//===----------------------------------------------------------------------===//

#include "Plot.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <optional>
#include <vector>

using namespace snnc;

namespace {

std::string plotScript() {
  if (const char *script = std::getenv("SNNC_PLOT_SCRIPT"))
    return script;
  return SNNC_PLOT_SCRIPT;
}

std::optional<std::string> python() {
  if (const char *chosen = std::getenv("SNNC_PYTHON"))
    return std::string(chosen);
  if (llvm::sys::fs::can_execute("/usr/bin/python3"))
    return std::string("/usr/bin/python3");
  llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName("python3");
  if (found)
    return *found;
  return std::nullopt;
}

} // namespace

int tool::runPlotScript(const std::string &runDir,
                        llvm::ArrayRef<std::string> arguments,
                        llvm::raw_ostream &errors) {
  std::string script = plotScript();
  if (!llvm::sys::fs::exists(script)) {
    errors << "snnc plot: error: the plot script " << script
           << " is missing (set SNNC_PLOT_SCRIPT to snnc_plot.py)\n";
    return 1;
  }
  std::optional<std::string> interpreter = python();
  if (!interpreter) {
    errors << "snnc plot: error: no python3 found (on Debian: apt-get "
              "install python3 python3-matplotlib)\n";
    return 1;
  }
  std::vector<llvm::StringRef> argv = {*interpreter, script, runDir};
  for (const std::string &argument : arguments)
    argv.push_back(argument);
  std::string problem;
  llvm::outs().flush(); // what snnc printed comes before the script's lines
  int status = llvm::sys::ExecuteAndWait(*interpreter, argv, std::nullopt, {},
                                         0, 0, &problem);
  if (status < 0) {
    errors << "snnc plot: error: cannot run " << *interpreter << ": "
           << problem << "\n";
    return 1;
  }
  return status;
}
