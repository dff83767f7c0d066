//===- Plot.cpp - The pictures of a run, through the plot script ----------===//
//
// The script is found at $SNNC_PLOT_SCRIPT, else where `cmake --install`
// puts it relative to the executable (BIN/../share/snnc/snnc_plot.py), else
// where the build found it (the source tree's examples/plot), which is what
// snnc in a build tree runs. The interpreter is $SNNC_PYTHON, else
// the system Python (/usr/bin/python3, which carries Debian's matplotlib),
// else python3 on PATH: a virtual environment on PATH often has no
// matplotlib, and the script says which package is missing if so.
//
//===----------------------------------------------------------------------===//

#include "Plot.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <optional>
#include <vector>

using namespace snnc;

namespace {

/// Where the script may be, in the order tried ($SNNC_PLOT_SCRIPT alone
/// when it is set).
std::vector<std::string> plotScriptPlaces() {
  if (const char *script = std::getenv("SNNC_PLOT_SCRIPT"))
    return {script};
  std::vector<std::string> places;
  llvm::SmallString<256> installed(llvm::sys::path::parent_path(
      llvm::sys::fs::getMainExecutable(nullptr, nullptr)));
  if (!installed.empty()) {
    llvm::sys::path::append(installed, SNNC_PLOT_SCRIPT_FROM_BIN);
    llvm::sys::path::remove_dots(installed, /*remove_dot_dot=*/true);
    places.push_back(std::string(installed));
  }
  places.push_back(SNNC_PLOT_SCRIPT);
  return places;
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
  std::vector<std::string> places = plotScriptPlaces();
  auto found = llvm::find_if(places, [](const std::string &place) {
    return llvm::sys::fs::exists(place);
  });
  if (found == places.end()) {
    errors << "snnc plot: error: no plot script at ";
    for (size_t i = 0; i < places.size(); ++i)
      errors << (i ? " or " : "") << places[i];
    errors << " (set SNNC_PLOT_SCRIPT to the path of snnc_plot.py)\n";
    return 1;
  }
  std::string script = *found;
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
    errors << "snnc plot: error: cannot run " << *interpreter << ": " << problem
           << "\n";
    return 1;
  }
  return status;
}
