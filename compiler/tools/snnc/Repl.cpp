//===- Repl.cpp - snnc repl: define, run, inspect, change, rerun ----------===//
//
// The model grows one declaration at a time: a line (or the lines up to the
// brace that closes a block) is checked together with everything accepted
// before it, and kept only if the whole model still checks. Commands start
// with ':'. A simulation is created at the first :run and then continues
// from where it stopped; :set changes values in it without recompiling; a
// new declaration or :reset starts the next :run from t = 0 (the compile
// cache makes that quick).
//
// Errors name typed input `<repl>:LINE:COL`, LINE counting the lines of the
// session, and lines of a loaded file by that file's name and line: the
// model is checked as one text, and the diagnostics engine is told where
// each of its lines came from (DiagnosticEngine::setLineOrigins).
//
//===----------------------------------------------------------------------===//

#include "Repl.h"

#include "Plot.h"
#include "Reporting.h"

#include "snnc/Simulation.h"
#include "snnc/dsl/Frontend.h"
#include "snnc/model/Parameters.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <termios.h>
#include <unistd.h>
#include <vector>

using namespace snnc;
using namespace snnc::tool;

namespace {

constexpr const char *helpText =
    R"(Declarations (neuron, synapse, output, population, project, drive, run,
import) are added to the model when the whole model still checks; a block
ends with its closing brace. Commands:
  :run [T]          run T (e.g. 100 ms, 1 s; default: the model's run, or
                    100 ms) and print the spikes of that stretch
  :set NAME=VALUE   change a parameter, weight or drive (names: :values);
                    in a running simulation from the next step on, no
                    recompile
  :state POP.STATE [a:b]  current values of a neuron state
  :values           the values :set can change
  :check            a summary of the model
  :list             the model text so far, with line numbers
  :save DIR         write spikes.npz (and states.npz) of the run so far
  :plot [KIND] [DIR]  save the run so far to DIR (default: out) and draw
                    its pictures there (KIND: raster, rate, states, isi;
                    default: all), printing their paths
  :reset            the next :run starts again from t = 0
  :help             this text
  :quit             leave (so does the end of the input)
Errors in typed lines are reported as <repl>:LINE:COL, LINE counting the
lines typed in this session. At a terminal, Ctrl-C during :run stops the
run (the session and what it recorded stay) and at the prompt discards the
line; the session ends with status 0. With input from a pipe or a file,
signals end the session as usual (a :save is never left half-written), and
the exit status is 1 when the last declaration or command failed (or the
input ended inside a block), else 0.
)";

/// What typed input is called in diagnostics.
constexpr const char *kTypedName = "<repl>";
/// The buffer a typed command line is reported from (named as kTypedName).
constexpr const char *kCommandBuffer = "<repl command>";

/// Open braces minus closing ones, outside comments.
int braceBalance(llvm::StringRef line) {
  int balance = 0;
  for (char c : line) {
    if (c == '#')
      break;
    balance += c == '{';
    balance -= c == '}';
  }
  return balance;
}

/// Whether a line holds anything but blanks and a comment.
bool hasContent(llvm::StringRef line) {
  llvm::StringRef trimmed = line.ltrim();
  return !trimmed.empty() && !trimmed.starts_with("#");
}

class Repl {
public:
  Repl(std::string name, bool interactive)
      : name(std::move(name)), interactive(interactive) {}

  /// Loads a file's contents; its lines are reported as lines of `file`.
  bool load(llvm::StringRef file, std::string text) {
    if (!text.empty() && text.back() != '\n')
      text += '\n'; // so that typed lines never join its last line
    std::vector<LineOrigin> origins;
    unsigned lines = static_cast<unsigned>(llvm::count(text, '\n'));
    for (unsigned line = 1; line <= lines; ++line)
      origins.push_back({file.str(), line, 0});
    return addDeclarations(text, origins);
  }

  /// Handles one input line; false on :quit.
  bool line(const std::string &input) {
    typed = input;
    ++lineNumber;
    llvm::StringRef text(typed);
    if (pending.empty() && text.ltrim().starts_with(":")) {
      llvm::StringRef trimmed = text.trim();
      if (isQuit(trimmed.drop_front()))
        return false;
      commandWord = trimmed.take_until([](char c) { return c == ' '; });
      lastFailed = !command(trimmed.drop_front());
      return true;
    }
    if (pending.empty() && !hasContent(text))
      return true;
    if (pending.empty())
      pendingLine = lineNumber;
    pending += input + "\n";
    pendingOrigins.push_back({kTypedName, lineNumber, 0});
    depth += braceBalance(text);
    if (depth > 0)
      return true;
    std::string declaration = std::move(pending);
    std::vector<LineOrigin> origins = std::move(pendingOrigins);
    pending.clear();
    pendingOrigins.clear();
    depth = 0;
    lastFailed = !addDeclarations(declaration, origins);
    return true;
  }

  /// Ctrl-C at the prompt: the line being typed, and a block still open,
  /// are dropped, as shells drop the command being typed.
  void discardInput() {
    pending.clear();
    pendingOrigins.clear();
    depth = 0;
  }

  const char *prompt() const { return pending.empty() ? "snnc> " : "  ... "; }

  /// At the end of the input: a block left open is reported, not dropped
  /// silently. Returns the exit status for input from a pipe or a file.
  int finish() {
    if (!pending.empty()) {
      llvm::StringRef first = llvm::StringRef(pending).split('\n').first;
      typed = first.str();
      lineNumber = pendingLine;
      llvm::StringRef at(typed);
      fail(at.substr(at.size() - at.ltrim().size()),
           "the input ended inside a declaration (a '}' is missing); it was "
           "not added");
      lastFailed = true;
    }
    return lastFailed ? 1 : 0;
  }

private:
  /// Adds `text` (a file's contents or typed declarations, whose lines
  /// come from `origins`) if the model with it checks; reports why not
  /// otherwise.
  bool addDeclarations(const std::string &text,
                       const std::vector<LineOrigin> &origins) {
    std::vector<LineOrigin> all = sourceOrigins;
    all.insert(all.end(), origins.begin(), origins.end());
    DiagnosticEngine diags = freshDiagnostics(all);
    std::optional<model::Model> checked =
        loadModelFromString(source + text, name, diags);
    if (!checked)
      return false;
    source += text;
    sourceOrigins = std::move(all);
    if (sim) {
      sim.reset();
      llvm::outs() << "(the model changed: the next :run starts at t = 0)\n";
    }
    return true;
  }

  /// An engine that reports the model's lines where they came from.
  DiagnosticEngine freshDiagnostics() {
    return freshDiagnostics(sourceOrigins);
  }
  DiagnosticEngine freshDiagnostics(std::vector<LineOrigin> origins) {
    DiagnosticEngine diags(sources);
    diags.setUseColor(llvm::sys::Process::StandardErrHasColors());
    diags.setLineOrigins(name, std::move(origins));
    return diags;
  }

  /// The range of `where` (a part of the typed line, or empty at its end)
  /// in a buffer holding that line, reported as `<repl>:LINE`.
  llvm::SMRange locate(DiagnosticEngine &diags, llvm::StringRef where) {
    unsigned id = sources.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(typed, kCommandBuffer),
        llvm::SMLoc());
    diags.setLineOrigins(kCommandBuffer, {{kTypedName, lineNumber, 0}});
    const char *base = sources.getMemoryBuffer(id)->getBufferStart();
    size_t offset = column(where);
    size_t length = std::min(where.size(), typed.size() - offset);
    return llvm::SMRange(llvm::SMLoc::getFromPointer(base + offset),
                         llvm::SMLoc::getFromPointer(base + offset + length));
  }

  /// Where `where` starts in the typed line (its end if it is not a part
  /// of it).
  size_t column(llvm::StringRef where) const {
    auto begin = reinterpret_cast<uintptr_t>(typed.data());
    auto at = reinterpret_cast<uintptr_t>(where.data());
    return at >= begin && at <= begin + typed.size() ? at - begin
                                                     : typed.size();
  }

  /// Reports `message` at `where` in the typed line; false.
  bool fail(llvm::StringRef where, const llvm::Twine &message) {
    DiagnosticEngine diags = freshDiagnostics();
    diags.error(locate(diags, where), message);
    return false;
  }

  static bool isQuit(llvm::StringRef text) {
    llvm::StringRef word = text.split(' ').first;
    return word == "quit" || word == "q" || word == "exit";
  }

  /// Runs a command; false if it failed (reported).
  bool command(llvm::StringRef text) {
    auto [word, rest] = text.split(' ');
    rest = rest.trim();
    if (word == "help" || word == "h") {
      llvm::outs() << helpText;
      return true;
    }
    if (word == "run")
      return run(rest);
    if (word == "set")
      return set(rest);
    if (word == "state")
      return state(rest);
    if (word == "values" || word == "check")
      return describe(word == "check");
    if (word == "list") {
      list();
      return true;
    }
    if (word == "save")
      return save(rest);
    if (word == "plot")
      return plot(rest);
    if (word == "reset") {
      sim.reset();
      llvm::outs() << "the next :run starts at t = 0\n";
      return true;
    }
    // Point at the ':' too.
    llvm::StringRef at(word.data() - 1, word.size() + 1);
    return fail(at, "unknown command ':" + word + "' (:help lists them)");
  }

  /// The model as it stands, or null after reporting why there is none.
  std::optional<model::Model> currentModel(DiagnosticEngine &diags) {
    if (source.empty()) {
      fail(commandWord, "no model yet: declare a neuron and a population "
                        "first (:help)");
      return std::nullopt;
    }
    return loadModelFromString(source, name, diags);
  }

  /// Creates the simulation if there is none; false if it cannot be.
  bool ensureSimulation() {
    if (sim)
      return true;
    DiagnosticEngine diags = freshDiagnostics();
    std::optional<model::Model> model = currentModel(diags);
    if (!model)
      return false;
    // Without record statements, every population's spikes are recorded.
    if (!model->run)
      model->run = model::RunSettings();
    bool recordsSpikes = false;
    for (const model::Record &record : model->run->records)
      recordsSpikes |= record.spikes;
    if (!recordsSpikes)
      for (unsigned p = 0; p < model->populations.size(); ++p) {
        if (!model->neurons[model->populations[p].neuron].spike)
          continue; // a neuron without a spike condition never spikes
        model::Record record;
        record.target = {p, 0, model->populations[p].size};
        model->run->records.push_back(record);
      }
    if (model->run->durationMs > 0)
      defaultRunMs = model->run->durationMs;
    SimulationOptions options;
    options.parameterOverrides = overrides;
    options.cacheDirectory = defaultCacheDirectory();
    options.showProgress = interactive;
    // Ctrl-C (at a terminal) stops a :run at the next chunk boundary.
    options.stop = &stopRequested();
    // Open-ended: :run decides how far each stretch goes, up to the most
    // steps a recording run may have.
    options.durationMs =
        static_cast<double>(model::maxRecordedSteps - 1) * model->run->dtMs;
    options.countRecordingsUpFront = false;
    auto start = std::chrono::steady_clock::now();
    sim = Simulation::create(*model, options, diags);
    if (!sim)
      return false;
    llvm::outs() << llvm::format(
        "compiled in %.3f s%s\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count(),
        sim->compileTimes().cacheHit ? " (from the compile cache)" : "");
    llvm::outs().flush(); // before a long :run, also into a pipe
    return true;
  }

  bool run(llvm::StringRef durationText) {
    std::optional<double> ms = durationText.empty()
                                   ? std::optional<double>(defaultRunMs)
                                   : parseTimeMs(durationText);
    if (!ms || *ms <= 0)
      return fail(durationText,
                  ":run needs a positive time such as 100 ms or 1 s");
    if (!ensureSimulation())
      return false;
    if (const RunStop *stop = sim->stopped()) {
      DiagnosticEngine diags = freshDiagnostics();
      diags.error(stop->where, stop->message());
      llvm::errs() << "(:reset starts again)\n";
      return false;
    }
    model::StepCount count = model::countSteps(*ms, sim->dtMs(), true);
    if (!count.ok())
      return fail(durationText, count.why);
    int64_t steps = count.steps;
    if (sim->stepsDone() + steps > sim->totalSteps()) {
      std::string end = llvm::formatv("this session ends at t = {0} ms ({1} "
                                      "steps); :reset starts again",
                                      sim->totalSteps() * sim->dtMs(),
                                      sim->totalSteps());
      if (sim->stepsDone() == sim->totalSteps())
        return fail(durationText, end);
      llvm::errs() << ":run: " << end << "\n";
    }
    int64_t first = sim->stepsDone();
    std::vector<size_t> before;
    for (const SpikeTrain &train : sim->spikes())
      before.push_back(train.steps.size());
    auto start = std::chrono::steady_clock::now();
    bool completed = sim->run(steps);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    // Ctrl-C: the stretch ends where the run stopped; the session goes on.
    bool interrupted = sim->stepsDone() < first + steps && stopSignal();
    clearStop();
    double stretchMs = (sim->stepsDone() - first) * sim->dtMs();
    llvm::outs() << llvm::format("t = %g ms (%lld steps in %.3f s)%s\n",
                                 sim->stepsDone() * sim->dtMs(),
                                 (long long)(sim->stepsDone() - first), seconds,
                                 interrupted ? ", interrupted" : "");
    for (size_t k = 0; k < sim->spikes().size(); ++k) {
      const SpikeTrain &train = sim->spikes()[k];
      size_t count = train.steps.size() - before[k];
      double rate = stretchMs > 0 ? count / (train.size * stretchMs) * 1e3 : 0;
      llvm::outs() << llvm::format(
          "  %-12s %8lld neurons %10zu spikes  rate %.4f Hz\n",
          label(sim->model(), train).c_str(), (long long)train.size, count,
          rate);
    }
    if (!completed) {
      DiagnosticEngine diags = freshDiagnostics();
      diags.error(sim->stopped()->where, sim->stopped()->message());
      llvm::errs() << "(:save keeps what was recorded; :reset starts again)\n";
    }
    return completed && !interrupted;
  }

  bool set(llvm::StringRef assignment) {
    if (assignment.empty())
      return fail(assignment,
                  ":set needs NAME=VALUE, such as :set N.V_th=-52 mV");
    DiagnosticEngine diags = freshDiagnostics();
    // Errors in the value point into the typed line.
    diags.setLineOrigins(
        "override",
        {{kTypedName, lineNumber, static_cast<unsigned>(column(assignment))}});
    std::vector<std::string> change = {assignment.str()};
    if (sim) {
      if (!sim->setParameters(change, diags))
        return false;
      llvm::outs() << "set, from the next step on (no recompile)\n";
    } else {
      std::optional<model::Model> model = currentModel(diags);
      if (!model || !applyOverrides(*model, change, diags))
        return false;
      llvm::outs() << "set, for the next :run\n";
    }
    overrides.push_back(assignment.str());
    return true;
  }

  bool state(llvm::StringRef args) {
    auto [qualified, range] = args.split(' ');
    auto [population, stateName] = qualified.split('.');
    if (population.empty() || stateName.empty())
      return fail(qualified, ":state needs POP.STATE, such as :state N.V 0:5");
    if (!sim)
      return fail(commandWord, "nothing has run yet (:run first)");
    std::vector<double> values = sim->stateValues(population, stateName);
    if (values.empty())
      return fail(qualified, "no state '" + qualified + "' in this model");
    int64_t begin = 0, end = std::min<int64_t>(values.size(), 10);
    if (!range.trim().empty()) {
      auto [from, to] = range.trim().split(':');
      if (from.getAsInteger(10, begin) || to.getAsInteger(10, end) ||
          begin < 0 || end > static_cast<int64_t>(values.size()) ||
          begin >= end)
        return fail(range.trim(), "the range must be a:b within 0:" +
                                      llvm::Twine(values.size()));
    }
    llvm::outs() << qualified << "[" << begin << ":" << end << "]"
                 << llvm::format(" at t = %g ms:",
                                 sim->stepsDone() * sim->dtMs());
    for (int64_t i = begin; i < end; ++i)
      llvm::outs() << llvm::format(" %.6g", values[i]);
    llvm::outs() << "\n";
    return true;
  }

  bool describe(bool summary) {
    DiagnosticEngine diags = freshDiagnostics();
    std::optional<model::Model> model = currentModel(diags);
    if (!model)
      return false;
    if (!overrides.empty() && !applyOverrides(*model, overrides, diags))
      return false;
    if (summary)
      model::printSummary(*model, llvm::outs());
    printParameters(*model, llvm::outs());
    return true;
  }

  /// The accepted text, each line with where it came from: the names and
  /// numbers errors use.
  void list() {
    llvm::StringRef rest(source);
    for (size_t number = 0; !rest.empty(); ++number) {
      auto [line, next] = rest.split('\n');
      std::string where = number < sourceOrigins.size()
                              ? sourceOrigins[number].file + ":" +
                                    std::to_string(sourceOrigins[number].line)
                              : "";
      llvm::outs() << llvm::format("%-12s ", where.c_str()) << line << "\n";
      rest = next;
    }
  }

  bool save(llvm::StringRef dir) {
    if (dir.empty())
      return fail(dir, ":save needs a directory");
    if (!sim)
      return fail(commandWord, "nothing has run yet (:run first)");
    DiagnosticEngine diags = freshDiagnostics();
    llvm::SMRange at = locate(diags, dir);
    if (!checkOutputDirectory(diags, dir.str(), at))
      return false;
    bool written = writeOutputs(diags, dir.str(), sim->stepsDone(), sim->dtMs(),
                                sim->spikes(), sim->stateTraces(), at);
    // A signal while writing: the files were discarded; at a terminal
    // Ctrl-C keeps the session, anything else ends it as it would have.
    if (int signal = stopSignal()) {
      if (!interactive || signal != SIGINT)
        exitBySignal(signal);
      clearStop();
    }
    return written;
  }

  /// `:plot [KIND] [DIR]`: the run so far saved, then drawn by the plot
  /// script (Plot.h), which prints the paths it wrote.
  bool plot(llvm::StringRef args) {
    auto [first, second] = args.split(' ');
    second = second.trim();
    llvm::StringRef kind, dir = "out";
    static constexpr llvm::StringLiteral kinds[] = {"raster", "rate",
                                                    "states", "isi"};
    if (llvm::is_contained(kinds, first)) {
      kind = first;
      if (!second.empty())
        dir = second;
    } else if (!first.empty()) {
      if (!second.empty())
        return fail(first, llvm::Twine("unknown plot kind '") + first +
                               "' (expected " + kPlotKinds + ")");
      dir = first;
    }
    if (!save(dir))
      return false;
    std::vector<std::string> options;
    if (!kind.empty())
      options = {"--kind", kind.str()};
    return runPlotScript(dir.str(), options, llvm::errs()) == 0;
  }

  llvm::SourceMgr sources;
  std::string name; ///< The model text's buffer: the loaded file, or <repl>.
  bool interactive;
  std::string source;                    ///< The accepted declarations.
  std::vector<LineOrigin> sourceOrigins; ///< Where each of its lines is from.
  std::string pending;                   ///< A block still open.
  std::vector<LineOrigin> pendingOrigins;
  unsigned pendingLine = 0;    ///< The session line the block starts on.
  int depth = 0;               ///< Its open braces.
  std::string typed;           ///< The line being handled.
  unsigned lineNumber = 0;     ///< Its number in the session.
  llvm::StringRef commandWord; ///< ":word" of a command, in `typed`.
  bool lastFailed = false;
  std::vector<std::string> overrides;
  std::unique_ptr<Simulation> sim;
  double defaultRunMs = 100;
};

/// Lines of standard input read with read(2) rather than a stream, so that
/// Ctrl-C at the prompt (a read interrupted by SIGINT, no SA_RESTART) can
/// discard the line instead of ending the input.
class TerminalReader {
public:
  enum class Result { Line, Interrupted, End };

  Result next(std::string &line) {
    while (true) {
      size_t newline = buffer.find('\n');
      if (newline != std::string::npos) {
        line = buffer.substr(0, newline);
        buffer.erase(0, newline + 1);
        return Result::Line;
      }
      char chunk[4096];
      ssize_t got = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (got > 0) {
        buffer.append(chunk, size_t(got));
        continue;
      }
      if (got < 0 && errno == EINTR) {
        if (!stopRequested().load())
          continue;
        clearStop();
        // What was typed but not entered goes too, also when the signal
        // did not come from the terminal (which flushes it itself).
        ::tcflush(STDIN_FILENO, TCIFLUSH);
        buffer.clear();
        return Result::Interrupted;
      }
      if (got == 0 && !buffer.empty()) {
        line = std::move(buffer);
        buffer.clear();
        return Result::Line;
      }
      return Result::End;
    }
  }

private:
  std::string buffer;
};

} // namespace

int snnc::tool::runRepl(llvm::StringRef file, std::istream &in,
                        bool interactive) {
  Repl repl(file.empty() ? kTypedName : file.str(), interactive);
  if (!file.empty()) {
    // Read as the front end reads files: bounded, regular files only.
    llvm::SourceMgr readSources;
    DiagnosticEngine readDiags(readSources);
    std::unique_ptr<llvm::MemoryBuffer> contents =
        readSourceFile(file, llvm::SMRange(), readDiags);
    if (!contents)
      return 1;
    if (!repl.load(file, contents->getBuffer().str()))
      return 1;
    llvm::outs() << "loaded " << file << "\n";
  }
  if (!interactive) {
    // From a pipe or a file: signals keep their usual meaning (but never
    // cut a :save short, Reporting.h); the status is the last command's.
    std::string input;
    while (std::getline(in, input) && repl.line(input))
      llvm::outs().flush();
    return repl.finish();
  }

  // At a terminal, Ctrl-C belongs to the session: it stops a :run and
  // discards a line being typed. SIGTERM still ends it.
  InterruptScope interrupts({/*terminate=*/false, /*interruptReads=*/true,
                             /*secondEnds=*/false});
  llvm::outs() << "snnc repl: declarations and :commands (:help)\n";
  TerminalReader reader;
  std::string input;
  while (true) {
    llvm::outs() << repl.prompt();
    llvm::outs().flush();
    TerminalReader::Result result = reader.next(input);
    if (result == TerminalReader::Result::End)
      break;
    if (result == TerminalReader::Result::Interrupted) {
      repl.discardInput();
      llvm::outs() << "\n";
      continue;
    }
    if (!repl.line(input))
      break;
    // A Ctrl-C during a command that is not a :run has nothing left to
    // stop.
    clearStop();
    llvm::outs().flush();
  }
  repl.finish();
  llvm::outs() << "\n";
  return 0;
}
