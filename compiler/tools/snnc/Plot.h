//===- Plot.h - The pictures of a run, through the plot script --*- C++ -*-===//
//
// `snnc plot DIR` and the REPL's `:plot` hand the files a run wrote to the
// project's matplotlib script (examples/plot/snnc_plot.py) under the
// system Python: the pictures are Python's business, finding and calling it
// is snnc's.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_PLOT_H
#define SNNC_TOOLS_SNNC_PLOT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace snnc::tool {

/// The plot kinds, in the order `snnc plot` draws them.
constexpr const char *kPlotKinds = "raster, rate, states, isi";

/// Runs the plot script over the run directory `runDir` with `arguments`
/// after it (e.g. "-o", OUTDIR, "--kind", "rate"). Its output (the paths
/// it wrote, or a one-line error) goes to the terminal. Returns the
/// script's exit status, or 1 after printing why it could not be started
/// to `errors`.
int runPlotScript(const std::string &runDir,
                  llvm::ArrayRef<std::string> arguments,
                  llvm::raw_ostream &errors);

} // namespace snnc::tool

#endif // SNNC_TOOLS_SNNC_PLOT_H
