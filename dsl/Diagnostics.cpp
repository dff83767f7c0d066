//===- Diagnostics.cpp - Diagnostic reporting and printing ----------------===//
//
// Prints diagnostics as `file:line:col: severity: message`, the source line
// and a caret/underline. Long lines are clipped to a window around the
// culprit and unprintable bytes shown as '?', so hostile input stays readable.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Diagnostics.h"

#include "llvm/Support/WithColor.h"

#include <algorithm>

using namespace snnc;

namespace {
/// Widest slice of a source line that a diagnostic prints.
constexpr unsigned snippetWidth = 100;

const char *severityName(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "error";
}
} // namespace

void DiagnosticEngine::error(llvm::SMRange range, const llvm::Twine &message) {
  ++numErrors;
  if (numErrors > maxErrors) {
    suppressNotes = true;
    return;
  }
  report(Severity::Error, range, message);
}

void DiagnosticEngine::warning(llvm::SMRange range,
                               const llvm::Twine &message) {
  report(Severity::Warning, range, message);
}

void DiagnosticEngine::note(llvm::SMRange range, const llvm::Twine &message) {
  if (suppressNotes)
    return;
  report(Severity::Note, range, message);
}

void DiagnosticEngine::setLineOrigins(llvm::StringRef bufferName,
                                      std::vector<LineOrigin> origins) {
  for (auto &entry : lineOrigins)
    if (entry.first == bufferName) {
      entry.second = std::move(origins);
      return;
    }
  lineOrigins.emplace_back(bufferName.str(), std::move(origins));
}

void DiagnosticEngine::report(Severity severity, llvm::SMRange range,
                              const llvm::Twine &message) {
  if (severity != Severity::Note)
    suppressNotes = false;
  Diagnostic diag{severity, range, message.str(), "", 0, 0};
  if (range.Start.isValid()) {
    unsigned bufferId = sourceMgr.FindBufferContainingLoc(range.Start);
    if (bufferId != 0) {
      const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(bufferId);
      diag.file = buffer->getBufferIdentifier().str();
      const std::vector<LineOrigin> *origins = nullptr;
      for (const auto &entry : lineOrigins)
        if (entry.first == diag.file)
          origins = &entry.second;
      // The end of a text made of whole lines is past its last line: show
      // the end of that line instead of a line that was never typed.
      llvm::StringRef text = buffer->getBuffer();
      if (origins && !text.empty() && text.back() == '\n' &&
          range.Start.getPointer() == text.end()) {
        llvm::SMLoc last = llvm::SMLoc::getFromPointer(text.end() - 1);
        diag.range = range = llvm::SMRange(last, last);
      }
      std::tie(diag.line, diag.column) =
          sourceMgr.getLineAndColumn(range.Start, bufferId);
      if (origins && diag.line >= 1 && diag.line <= origins->size()) {
        const LineOrigin &origin = (*origins)[diag.line - 1];
        diag.file = origin.file;
        diag.line = origin.line;
        diag.column += origin.columnOffset;
      }
    }
  }
  reported.push_back(diag);
  if (out)
    print(reported.back());
}

void DiagnosticEngine::print(const Diagnostic &diag) const {
  llvm::raw_ostream &os = *out;
  if (!diag.file.empty())
    os << diag.file << ":" << diag.line << ":" << diag.column << ": ";
  else
    os << "snnc: ";
  llvm::HighlightColor color =
      diag.severity == Severity::Error     ? llvm::HighlightColor::Error
      : diag.severity == Severity::Warning ? llvm::HighlightColor::Warning
                                           : llvm::HighlightColor::Note;
  llvm::WithColor(os, color, colorMode())
      << severityName(diag.severity) << ": ";
  os << diag.message << "\n";
  if (diag.file.empty())
    return;

  // Find the line holding the start of the range.
  unsigned bufferId = sourceMgr.FindBufferContainingLoc(diag.range.Start);
  llvm::StringRef buffer = sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  size_t offset = diag.range.Start.getPointer() - buffer.data();
  // StringRef::rfind looks strictly before `offset`.
  size_t lineStart = buffer.rfind('\n', offset);
  lineStart = lineStart == llvm::StringRef::npos ? 0 : lineStart + 1;
  size_t lineEnd = buffer.find('\n', offset);
  if (lineEnd == llvm::StringRef::npos)
    lineEnd = buffer.size();
  if (lineEnd > lineStart && buffer[lineEnd - 1] == '\r')
    --lineEnd;

  // Underline the range on this line (at least one column).
  size_t rangeEnd = offset + 1;
  if (diag.range.End.isValid() && diag.range.End.getPointer() > buffer.data()) {
    size_t end = diag.range.End.getPointer() - buffer.data();
    if (end > offset)
      rangeEnd = std::min(end, lineEnd);
  }
  rangeEnd = std::max(rangeEnd, offset + 1);

  // Clip lines wider than the window to one that keeps the culprit visible.
  size_t windowStart = lineStart;
  if (lineEnd - lineStart > snippetWidth &&
      offset - lineStart > snippetWidth / 2)
    windowStart = offset - snippetWidth / 2;
  size_t windowEnd = std::min(lineEnd, windowStart + snippetWidth);
  bool clippedLeft = windowStart > lineStart;
  bool clippedRight = windowEnd < lineEnd;

  std::string text, marks;
  if (clippedLeft) {
    text += "...";
    marks += "   ";
  }
  for (size_t i = windowStart; i < windowEnd; ++i) {
    unsigned char c = buffer[i];
    bool printable = c == '\t' || (c >= 0x20 && c != 0x7f);
    text += c == '\t' ? ' ' : (printable ? static_cast<char>(c) : '?');
    // Count UTF-8 continuation bytes as zero-width for the marker line.
    if ((c & 0xC0) == 0x80)
      continue;
    marks += i == offset ? '^' : (i > offset && i < rangeEnd) ? '~' : ' ';
  }
  if (offset >= windowEnd)
    marks += '^';
  if (clippedRight)
    text += "...";
  while (!marks.empty() && marks.back() == ' ')
    marks.pop_back();
  os << "  " << text << "\n";
  llvm::WithColor(os, llvm::HighlightColor::Remark, colorMode())
      << "  " << marks << "\n";
}

void DiagnosticEngine::printSummary() const {
  if (out && numErrors > maxErrors)
    *out << numErrors << " errors generated (only the first " << maxErrors
         << " shown).\n";
}

std::string snnc::closestMatch(llvm::StringRef name,
                               llvm::ArrayRef<std::string> candidates) {
  std::string best;
  unsigned bestDistance = ~0u;
  // Allow about one edit per three characters, at least one.
  unsigned limit = std::max<unsigned>(1, name.size() / 3);
  for (const std::string &candidate : candidates) {
    if (candidate == name)
      continue;
    unsigned distance =
        name.edit_distance(candidate, /*AllowReplacements=*/true,
                           /*MaxEditDistance=*/limit);
    // Case-only differences ("mv" for "mV") are the likeliest typo. Any two
    // one-letter names are one edit apart, so for those only case counts.
    if (name.equals_insensitive(candidate))
      distance = 0;
    else if (name.size() == 1)
      continue;
    if (distance <= limit && distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}
