//===- bench_coba.cpp - The seed model at several sizes, side by side -----===//
//
// snnc-bench: the benchmark of the seed model (COBA E/I, examples/coba.snn)
// at several network sizes. For each size it runs, each in a child process
// of its own so that peak memory is measured per run and nothing is shared:
// snnc (this program re-executed with --child-snnc: the model text with the
// size substituted, parsed and compiled through the library API, then run),
// the hand-written C++ loop (snnc-bench-handwritten, built next to this
// program), and optionally Brian2's C++ standalone mode
// (bench/brian2/coba_brian2.py under /usr/bin/python3) and BrainPy
// (bench/brainpy/coba_brainpy.py: brainpy.state on JAX's CPU backend, under
// the virtual environment of bench/brainpy/setup-venv.sh). It reports the time
// to get ready (parse, connectivity, code generation), simulation time per
// biological second (best of --repeat runs), synaptic events per second,
// peak resident memory, spike counts and rates, and ratios to the
// hand-written loop. Not a test: nothing here is timed under ctest.
//
//===----------------------------------------------------------------------===//

#include "snnc/Simulation.h"
#include "snnc/dsl/Frontend.h"

#include "llvm/Support/SourceMgr.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace snnc;

namespace {

constexpr int64_t kTargetsPerSource = 80;

struct Options {
  std::vector<int64_t> sizes = {4000, 40000, 400000};
  double durationMs = 1000;
  int repeat = 3;
  uint64_t seed = 42;
  bool brian2 = false;
  bool brainpy = false;
  bool verify = false;
  /// Thread counts snnc (and Brian2, with OpenMP) run with, one row each.
  std::vector<int64_t> threads = {1};
  std::string model = SNNC_SOURCE_DIR "/examples/coba.snn";
  std::string brian2Script = SNNC_SOURCE_DIR "/bench/brian2/coba_brian2.py";
  std::string python = "/usr/bin/python3";
  std::string brainpyScript = SNNC_SOURCE_DIR "/bench/brainpy/coba_brainpy.py";
  std::string brainpyPython =
      SNNC_SOURCE_DIR "/build-bench/brainpy-venv/bin/python";
  int64_t childSize = 0; ///< > 0: run snnc at this size and print fields.
  int childThreads = 1;
};

const char *const usageText = R"(usage: snnc-bench [options]

The seed model (examples/coba.snn: COBA E/I, 80 targets per source, 80%
excitatory) at several sizes: snnc, the hand-written C++ loop and, with
--brian2 and --brainpy, Brian2's cpp_standalone and BrainPy (brainpy.state,
JAX on the CPU), each size and engine in its own process.

  --sizes N,N,...   neuron counts (default 4000,40000,400000)
  --duration T      biological time, e.g. 1s, 200ms (default 1s)
  --repeat R        simulation runs per engine and size; the best counts
                    (default 3)
  --seed S          network seed (default 42)
  --threads T,T,... thread counts for snnc and Brian2 (OpenMP), a row each
                    (default 1; the hand-written loop and BrainPy: one)
  --brian2          also run Brian2 (Debian's python3-brian, /usr/bin/python3)
  --brainpy         also run BrainPy (the environment of
                    bench/brainpy/setup-venv.sh)
  --verify          also run the hand-written loop in its exact variant
                    (snnc's rounding) and compare spike trains bit for bit
  --model FILE      the seed model to resize (default examples/coba.snn)
  --python PATH     the Python that runs Brian2 (default /usr/bin/python3)
  --brainpy-python PATH
                    the Python that runs BrainPy (default
                    build-bench/brainpy-venv/bin/python in the source tree)
)";

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// A time such as "1s", "200ms" or "500" (milliseconds).
std::optional<double> parseTimeMs(const std::string &text) {
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(value >= 0) || !std::isfinite(value))
    return std::nullopt;
  std::string unit(end);
  if (unit.empty() || unit == "ms")
    return value;
  if (unit == "s")
    return value * 1e3;
  return std::nullopt;
}

/// A comma-separated list of whole numbers in [low, high].
std::optional<std::vector<int64_t>> parseCounts(const std::string &text,
                                                int64_t low, int64_t high) {
  std::vector<int64_t> sizes;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    char *end = nullptr;
    long long n = std::strtoll(item.c_str(), &end, 10);
    if (end == item.c_str() || *end || n < low || n > high)
      return std::nullopt;
    sizes.push_back(n);
  }
  if (sizes.empty())
    return std::nullopt;
  return sizes;
}

/// Parses the command line; returns an error message, "" on success.
std::string parseArgs(int argc, char **argv, Options &options) {
  for (int a = 1; a < argc; ++a) {
    std::string arg = argv[a];
    auto next = [&]() -> const char * {
      return a + 1 < argc ? argv[++a] : nullptr;
    };
    if (arg == "--brian2") {
      options.brian2 = true;
    } else if (arg == "--brainpy") {
      options.brainpy = true;
    } else if (arg == "--verify") {
      options.verify = true;
    } else if (arg == "--sizes") {
      const char *value = next();
      std::optional<std::vector<int64_t>> sizes =
          value ? parseCounts(value, 100, 20000000) : std::nullopt;
      if (!sizes)
        return "--sizes needs neuron counts such as 4000,40000 (100 to 2e7)";
      options.sizes = *sizes;
    } else if (arg == "--threads" || arg == "--child-threads") {
      const char *value = next();
      std::optional<std::vector<int64_t>> threads =
          value ? parseCounts(value, 1, 256) : std::nullopt;
      if (!threads)
        return arg + " needs thread counts such as 1,2 (1 to 256)";
      if (arg == "--threads")
        options.threads = *threads;
      else
        options.childThreads = static_cast<int>(threads->front());
    } else if (arg == "--duration") {
      const char *value = next();
      std::optional<double> ms = value ? parseTimeMs(value) : std::nullopt;
      if (!ms || *ms <= 0)
        return "--duration needs a time such as 1s or 200ms";
      options.durationMs = *ms;
    } else if (arg == "--repeat" || arg == "--seed" || arg == "--child-snnc") {
      const char *value = next();
      char *end = nullptr;
      unsigned long long n = value ? std::strtoull(value, &end, 10) : 0;
      if (!value || end == value || *end || (arg == "--repeat" && n < 1) ||
          (arg == "--repeat" && n > 1000) || (arg == "--child-snnc" && n < 5))
        return arg + " needs a positive integer";
      if (arg == "--repeat")
        options.repeat = static_cast<int>(n);
      else if (arg == "--seed")
        options.seed = n;
      else
        options.childSize = static_cast<int64_t>(n);
    } else if (arg == "--model" || arg == "--python" ||
               arg == "--brainpy-python") {
      const char *value = next();
      if (!value)
        return arg + " needs a path";
      (arg == "--model"    ? options.model
       : arg == "--python" ? options.python
                           : options.brainpyPython) = value;
    } else {
      return "unknown argument '" + arg + "'";
    }
  }
  return "";
}

bool readFile(const std::string &path, std::string &out) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return false;
  std::stringstream buffer;
  buffer << file.rdbuf();
  out = buffer.str();
  return true;
}

/// Replaces the one occurrence of `from` in `text`; false if there is not
/// exactly one.
bool replaceOnce(std::string &text, const std::string &from,
                 const std::string &to) {
  size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos)
    return false;
  text.replace(at, from.size(), to);
  return true;
}

/// The seed model with `n` neurons, 80% of them excitatory: the population
/// size and the two projections' source slices substituted.
std::optional<std::string> resizedModel(std::string text, int64_t n,
                                        std::string &error) {
  std::string size = std::to_string(n), excitatory = std::to_string(n * 4 / 5);
  if (!replaceOnce(text, "LIFRef(4000)", "LIFRef(" + size + ")") ||
      !replaceOnce(text, "N[0:3200]", "N[0:" + excitatory + "]") ||
      !replaceOnce(text, "N[3200:4000]",
                   "N[" + excitatory + ":" + size + "]")) {
    error = "the model does not look like the seed model: expected "
            "'LIFRef(4000)', 'N[0:3200]' and 'N[3200:4000]' once each";
    return std::nullopt;
  }
  return text;
}

/// Peak resident memory of this process in KiB (VmHWM), 0 if unknown.
long peakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

/// FNV-1a over (step, neuron) pairs in spike order, as the hand-written
/// loop computes it: equal for equal spike trains.
uint64_t checksum(const SpikeTrain &train) {
  uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&](uint32_t value) {
    for (int b = 0; b < 4; ++b) {
      hash ^= (value >> (8 * b)) & 0xffu;
      hash *= 0x100000001b3ull;
    }
  };
  for (size_t s = 0; s < train.steps.size(); ++s) {
    mix(static_cast<uint32_t>(train.steps[s]));
    mix(static_cast<uint32_t>(train.indices[s] + train.begin));
  }
  return hash;
}

/// The child: snnc on the seed model with `options.childSize` neurons,
/// `repeat` times from the text (parse, create, run), fields on stdout.
int runSnncChild(const Options &options) {
  std::string seedText, error;
  if (!readFile(options.model, seedText)) {
    std::fprintf(stderr, "snnc-bench: cannot read %s\n", options.model.c_str());
    return 1;
  }
  std::optional<std::string> text =
      resizedModel(seedText, options.childSize, error);
  if (!text) {
    std::fprintf(stderr, "snnc-bench: %s: %s\n", options.model.c_str(),
                 error.c_str());
    return 1;
  }
  std::string name = "coba-" + std::to_string(options.childSize) + ".snn";
  double firstReady = 0, bestReady = std::numeric_limits<double>::infinity();
  double bestSim = std::numeric_limits<double>::infinity();
  CompileTimes firstTimes;
  double firstParse = 0;
  int64_t spikes = -1, steps = 0;
  double dtMs = 0;
  uint64_t hash = 0;
  bool deterministic = true;
  std::string runs;
  for (int r = 0; r < options.repeat; ++r) {
    llvm::SourceMgr sources;
    DiagnosticEngine diags(sources);
    auto start = std::chrono::steady_clock::now();
    std::optional<model::Model> model = loadModelFromString(*text, name, diags);
    if (!model)
      return 1;
    double parse = secondsSince(start);
    SimulationOptions simOptions;
    simOptions.seed = options.seed;
    simOptions.durationMs = options.durationMs;
    simOptions.showProgress = false;
    simOptions.threads = options.childThreads;
    std::unique_ptr<Simulation> sim =
        Simulation::create(*model, simOptions, diags);
    if (!sim)
      return 1;
    double ready = secondsSince(start);
    auto simStart = std::chrono::steady_clock::now();
    sim->run(sim->totalSteps());
    double simSeconds = secondsSince(simStart);

    if (sim->spikes().size() != 1) {
      std::fprintf(stderr, "snnc-bench: expected one spike record\n");
      return 1;
    }
    const SpikeTrain &train = sim->spikes().front();
    int64_t count = static_cast<int64_t>(train.steps.size());
    uint64_t trainHash = checksum(train);
    if (r == 0) {
      firstReady = ready;
      firstTimes = sim->compileTimes();
      firstParse = parse;
      spikes = count;
      hash = trainHash;
      steps = sim->totalSteps();
      dtMs = sim->dtMs();
    } else if (count != spikes || trainHash != hash) {
      deterministic = false;
    }
    bestReady = std::min(bestReady, ready);
    bestSim = std::min(bestSim, simSeconds);
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%s%.6f", r ? "," : "", simSeconds);
    runs += buffer;
  }
  // The runs' peak memory, before the cache measurement below adds to it.
  long peakKb = peakRssKb();
  // Text to first step from the persistent compile cache: the program is
  // compiled once into a fresh cache, then created again from it.
  double cachedReady = NAN, cachedCompile = NAN;
  char cacheDir[] = "/tmp/snnc-bench-cache-XXXXXX";
  if (mkdtemp(cacheDir)) {
    for (int pass = 0; pass < 2; ++pass) {
      llvm::SourceMgr sources;
      DiagnosticEngine diags(sources);
      auto start = std::chrono::steady_clock::now();
      std::optional<model::Model> model =
          loadModelFromString(*text, name, diags);
      if (!model)
        return 1;
      SimulationOptions simOptions;
      simOptions.seed = options.seed;
      simOptions.durationMs = options.durationMs;
      simOptions.showProgress = false;
      simOptions.threads = options.childThreads;
      simOptions.cacheDirectory = cacheDir;
      std::unique_ptr<Simulation> sim =
          Simulation::create(*model, simOptions, diags);
      if (!sim)
        return 1;
      if (pass == 1 && sim->compileTimes().cacheHit) {
        cachedReady = secondsSince(start);
        const CompileTimes &times = sim->compileTimes();
        cachedCompile = times.codegen + times.jit;
      }
    }
    std::error_code ignored;
    std::filesystem::remove_all(cacheDir, ignored);
  }

  double simMs = steps * dtMs;
  std::printf("neurons %lld\n", static_cast<long long>(options.childSize));
  std::printf("steps %lld\n", static_cast<long long>(steps));
  std::printf("spikes %lld\n", static_cast<long long>(spikes));
  std::printf("rate_hz %.4f\n",
              simMs > 0 ? spikes / (double(options.childSize) * simMs) * 1e3
                        : 0.0);
  std::printf("checksum %016llx\n", static_cast<unsigned long long>(hash));
  std::printf("deterministic %d\n", deterministic ? 1 : 0);
  std::printf("ready_s %.6f\n", firstReady);
  std::printf("ready_best_s %.6f\n", bestReady);
  std::printf("ready_cached_s %.6f\n", cachedReady);
  std::printf("compile_cached_s %.6f\n", cachedCompile);
  std::printf("parse_s %.6f\n", firstParse);
  std::printf("network_s %.6f\n", firstTimes.network);
  std::printf("codegen_s %.6f\n", firstTimes.codegen);
  std::printf("jit_s %.6f\n", firstTimes.jit);
  std::printf("setup_s %.6f\n", firstTimes.setup);
  std::printf("sim_s %.6f\n", bestSim);
  std::printf("sim_runs_s %s\n", runs.c_str());
  std::printf("peak_rss_kb %ld\n", peakKb);
  return 0;
}

using Fields = std::map<std::string, std::string>;

struct ChildResult {
  bool ok = false;
  std::string why; ///< Why not ok.
  Fields fields;
  double get(const std::string &key, double fallback = NAN) const {
    auto it = fields.find(key);
    if (it == fields.end())
      return fallback;
    char *end = nullptr;
    double value = std::strtod(it->second.c_str(), &end);
    return end == it->second.c_str() ? fallback : value;
  }
  std::string str(const std::string &key) const {
    auto it = fields.find(key);
    return it == fields.end() ? "" : it->second;
  }
};

/// Runs `argv` (argv[0] is a path) in a child process, its stdout read as
/// "key value" lines; stderr passes through.
ChildResult runChild(const std::vector<std::string> &argv) {
  ChildResult result;
  int fds[2];
  if (pipe(fds) != 0) {
    result.why = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    result.why = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return result;
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char *> args;
    for (const std::string &arg : argv)
      args.push_back(const_cast<char *>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::fprintf(stderr, "snnc-bench: cannot run %s: %s\n", args[0],
                 std::strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  std::string output;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fds[0], buffer, sizeof(buffer))) != 0) {
    if (got < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    output.append(buffer, static_cast<size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::stringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    size_t space = line.find(' ');
    if (space != std::string::npos && space > 0)
      result.fields[line.substr(0, space)] = line.substr(space + 1);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    result.ok = true;
  } else {
    result.why = WIFEXITED(status)
                     ? "exit status " + std::to_string(WEXITSTATUS(status))
                     : "killed by signal " + std::to_string(WTERMSIG(status));
  }
  return result;
}

std::string selfPath() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n <= 0)
    return "";
  return std::string(buffer, static_cast<size_t>(n));
}

std::string cpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown CPU";
}

/// One row of the results table.
struct Row {
  std::string engine;
  ChildResult result;
  double setup = NAN, compile = NAN, ready = NAN;
};

/// snnc rows are "snnc" (one thread) and "snnc-<T>t".
bool isSnnc(const Row &row) { return row.engine.rfind("snnc", 0) == 0; }

/// Engine names with their thread count: "snnc", "snnc-2t".
std::string withThreads(const std::string &engine, int64_t threads) {
  return threads == 1 ? engine : engine + "-" + std::to_string(threads) + "t";
}

std::string fmt(const char *format, double value) {
  if (std::isnan(value))
    return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

void printTable(const Options &options,
                const std::vector<std::pair<int64_t, std::vector<Row>>> &all) {
  double bioSeconds = options.durationMs / 1e3;
  std::printf("\n%8s  %-17s %8s %8s %8s %8s %10s %10s %8s %10s %8s %8s  %s\n",
              "N", "engine", "setup_s", "compile", "ready_s", "cached_s",
              "sim_s/bio_s", "events/s", "peak_MB", "spikes", "rate_Hz",
              "x_hand", "spikes vs snnc");
  for (const auto &[n, rows] : all) {
    const Row *snncRow = nullptr, *handRow = nullptr;
    for (const Row &row : rows) {
      if (isSnnc(row) && row.result.ok && !snncRow)
        snncRow = &row;
      if (row.engine == "handwritten" && row.result.ok)
        handRow = &row;
    }
    for (const Row &row : rows) {
      // snnc on T threads against the hand-written loop on T threads.
      const Row *yardstick = handRow;
      std::string suffix = row.engine.substr(
          std::min(row.engine.size(), row.engine.find('-') == std::string::npos
                                          ? row.engine.size()
                                          : row.engine.rfind('-')));
      if (isSnnc(row) && !suffix.empty())
        for (const Row &other : rows)
          if (other.engine == "handwritten" + suffix && other.result.ok)
            yardstick = &other;
      double handSim = yardstick ? yardstick->result.get("sim_s") : NAN;
      if (!row.result.ok) {
        std::printf("%8lld  %-17s failed: %s\n", static_cast<long long>(n),
                    row.engine.c_str(), row.result.why.c_str());
        continue;
      }
      double sim = row.result.get("sim_s");
      double spikes = row.result.get("spikes");
      double events = spikes * kTargetsPerSource / sim;
      std::string match = "-";
      if (snncRow && &row != snncRow) {
        double snncSpikes = snncRow->result.get("spikes");
        if (row.result.str("checksum") != "" &&
            row.result.str("checksum") == snncRow->result.str("checksum"))
          match = "identical trains";
        else if (spikes == snncSpikes)
          match = "same count";
        else
          match = fmt("%+.0f", spikes - snncSpikes) + " (" +
                  fmt("%+.3f%%", (spikes - snncSpikes) / snncSpikes * 100) +
                  ")";
        // Brian2 and BrainPy draw their own networks from NumPy's generator.
        if (row.engine.rfind("brian2", 0) == 0 || row.engine == "brainpy")
          match += ", own network";
      }
      double cached = isSnnc(row) ? row.result.get("ready_cached_s") : NAN;
      std::printf(
          "%8lld  %-17s %8s %8s %8s %8s %10s %10s %8s %10s %8s %8s  %s\n",
          static_cast<long long>(n), row.engine.c_str(),
          fmt("%.3f", row.setup).c_str(), fmt("%.3f", row.compile).c_str(),
          fmt("%.3f", row.ready).c_str(), fmt("%.3f", cached).c_str(),
          fmt("%.4f", sim / bioSeconds).c_str(), fmt("%.2e", events).c_str(),
          fmt("%.1f", row.result.get("peak_rss_kb") / 1024).c_str(),
          fmt("%.0f", spikes).c_str(),
          fmt("%.4f", row.result.get("rate_hz")).c_str(),
          fmt("%.2f", sim / handSim).c_str(), match.c_str());
    }
  }
}

/// Every other engine's simulation time over each snnc row's, per size: how
/// many times faster snnc is (below 1: slower).
void printRatios(const std::vector<std::pair<int64_t, std::vector<Row>>> &all) {
  std::printf("\nRatios (the other engine's sim time / snnc's; > 1: snnc "
              "faster):\n");
  for (const auto &[n, rows] : all)
    for (const Row &mine : rows) {
      if (!isSnnc(mine) || !mine.result.ok)
        continue;
      std::printf("  N=%-8lld %-9s", static_cast<long long>(n),
                  mine.engine.c_str());
      for (const Row &other : rows)
        if (&other != &mine && other.result.ok)
          std::printf(
              "  %s %s", other.engine.c_str(),
              fmt("%.2f", other.result.get("sim_s") / mine.result.get("sim_s"))
                  .c_str());
      std::printf("\n");
    }
}

/// Human-readable detail of each run (for the README and for debugging).
void printDetails(
    const std::vector<std::pair<int64_t, std::vector<Row>>> &all) {
  std::printf("\nDetails (seconds; sim runs in order):\n");
  for (const auto &[n, rows] : all)
    for (const Row &row : rows) {
      if (!row.result.ok)
        continue;
      const ChildResult &r = row.result;
      std::printf("  N=%-8lld %-17s", static_cast<long long>(n),
                  row.engine.c_str());
      if (isSnnc(row))
        std::printf(" parse %.3f network %.3f codegen %.3f jit %.3f "
                    "setup %.3f (best ready %.3f); from the compile cache: "
                    "ready %.3f, of which compile %.4f",
                    r.get("parse_s"), r.get("network_s"), r.get("codegen_s"),
                    r.get("jit_s"), r.get("setup_s"), r.get("ready_best_s"),
                    r.get("ready_cached_s"), r.get("compile_cached_s"));
      else if (row.engine.rfind("brian2", 0) == 0)
        std::printf(" %s %s: python model %.3f, code generation + make "
                    "%.3f, binary wall %.3f",
                    r.str("brian2_version").c_str(), r.str("precision").c_str(),
                    r.get("python_setup_s"), r.get("build_s"),
                    r.get("binary_wall_s"));
      else if (row.engine == "brainpy")
        std::printf(" %s (jax %s) %s, %s: imports %.3f, model %.3f, trace "
                    "%.3f, lower %.3f, XLA compile %.3f, Numba compile %.3f; "
                    "warm-up run %.3f; best run's CPU time %.3f",
                    r.str("brainpy_version").c_str(),
                    r.str("jax_version").c_str(), r.str("precision").c_str(),
                    r.str("record").c_str(), r.get("import_s"),
                    r.get("setup_s"), r.get("trace_s"), r.get("lower_s"),
                    r.get("xla_compile_s"), r.get("numba_compile_s"),
                    r.get("first_run_s"), r.get("sim_cpu_s"));
      else
        std::printf(" connectivity + initial state %.3f", r.get("setup_s"));
      std::printf("; sim runs %s%s\n", r.str("sim_runs_s").c_str(),
                  r.str("deterministic") == "0" ? " (NOT deterministic)" : "");
    }
}

int runBenchmark(const Options &options, int argc, char **argv) {
  std::string self = selfPath();
  if (self.empty()) {
    std::fprintf(stderr, "snnc-bench: cannot find its own executable\n");
    return 1;
  }
  std::string dir = self.substr(0, self.rfind('/'));
  std::string handwritten = dir + "/snnc-bench-handwritten";
  if (access(handwritten.c_str(), X_OK) != 0) {
    std::fprintf(stderr,
                 "snnc-bench: %s is missing (build it: ninja "
                 "snnc-bench-handwritten)\n",
                 handwritten.c_str());
    return 1;
  }
  bool brian2 = options.brian2;
  if (brian2) {
    ChildResult probe = runChild({options.python, "-c",
                                  "import brian2; print('version', "
                                  "brian2.__version__)"});
    if (!probe.ok) {
      std::fprintf(stderr,
                   "snnc-bench: Brian2 is not importable by %s; skipping it "
                   "(on Debian: apt-get install -y python3-brian)\n",
                   options.python.c_str());
      brian2 = false;
    } else {
      std::fprintf(stderr, "snnc-bench: Brian2 %s\n",
                   probe.str("version").c_str());
    }
  }
  bool brainpy = options.brainpy;
  if (brainpy) {
    // The environment is optional: without it the other engines still run.
    const char *setup = "bench/brainpy/setup-venv.sh";
    if (access(options.brainpyPython.c_str(), X_OK) != 0) {
      std::fprintf(stderr,
                   "snnc-bench: %s is missing; skipping BrainPy (create "
                   "its environment with %s, or name a Python with "
                   "--brainpy-python)\n",
                   options.brainpyPython.c_str(), setup);
      brainpy = false;
    } else {
      ChildResult probe =
          runChild({options.brainpyPython, "-c",
                    "import jax, numba, brainevent, brainstate, braintools, "
                    "brainunit, brainpy.state, brainpy; print('version', "
                    "brainpy.__version__); print('jax', jax.__version__)"});
      if (!probe.ok) {
        std::fprintf(stderr,
                     "snnc-bench: BrainPy is not importable by %s; skipping "
                     "it (install it with %s)\n",
                     options.brainpyPython.c_str(), setup);
        brainpy = false;
      } else {
        std::fprintf(stderr, "snnc-bench: BrainPy %s, JAX %s\n",
                     probe.str("version").c_str(), probe.str("jax").c_str());
      }
    }
  }

  std::string command = "snnc-bench";
  for (int a = 1; a < argc; ++a)
    command += std::string(" ") + argv[a];
  std::string duration = std::to_string(options.durationMs);
  std::string repeat = std::to_string(options.repeat);
  std::string seed = std::to_string(options.seed);

  std::vector<std::pair<int64_t, std::vector<Row>>> all;
  for (int64_t n : options.sizes) {
    std::string size = std::to_string(n);
    std::vector<Row> rows;
    auto report = [&](const Row &row) {
      if (row.result.ok)
        std::fprintf(stderr, "  N=%lld %s: sim %.3f s, %s spikes\n",
                     static_cast<long long>(n), row.engine.c_str(),
                     row.result.get("sim_s"), row.result.str("spikes").c_str());
      else
        std::fprintf(stderr, "  N=%lld %s failed: %s\n",
                     static_cast<long long>(n), row.engine.c_str(),
                     row.result.why.c_str());
    };

    for (int64_t threads : options.threads) {
      Row snncRow;
      snncRow.engine = withThreads("snnc", threads);
      snncRow.result =
          runChild({self, "--child-snnc", size, "--child-threads",
                    std::to_string(threads), "--duration", duration, "--repeat",
                    repeat, "--seed", seed, "--model", options.model});
      snncRow.setup =
          snncRow.result.get("network_s") + snncRow.result.get("setup_s");
      snncRow.compile = snncRow.result.get("parse_s") +
                        snncRow.result.get("codegen_s") +
                        snncRow.result.get("jit_s");
      snncRow.ready = snncRow.result.get("ready_s");
      report(snncRow);
      rows.push_back(snncRow);
    }

    for (int64_t threads : options.threads) {
      Row handRow;
      handRow.engine = withThreads("handwritten", threads);
      handRow.result = runChild({handwritten, "--n", size, "--duration-ms",
                                 duration, "--repeat", repeat, "--seed", seed,
                                 "--threads", std::to_string(threads)});
      handRow.setup = handRow.ready = handRow.result.get("setup_s");
      report(handRow);
      rows.push_back(handRow);
    }

    if (options.verify) {
      Row exactRow;
      exactRow.engine = "handwritten-exact";
      // Best of --repeat runs like the other engines, so that its time can
      // be set against snnc's: the same arithmetic, written by hand.
      exactRow.result =
          runChild({handwritten, "--n", size, "--duration-ms", duration,
                    "--repeat", repeat, "--seed", seed, "--variant", "exact"});
      exactRow.setup = exactRow.ready = exactRow.result.get("setup_s");
      report(exactRow);
      rows.push_back(exactRow);
    }

    for (int64_t threads : brian2 ? options.threads : std::vector<int64_t>{}) {
      Row brianRow;
      brianRow.engine = threads == 1 ? "brian2-standalone"
                                     : withThreads("brian2-openmp", threads);
      brianRow.result =
          runChild({options.python, options.brian2Script, "--n", size,
                    "--duration-ms", duration, "--repeat", repeat, "--seed",
                    seed, "--threads", std::to_string(threads)});
      brianRow.setup = brianRow.result.get("python_setup_s");
      brianRow.compile = brianRow.result.get("build_s");
      brianRow.ready = brianRow.setup + brianRow.compile;
      report(brianRow);
      rows.push_back(brianRow);
    }

    if (brainpy) {
      Row brainpyRow;
      brainpyRow.engine = "brainpy";
      brainpyRow.result = runChild(
          {options.brainpyPython, options.brainpyScript, "--n", size,
           "--duration-ms", duration, "--repeat", repeat, "--seed", seed});
      brainpyRow.setup = brainpyRow.result.get("setup_s");
      // Tracing, lowering and XLA compilation, and Numba's compilation of
      // the synapse kernel inside the first (untimed) run.
      brainpyRow.compile = brainpyRow.result.get("compile_s");
      brainpyRow.ready = brainpyRow.setup + brainpyRow.compile;
      report(brainpyRow);
      rows.push_back(brainpyRow);
    }
    all.emplace_back(n, std::move(rows));
  }

  std::printf("snnc-bench: the seed model (COBA E/I, %lld targets per "
              "source, 80%% excitatory, dt 0.1 ms), %g ms simulated, seed "
              "%llu, best of %d\n",
              static_cast<long long>(kTargetsPerSource), options.durationMs,
              static_cast<unsigned long long>(options.seed), options.repeat);
  std::printf("machine: %s, %ld CPUs online; engines run on one thread "
              "unless their name says -<T>t\ncommand: %s\n",
              cpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN),
              command.c_str());
  printTable(options, all);
  printRatios(all);
  printDetails(all);
  std::printf(
      "\nsetup_s: connectivity and initial state; compile: snnc parse + "
      "codegen + JIT, Brian2 code generation + make (g++), BrainPy JAX "
      "trace + lowering + XLA compile + Numba compile; ready_s: text to "
      "first step (Brian2: Python model + build; BrainPy: model + "
      "compile). cached_s: snnc's text to first step with its program from the "
      "persistent compile cache. sim_s/bio_s: best simulation time per "
      "biological second. "
      "events/s: spikes x %lld / sim time. peak_MB: the process's VmHWM "
      "(Brian2: its generated binary). x_hand: sim time / the hand-written "
      "loop's (for snnc-<T>t: on T threads too).\n",
      static_cast<long long>(kTargetsPerSource));
  bool allOk = true;
  for (const auto &entry : all)
    for (const Row &row : entry.second)
      allOk = allOk && row.result.ok;
  return allOk ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  for (int a = 1; a < argc; ++a)
    if (!std::strcmp(argv[a], "--help") || !std::strcmp(argv[a], "-h")) {
      std::printf("%s", usageText);
      return 0;
    }
  Options options;
  std::string error = parseArgs(argc, argv, options);
  if (!error.empty()) {
    std::fprintf(stderr, "snnc-bench: error: %s\n\n%s", error.c_str(),
                 usageText);
    return 2;
  }
  if (options.childSize > 0)
    return runSnncChild(options);
  return runBenchmark(options, argc, argv);
}
