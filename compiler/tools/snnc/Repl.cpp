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
//===----------------------------------------------------------------------===//

#include "Repl.h"

#include "Reporting.h"

#include "snnc/Simulation.h"
#include "snnc/compiler/Parameters.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
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
  :reset            the next :run starts again from t = 0
  :help             this text
  :quit             leave (so does the end of the input)
)";

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

  /// Adds `text` (a file's contents or typed declarations) if the model
  /// with it checks; reports why not otherwise.
  bool addDeclarations(const std::string &text) {
    DiagnosticEngine diags = freshDiagnostics();
    std::optional<model::Model> checked =
        loadModelFromString(source + text, name, diags);
    if (!checked)
      return false;
    source += text;
    if (sim) {
      sim.reset();
      llvm::outs() << "(the model changed: the next :run starts at t = 0)\n";
    }
    return true;
  }

  /// Handles one input line; false on :quit.
  bool line(const std::string &input) {
    llvm::StringRef text(input);
    if (pending.empty() && text.ltrim().starts_with(":"))
      return command(text.trim().drop_front());
    if (pending.empty() && !hasContent(text))
      return true;
    pending += input + "\n";
    depth += braceBalance(text);
    if (depth > 0)
      return true;
    std::string declaration = std::move(pending);
    pending.clear();
    depth = 0;
    addDeclarations(declaration);
    return true;
  }

  const char *prompt() const { return pending.empty() ? "snnc> " : "  ... "; }

  /// At the end of the input: a block left open is reported, not dropped
  /// silently.
  void finish() {
    if (!pending.empty())
      llvm::errs() << "snnc: the input ended inside a declaration (a '}' "
                      "is missing); it was not added\n";
  }

private:
  DiagnosticEngine freshDiagnostics() {
    DiagnosticEngine diags(sources);
    diags.setUseColor(llvm::sys::Process::StandardErrHasColors());
    return diags;
  }

  bool command(llvm::StringRef text) {
    auto [word, rest] = text.split(' ');
    rest = rest.trim();
    if (word == "quit" || word == "q" || word == "exit")
      return false;
    if (word == "help" || word == "h")
      llvm::outs() << helpText;
    else if (word == "run")
      run(rest);
    else if (word == "set")
      set(rest);
    else if (word == "state")
      state(rest);
    else if (word == "values" || word == "check")
      describe(word == "check");
    else if (word == "list")
      list();
    else if (word == "save")
      save(rest);
    else if (word == "reset") {
      sim.reset();
      llvm::outs() << "the next :run starts at t = 0\n";
    } else
      llvm::errs() << "unknown command ':" << word << "' (:help lists them)\n";
    return true;
  }

  /// The model as it stands, or null after reporting why there is none.
  std::optional<model::Model> currentModel(DiagnosticEngine &diags) {
    if (source.empty()) {
      llvm::errs() << "no model yet: declare a neuron and a population "
                      "first (:help)\n";
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
    return true;
  }

  void run(llvm::StringRef durationText) {
    std::optional<double> ms = durationText.empty()
                                   ? std::optional<double>(defaultRunMs)
                                   : parseTimeMs(durationText);
    if (!ms || *ms <= 0) {
      llvm::errs() << ":run needs a positive time such as 100 ms or 1 s\n";
      return;
    }
    if (!ensureSimulation())
      return;
    model::StepCount count = model::countSteps(*ms, sim->dtMs(), true);
    if (!count.ok()) {
      llvm::errs() << ":run: " << count.why << "\n";
      return;
    }
    int64_t steps = count.steps;
    if (sim->stepsDone() + steps > sim->totalSteps()) {
      llvm::errs() << llvm::format(
          ":run: this session ends at t = %g ms (%lld steps); :reset starts "
          "again\n",
          sim->totalSteps() * sim->dtMs(), (long long)sim->totalSteps());
      if (sim->stepsDone() == sim->totalSteps())
        return;
    }
    int64_t first = sim->stepsDone();
    std::vector<size_t> before;
    for (const SpikeTrain &train : sim->spikes())
      before.push_back(train.steps.size());
    auto start = std::chrono::steady_clock::now();
    sim->run(steps);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    double stretchMs = (sim->stepsDone() - first) * sim->dtMs();
    llvm::outs() << llvm::format(
        "t = %g ms (%lld steps in %.3f s)\n", sim->stepsDone() * sim->dtMs(),
        (long long)(sim->stepsDone() - first), seconds);
    for (size_t k = 0; k < sim->spikes().size(); ++k) {
      const SpikeTrain &train = sim->spikes()[k];
      size_t count = train.steps.size() - before[k];
      double rate = stretchMs > 0 ? count / (train.size * stretchMs) * 1e3 : 0;
      llvm::outs() << llvm::format(
          "  %-12s %8lld neurons %10zu spikes  rate %.4f Hz\n",
          label(sim->model(), train).c_str(), (long long)train.size, count,
          rate);
    }
  }

  void set(llvm::StringRef assignment) {
    if (assignment.empty()) {
      llvm::errs() << ":set needs NAME=VALUE, such as :set N.V_th=-52 mV\n";
      return;
    }
    DiagnosticEngine diags = freshDiagnostics();
    std::vector<std::string> change = {assignment.str()};
    if (sim) {
      if (!sim->setParameters(change, diags))
        return;
      llvm::outs() << "set, from the next step on (no recompile)\n";
    } else {
      std::optional<model::Model> model = currentModel(diags);
      if (!model || !applyOverrides(*model, change, diags))
        return;
      llvm::outs() << "set, for the next :run\n";
    }
    overrides.push_back(assignment.str());
  }

  void state(llvm::StringRef args) {
    auto [qualified, range] = args.split(' ');
    auto [population, stateName] = qualified.split('.');
    if (population.empty() || stateName.empty()) {
      llvm::errs() << ":state needs POP.STATE, such as :state N.V 0:5\n";
      return;
    }
    if (!sim) {
      llvm::errs() << "nothing has run yet (:run first)\n";
      return;
    }
    std::vector<double> values = sim->stateValues(population, stateName);
    if (values.empty()) {
      llvm::errs() << "no state '" << qualified << "' in this model\n";
      return;
    }
    int64_t begin = 0, end = std::min<int64_t>(values.size(), 10);
    if (!range.trim().empty()) {
      auto [from, to] = range.trim().split(':');
      if (from.getAsInteger(10, begin) || to.getAsInteger(10, end) ||
          begin < 0 || end > static_cast<int64_t>(values.size()) ||
          begin >= end) {
        llvm::errs() << "the range must be a:b within 0:" << values.size()
                     << "\n";
        return;
      }
    }
    llvm::outs() << qualified << "[" << begin << ":" << end << "]"
                 << llvm::format(" at t = %g ms:",
                                 sim->stepsDone() * sim->dtMs());
    for (int64_t i = begin; i < end; ++i)
      llvm::outs() << llvm::format(" %.6g", values[i]);
    llvm::outs() << "\n";
  }

  void describe(bool summary) {
    DiagnosticEngine diags = freshDiagnostics();
    std::optional<model::Model> model = currentModel(diags);
    if (!model)
      return;
    if (!overrides.empty() && !applyOverrides(*model, overrides, diags))
      return;
    if (summary)
      model::printSummary(*model, llvm::outs());
    printParameters(*model, llvm::outs());
  }

  void list() {
    llvm::StringRef rest(source);
    for (int number = 1; !rest.empty(); ++number) {
      auto [line, next] = rest.split('\n');
      llvm::outs() << llvm::format("%4d  ", number) << line << "\n";
      rest = next;
    }
  }

  void save(llvm::StringRef dir) {
    if (dir.empty()) {
      llvm::errs() << ":save needs a directory\n";
      return;
    }
    if (!sim) {
      llvm::errs() << "nothing has run yet (:run first)\n";
      return;
    }
    DiagnosticEngine diags = freshDiagnostics();
    writeOutputs(diags, dir.str(), sim->stepsDone(), sim->dtMs(), sim->spikes(),
                 sim->stateTraces());
  }

  llvm::SourceMgr sources;
  std::string name;
  bool interactive;
  std::string source;  ///< The accepted declarations.
  std::string pending; ///< A block still open.
  int depth = 0;       ///< Its open braces.
  std::vector<std::string> overrides;
  std::unique_ptr<Simulation> sim;
  double defaultRunMs = 100;
};

} // namespace

int snnc::tool::runRepl(llvm::StringRef file, std::istream &in,
                        bool interactive) {
  Repl repl(file.empty() ? "repl" : file.str(), interactive);
  if (!file.empty()) {
    // Read as the front end reads files: bounded, regular files only.
    llvm::SourceMgr readSources;
    DiagnosticEngine readDiags(readSources);
    std::unique_ptr<llvm::MemoryBuffer> contents =
        readSourceFile(file, llvm::SMRange(), readDiags);
    if (!contents)
      return 1;
    if (!repl.addDeclarations(contents->getBuffer().str()))
      return 1;
    llvm::outs() << "loaded " << file << "\n";
  }
  if (interactive)
    llvm::outs() << "snnc repl: declarations and :commands (:help)\n";
  std::string input;
  while (true) {
    if (interactive) {
      llvm::outs() << repl.prompt();
      llvm::outs().flush();
    }
    if (!std::getline(in, input))
      break;
    if (!repl.line(input))
      break;
    llvm::outs().flush();
  }
  repl.finish();
  if (interactive)
    llvm::outs() << "\n";
  return 0;
}
