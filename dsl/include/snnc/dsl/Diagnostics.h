//===- Diagnostics.h - One diagnostic engine for every stage ---*- C++ -*-===//
//
// Every stage of snnc (lexer, parser, semantic analysis, compiler, runtime
// setup) reports problems through a DiagnosticEngine so that users always see
// the same shape:
//
//   coba.snn:14:22: error: cannot add mV and mS
//     dV/dt = (-(V - g) + R * I) / tau
//                  ~~~~
//
// Source buffers live in an llvm::SourceMgr, which maps locations to lines.
// The printer is our own so that hostile input (binary bytes, 10 MB lines)
// still prints a short, readable snippet.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_DIAGNOSTICS_H
#define SNNC_DSL_DIAGNOSTICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace snnc {

enum class Severity { Error, Warning, Note };

/// One reported problem, kept so that tests and the REPL can inspect it.
struct Diagnostic {
  Severity severity;
  llvm::SMRange range; ///< May be invalid for file-level problems.
  std::string message;
  std::string file; ///< Resolved at report time ("" when range is invalid).
  unsigned line = 0, column = 0;
};

/// Where a line of a buffer comes from, when that is not the buffer itself.
struct LineOrigin {
  std::string file;          ///< The name to report.
  unsigned line = 0;         ///< The line number to report.
  unsigned columnOffset = 0; ///< Added to the column.
};

/// Collects and prints diagnostics against the buffers of a SourceMgr.
/// It keeps a reference to the SourceMgr and a pointer to the output
/// stream (null: print nothing): both must outlive it.
class DiagnosticEngine {
public:
  explicit DiagnosticEngine(llvm::SourceMgr &sourceMgr,
                            llvm::raw_ostream *out = &llvm::errs())
      : sourceMgr(sourceMgr), out(out) {}

  /// Reports an error over `range`. After `maxErrors` errors, further errors
  /// are counted but no longer printed.
  void error(llvm::SMRange range, const llvm::Twine &message);
  void error(llvm::SMLoc loc, const llvm::Twine &message) {
    error(llvm::SMRange(loc, loc), message);
  }
  void warning(llvm::SMRange range, const llvm::Twine &message);
  /// Attaches a note (e.g. "declared here") to the last error or warning.
  void note(llvm::SMRange range, const llvm::Twine &message);

  unsigned errorCount() const { return numErrors; }
  bool hasErrors() const { return numErrors > 0; }
  /// Everything reported so far, in order; the next report appends, which
  /// may move the elements (hold indices, not pointers).
  const std::vector<Diagnostic> &diagnostics() const { return reported; }
  llvm::SourceMgr &getSourceMgr() { return sourceMgr; }

  /// Prints "N errors generated." when more than were printed; call at exit.
  void printSummary() const;

  /// Reports locations in the buffer named `bufferName` under the names and
  /// lines the user knows them by: line N of the buffer as `origins[N-1]`.
  /// The REPL checks the declarations accepted so far and a typed one as
  /// one text; each typed line is reported as `<repl>:LINE:COL`, counting
  /// the lines of the session. A location at the very end of such a
  /// buffer ("found end of file") is reported at the end of its last line.
  void setLineOrigins(llvm::StringRef bufferName,
                      std::vector<LineOrigin> origins);

  /// Colors on terminals; off by default so test output is plain.
  void setUseColor(bool enable) { useColor = enable; }
  void setOutput(llvm::raw_ostream *stream) { out = stream; }

  static constexpr unsigned maxErrors = 50;

private:
  void report(Severity severity, llvm::SMRange range,
              const llvm::Twine &message);
  void print(const Diagnostic &diag) const;
  llvm::ColorMode colorMode() const {
    return useColor ? llvm::ColorMode::Enable : llvm::ColorMode::Disable;
  }

  llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream *out;
  std::vector<std::pair<std::string, std::vector<LineOrigin>>> lineOrigins;
  std::vector<Diagnostic> reported;
  unsigned numErrors = 0;
  bool suppressNotes = false;
  bool useColor = false;
};

/// Returns the candidate closest to `name` by edit distance, or "" when none
/// is close enough to be a plausible typo.
std::string closestMatch(llvm::StringRef name,
                         llvm::ArrayRef<std::string> candidates);

} // namespace snnc

#endif // SNNC_DSL_DIAGNOSTICS_H
