//===- DiagnosticsSuiteTest.cpp - The bad-input suite of tests/diagnostics ===//
//
// Checks every tests/diagnostics/*.snn file (not the helpers in
// tests/diagnostics/inputs/) and requires that it fails with status 1 and
// that the diagnostics printed are exactly the file's CHECK annotations, in
// order: none missing, none extra. The file is built twice. In snncDslTests
// it runs the front end in this process, as `snnc check` does, so the suite
// depends on nothing but the dsl library. In snncDiagnosticsTests (compiled
// with SNNC_BINARY) it runs the built `snnc check` itself, and also checks
// its exit status and that nothing goes to stdout. Annotations are comments:
//
//   # CHECK: add_dimension.snn:8:26: error: cannot add mV and mS
//   # CARET: ^
//
// A CHECK line is one printed line `file:line:col: severity: message`, with
// the file compared by its last path component (so the suite does not
// depend on where it is run from, and a diagnostic in inputs/cycle_b.snn is
// written `cycle_b.snn:...`). Any other printed line that is not part of a
// source snippet must be written as a CHECK line too. A CARET line checks
// the marker line printed under the source line of the diagnostic named by
// the CHECK line just before it: its text without leading spaces, and that
// its '^' stands under the diagnostic's column.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Frontend.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

// Each build has its own suite name, so that ctest sees both.
#ifdef SNNC_BINARY
#define SUITE SnncCheckDiagnosticsTest
#else
#define SUITE DiagnosticsSuiteTest
#endif

namespace {

/// Files with expected diagnostics, and that many more.
constexpr size_t minimumSuiteSize = 35;

struct Expectation {
  std::string line;                 ///< The diagnostic line, as printed.
  std::optional<std::string> caret; ///< Its marker line, without indent.
};

/// One printed diagnostic (or other unindented line) and its snippet.
struct Printed {
  std::string line;   ///< With the file reduced to its last component.
  std::string source; ///< The source line under it; "" when none.
  std::string marks;  ///< The marker line under that; "" when none.
};

struct RunResult {
  int status = -1;
  std::string out, err;
};

std::string readFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  return (*buffer)->getBuffer().str();
}

std::vector<std::string> suiteFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(SNNC_DIAGNOSTICS_DIR, ec), end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".snn" &&
        it->type() == llvm::sys::fs::file_type::regular_file)
      files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Expectation> readExpectations(llvm::StringRef text) {
  std::vector<Expectation> expected;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  text.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.consume_front("# CHECK:"))
      expected.push_back({line.trim().str(), std::nullopt});
    else if (line.consume_front("# CARET:") && !expected.empty())
      expected.back().caret = line.trim().str();
  }
  return expected;
}

#ifdef SNNC_BINARY
/// Runs `snnc check FILE` with stdout and stderr captured.
RunResult runCheck(llvm::StringRef file) {
  RunResult result;
  llvm::SmallString<128> outPath, errPath;
  if (llvm::sys::fs::createTemporaryFile("snnc-diag", "out", outPath) ||
      llvm::sys::fs::createTemporaryFile("snnc-diag", "err", errPath))
    return result;
  std::optional<llvm::StringRef> redirects[] = {
      llvm::StringRef(""), llvm::StringRef(outPath), llvm::StringRef(errPath)};
  llvm::StringRef args[] = {SNNC_BINARY, "check", file};
  std::string message;
  result.status = llvm::sys::ExecuteAndWait(SNNC_BINARY, args, std::nullopt,
                                            redirects, /*SecondsToWait=*/60,
                                            /*MemoryLimit=*/0, &message);
  result.out = readFile(outPath);
  result.err = readFile(errPath);
  if (!message.empty())
    result.err += "(could not run " SNNC_BINARY ": " + message + ")\n";
  llvm::sys::fs::remove(outPath);
  llvm::sys::fs::remove(errPath);
  return result;
}
#else
/// Does what `snnc check FILE` does up to its summary: load the model with
/// diagnostics printed (without colour), then the error count line; the
/// status is the one snnc exits with.
RunResult runCheck(llvm::StringRef file) {
  RunResult result;
  llvm::SourceMgr sourceMgr;
  llvm::raw_string_ostream err(result.err);
  snnc::DiagnosticEngine diags(sourceMgr, &err);
  bool loaded = snnc::loadModel(file, diags).has_value();
  diags.printSummary();
  result.status = diags.hasErrors() || !loaded ? 1 : 0;
  return result;
}
#endif

/// Splits stderr into diagnostics; snippet lines (indented by two spaces)
/// attach to the diagnostic above them.
std::vector<Printed> readPrinted(llvm::StringRef err) {
  static const llvm::Regex diagnostic(
      "^([^ :][^:]*):([0-9]+):([0-9]+): (error|warning|note): (.*)$");
  std::vector<Printed> printed;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  err.split(lines, '\n', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    if (line.starts_with("  ") && !printed.empty()) {
      Printed &last = printed.back();
      (last.source.empty() ? last.source : last.marks) = line.str();
      continue;
    }
    llvm::SmallVector<llvm::StringRef, 6> parts;
    if (!diagnostic.match(line, &parts)) {
      printed.push_back({line.str(), "", ""});
      continue;
    }
    std::string reduced =
        (llvm::sys::path::filename(parts[1]) + ":" + parts[2] + ":" + parts[3] +
         ": " + parts[4] + ": " + parts[5])
            .str();
    printed.push_back({reduced, "", ""});
  }
  return printed;
}

std::string joinLines(const std::vector<std::string> &lines) {
  std::string text;
  for (const std::string &line : lines)
    text += line + "\n";
  return text;
}

/// Checks one CARET annotation against the snippet printed for `printed`.
void checkCaret(const Expectation &expected, const Printed &printed) {
  llvm::StringRef marks = printed.marks;
  EXPECT_EQ(marks.ltrim().str(), *expected.caret)
      << "marker line under: " << expected.line;
  static const llvm::Regex location("^[^:]+:[0-9]+:([0-9]+): ");
  llvm::SmallVector<llvm::StringRef, 2> parts;
  if (!location.match(expected.line, &parts))
    return;
  unsigned column = 0;
  parts[1].getAsInteger(10, column);
  // Markers are indented by two spaces; a clipped line starts with "...".
  if (llvm::StringRef(printed.source).starts_with("  ..."))
    return;
  EXPECT_EQ(marks.find('^'), size_t(column) + 1)
      << "'^' is not under column " << column << " in: " << expected.line;
}

void checkFile(const std::string &path) {
  SCOPED_TRACE(path);
  std::vector<Expectation> expected = readExpectations(readFile(path));
  std::vector<std::string> expectedLines;
  for (const Expectation &e : expected)
    expectedLines.push_back(e.line);
  ASSERT_TRUE(llvm::any_of(expectedLines, [](llvm::StringRef line) {
    return line.contains(": error: ");
  })) << "every file in the suite must expect at least one error";

  RunResult result = runCheck(path);
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(result.out, "") << "nothing goes to stdout for a broken model";
  std::vector<Printed> printed = readPrinted(result.err);
  std::vector<std::string> printedLines;
  for (const Printed &p : printed)
    printedLines.push_back(p.line);
  EXPECT_EQ(joinLines(printedLines), joinLines(expectedLines))
      << "full stderr:\n"
      << result.err;
  for (size_t i = 0; i < expected.size() && i < printed.size(); ++i)
    if (expected[i].caret && printed[i].line == expected[i].line)
      checkCaret(expected[i], printed[i]);
}

TEST(SUITE, EveryFilePrintsExactlyItsCheckLinesAndExitsWith1) {
  std::vector<std::string> files = suiteFiles();
  ASSERT_GE(files.size(), minimumSuiteSize) << "in " << SNNC_DIAGNOSTICS_DIR;
  for (const std::string &file : files)
    checkFile(file);
}

TEST(SUITE, HelperFilesInInputsAreNotRunAsTests) {
  for (const std::string &file : suiteFiles())
    EXPECT_EQ(llvm::sys::path::filename(llvm::sys::path::parent_path(file)),
              "diagnostics")
        << file;
}

TEST(SUITE, SeedModelChecksCleanlyWithStatus0) {
  RunResult result = runCheck(SNNC_EXAMPLES_DIR "/coba.snn");
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.err, "");
#ifdef SNNC_BINARY
  EXPECT_TRUE(llvm::StringRef(result.out).contains("coba.snn: ok"))
      << result.out;
#endif
}

TEST(SUITE, ReadPrintedReducesPathsAndAttachesSnippets) {
  std::vector<Printed> printed =
      readPrinted("/a/b/x.snn:3:7: error: bad thing\n"
                  "  source line\n"
                  "        ^~~\n"
                  "y.snn:1:1: note: here\n"
                  "3 errors generated.\n");
  ASSERT_EQ(printed.size(), 3u);
  EXPECT_EQ(printed[0].line, "x.snn:3:7: error: bad thing");
  EXPECT_EQ(printed[0].source, "  source line");
  EXPECT_EQ(printed[0].marks, "        ^~~");
  EXPECT_EQ(printed[1].line, "y.snn:1:1: note: here");
  EXPECT_EQ(printed[1].source, "");
  EXPECT_EQ(printed[2].line, "3 errors generated.");
}

TEST(SUITE, ReadExpectationsTakesOnlyCommentAnnotations) {
  std::vector<Expectation> expected =
      readExpectations("neuron A {\n"
                       "# CHECK: a.snn:1:1: error: one\n"
                       "  # CARET:   ^~~  \n"
                       "}\n"
                       "#CHECK: not an annotation\n"
                       "# CHECK: a.snn:2:1: note: two\n");
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected[0].line, "a.snn:1:1: error: one");
  EXPECT_EQ(expected[0].caret, std::optional<std::string>("^~~"));
  EXPECT_EQ(expected[1].line, "a.snn:2:1: note: two");
  EXPECT_FALSE(expected[1].caret.has_value());
}

} // namespace
