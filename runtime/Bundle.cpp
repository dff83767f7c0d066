//===- Bundle.cpp - A compiled model, ready to run without the compiler ---===//
//
// The manifest is JSON (nlohmann/json, built without exceptions): parsed
// with allow_exceptions = false, and every field read through Fields,
// which checks its presence and type, so that a damaged or foreign file is
// an error message, never an abort.
//
//===----------------------------------------------------------------------===//

#include "snnc/runtime/Bundle.h"

#include "snnc/runtime/ThreadPartition.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace snnc::rt;
using nlohmann::json;

namespace {

const char *typeName(BufferType type) {
  switch (type) {
  case BufferType::Real:
    return "real";
  case BufferType::Int32:
    return "int32";
  case BufferType::Int8:
    return "int8";
  }
  return "real";
}

const char *ruleName(ProjectionRecipe::Rule rule) {
  using Rule = ProjectionRecipe::Rule;
  switch (rule) {
  case Rule::FixedPerPre:
    return "fixed_per_pre";
  case Rule::FixedPerPost:
    return "fixed_per_post";
  case Rule::FixedTotalNumber:
    return "fixed_total_number";
  case Rule::FixedProb:
    return "fixed_prob";
  case Rule::AllToAll:
    return "all_to_all";
  case Rule::OneToOne:
    return "one_to_one";
  }
  return "all_to_all";
}

json manifestOf(const Bundle &b, std::vector<double> &data) {
  const EngineLayout &l = b.layout;
  json buffers = json::array();
  for (const BufferDesc &buffer : l.buffers)
    buffers.push_back({buffer.name, typeName(buffer.type), buffer.size});
  json populations = json::array();
  for (const EngineLayout::Population &p : l.populations)
    populations.push_back({{"name", p.name},
                           {"size", p.size},
                           {"spike_list", p.spikeList},
                           {"spike_count", p.spikeCount},
                           {"record_indices", p.recordIndices},
                           {"record_counts", p.recordCounts},
                           {"record_fill", p.recordFill},
                           {"thread_bounds", p.threadBounds}});
  json stateRecords = json::array();
  for (const EngineLayout::StateRecord &r : l.stateRecords)
    stateRecords.push_back({{"buffer", r.buffer}, {"size", r.size}});
  json scans = json::array();
  for (const EngineLayout::Scan &s : l.scans)
    scans.push_back({{"buffer", s.buffer},
                     {"size", s.size},
                     {"skip_plus_infinity", s.skipPlusInfinity},
                     {"population", s.population},
                     {"state", s.state}});
  json spikes = json::array();
  for (const SpikeTrain &t : b.spikeTrains)
    spikes.push_back({{"population", t.population},
                      {"begin", t.begin},
                      {"end", t.end},
                      {"size", t.size}});
  json states = json::array();
  for (const StateTrace &t : b.stateTraces)
    states.push_back({{"population", t.population},
                      {"state", t.state},
                      {"unit", t.unit},
                      {"begin", t.begin},
                      {"end", t.end}});
  json projections = json::array();
  for (const Bundle::Projection &p : b.projections) {
    const ProjectionRecipe &r = p.recipe;
    json weights = nullptr;
    if (r.perSynapseWeights)
      weights = {{"kind", r.weights.kind == InitSpec::Kind::Normal ? "normal"
                          : r.weights.kind == InitSpec::Kind::Uniform
                              ? "uniform"
                              : "constant"},
                 {"first", r.weights.first},
                 {"second", r.weights.second},
                 {"stream", r.weightStream}};
    projections.push_back({{"rule", ruleName(r.rule)},
                           {"num_pre", r.numPre},
                           {"num_post", r.numPost},
                           {"count", r.count},
                           {"probability", r.probability},
                           {"with_replacement", r.withReplacement},
                           {"seed", r.seed},
                           {"connectivity_stream", r.connectivityStream},
                           {"weights", weights},
                           {"target_population", p.slots.targetPopulation},
                           {"target_begin", p.slots.targetBegin},
                           {"row_start", p.slots.rowStart},
                           {"targets", p.slots.targets},
                           {"weight_buffer", p.slots.weights}});
  }
  json fills = json::array();
  for (const BufferFill &f : b.fills) {
    if (f.constant) {
      fills.push_back(
          {{"buffer", f.buffer}, {"constant", f.value}, {"count", f.count}});
    } else {
      fills.push_back({{"buffer", f.buffer},
                       {"values_at", data.size()},
                       {"count", f.values.size()}});
      data.insert(data.end(), f.values.begin(), f.values.end());
    }
  }
  return {{"format", "snnc-bundle"},
          {"version", Bundle::kVersion},
          {"model", b.model},
          {"built_by", b.builtBy},
          {"target", b.target},
          {"cpu", b.cpu},
          {"features", b.features},
          {"layout_signature", b.layoutSignature},
          {"run", {{"steps", b.steps}, {"seed", b.seed}}},
          {"layout",
           {{"double_precision", l.doublePrecision},
            {"dt_ms", l.dtMs},
            {"chunk_steps", l.chunkSteps},
            {"partitions", l.partitions},
            {"barrier", l.barrier},
            {"buffers", buffers},
            {"populations", populations},
            {"spike_records", l.spikeRecords},
            {"state_records", stateRecords},
            {"scans", scans}}},
          {"recordings", {{"spikes", spikes}, {"states", states}}},
          {"projections", projections},
          {"fills", fills}};
}

/// Typed access to a JSON object's fields; the first problem is kept and
/// every later read is a no-op, so a reader checks once at the end.
class Fields {
public:
  explicit Fields(std::string &problem) : problem(problem) {}

  const json *at(const json &object, const char *key) {
    if (!problem.empty())
      return nullptr;
    if (!object.is_object() || !object.contains(key)) {
      problem = std::string("no field '") + key + "'";
      return nullptr;
    }
    return &object[key];
  }
  template <typename T> T integer(const json &object, const char *key) {
    const json *value = at(object, key);
    if (!value)
      return T();
    if (!value->is_number_integer()) {
      problem = std::string("field '") + key + "' is not an integer";
      return T();
    }
    return value->get<T>();
  }
  double number(const json &object, const char *key) {
    const json *value = at(object, key);
    if (!value)
      return 0;
    if (!value->is_number()) {
      problem = std::string("field '") + key + "' is not a number";
      return 0;
    }
    return value->get<double>();
  }
  bool boolean(const json &object, const char *key) {
    const json *value = at(object, key);
    if (!value)
      return false;
    if (!value->is_boolean()) {
      problem = std::string("field '") + key + "' is not true or false";
      return false;
    }
    return value->get<bool>();
  }
  std::string text(const json &object, const char *key) {
    const json *value = at(object, key);
    if (!value)
      return "";
    if (!value->is_string()) {
      problem = std::string("field '") + key + "' is not a string";
      return "";
    }
    return value->get<std::string>();
  }
  const json &array(const json &object, const char *key) {
    static const json empty = json::array();
    const json *value = at(object, key);
    if (!value)
      return empty;
    if (!value->is_array()) {
      problem = std::string("field '") + key + "' is not a list";
      return empty;
    }
    return *value;
  }
  void fail(std::string why) {
    if (problem.empty())
      problem = std::move(why);
  }
  bool ok() const { return problem.empty(); }

private:
  std::string &problem;
};

/// Reads the manifest into `b`; "" or what is wrong with it.
std::string bundleOf(const json &m, const std::vector<double> &data,
                     Bundle &b) {
  std::string problem;
  Fields f(problem);
  if (f.text(m, "format") != "snnc-bundle")
    f.fail("not an snnc bundle manifest");
  b.model = f.text(m, "model");
  b.builtBy = f.text(m, "built_by");
  b.target = f.text(m, "target");
  b.cpu = f.text(m, "cpu");
  b.features = f.text(m, "features");
  b.layoutSignature = f.text(m, "layout_signature");
  if (const json *run = f.at(m, "run")) {
    b.steps = f.integer<int64_t>(*run, "steps");
    b.seed = f.integer<uint64_t>(*run, "seed");
  }
  EngineLayout &l = b.layout;
  const json *layout = f.at(m, "layout");
  if (!layout)
    return problem;
  l.doublePrecision = f.boolean(*layout, "double_precision");
  l.dtMs = f.number(*layout, "dt_ms");
  l.chunkSteps = f.integer<int64_t>(*layout, "chunk_steps");
  l.partitions = f.integer<int>(*layout, "partitions");
  l.barrier = f.integer<int>(*layout, "barrier");
  for (const json &buffer : f.array(*layout, "buffers")) {
    if (!buffer.is_array() || buffer.size() != 3 || !buffer[0].is_string() ||
        !buffer[1].is_string() || !buffer[2].is_number_integer()) {
      f.fail("a buffer is not [name, type, size]");
      break;
    }
    std::string type = buffer[1].get<std::string>();
    BufferDesc desc{buffer[0].get<std::string>(), BufferType::Real,
                    buffer[2].get<int64_t>()};
    if (type == "int32")
      desc.type = BufferType::Int32;
    else if (type == "int8")
      desc.type = BufferType::Int8;
    else if (type != "real")
      f.fail("buffer '" + desc.name + "' has an unknown type '" + type + "'");
    if (desc.size < 0)
      f.fail("buffer '" + desc.name + "' has a negative size");
    l.buffers.push_back(std::move(desc));
  }
  for (const json &p : f.array(*layout, "populations"))
    l.populations.push_back(
        {f.text(p, "name"), f.integer<int64_t>(p, "size"),
         f.integer<int>(p, "spike_list"), f.integer<int>(p, "spike_count"),
         f.integer<int>(p, "record_indices"),
         f.integer<int>(p, "record_counts"), f.integer<int>(p, "record_fill"),
         f.integer<int>(p, "thread_bounds")});
  for (const json &r : f.array(*layout, "spike_records")) {
    if (!r.is_number_unsigned()) {
      f.fail("a spike record is not a population index");
      break;
    }
    l.spikeRecords.push_back(r.get<unsigned>());
  }
  for (const json &r : f.array(*layout, "state_records"))
    l.stateRecords.push_back(
        {f.integer<int>(r, "buffer"), f.integer<int64_t>(r, "size")});
  for (const json &s : f.array(*layout, "scans"))
    l.scans.push_back(
        {f.integer<int>(s, "buffer"), f.integer<int64_t>(s, "size"),
         f.boolean(s, "skip_plus_infinity"),
         f.integer<unsigned>(s, "population"), f.text(s, "state")});
  if (const json *recordings = f.at(m, "recordings")) {
    for (const json &t : f.array(*recordings, "spikes")) {
      SpikeTrain train;
      train.population = f.text(t, "population");
      train.begin = f.integer<int64_t>(t, "begin");
      train.end = f.integer<int64_t>(t, "end");
      train.size = f.integer<int64_t>(t, "size");
      b.spikeTrains.push_back(std::move(train));
    }
    for (const json &t : f.array(*recordings, "states")) {
      StateTrace trace;
      trace.population = f.text(t, "population");
      trace.state = f.text(t, "state");
      trace.unit = f.text(t, "unit");
      trace.begin = f.integer<int64_t>(t, "begin");
      trace.end = f.integer<int64_t>(t, "end");
      b.stateTraces.push_back(std::move(trace));
    }
  }
  using Rule = ProjectionRecipe::Rule;
  for (const json &p : f.array(m, "projections")) {
    Bundle::Projection projection;
    ProjectionRecipe &r = projection.recipe;
    std::string rule = f.text(p, "rule");
    bool known = false;
    for (Rule candidate :
         {Rule::FixedPerPre, Rule::FixedPerPost, Rule::FixedTotalNumber,
          Rule::FixedProb, Rule::AllToAll, Rule::OneToOne})
      if (rule == ruleName(candidate)) {
        r.rule = candidate;
        known = true;
      }
    if (!known)
      f.fail("unknown connectivity rule '" + rule + "'");
    r.numPre = f.integer<int64_t>(p, "num_pre");
    r.numPost = f.integer<int64_t>(p, "num_post");
    r.count = f.integer<int64_t>(p, "count");
    r.probability = f.number(p, "probability");
    r.withReplacement = f.boolean(p, "with_replacement");
    r.seed = f.integer<uint64_t>(p, "seed");
    r.connectivityStream = f.integer<uint64_t>(p, "connectivity_stream");
    if (const json *weights = f.at(p, "weights");
        weights && !weights->is_null()) {
      r.perSynapseWeights = true;
      std::string kind = f.text(*weights, "kind");
      double first = f.number(*weights, "first");
      double second = f.number(*weights, "second");
      if (kind == "normal")
        r.weights = InitSpec::normal(first, second);
      else if (kind == "uniform")
        r.weights = InitSpec::uniform(first, second);
      else
        f.fail("unknown weight distribution '" + kind + "'");
      r.weightStream = f.integer<uint64_t>(*weights, "stream");
    }
    ProjectionSlots &s = projection.slots;
    s.targetPopulation = f.integer<unsigned>(p, "target_population");
    s.targetBegin = f.integer<int64_t>(p, "target_begin");
    s.rowStart = f.integer<int>(p, "row_start");
    s.targets = f.integer<int>(p, "targets");
    s.weights = f.integer<int>(p, "weight_buffer");
    b.projections.push_back(std::move(projection));
  }
  for (const json &fillJson : f.array(m, "fills")) {
    BufferFill fill;
    fill.buffer = f.integer<int>(fillJson, "buffer");
    fill.count = f.integer<int64_t>(fillJson, "count");
    if (fillJson.is_object() && fillJson.contains("constant")) {
      fill.constant = true;
      fill.value = f.number(fillJson, "constant");
    } else {
      uint64_t at = f.integer<uint64_t>(fillJson, "values_at");
      if (fill.count < 0 || at > data.size() ||
          static_cast<uint64_t>(fill.count) > data.size() - at)
        f.fail("a fill's values lie outside the bundle's data");
      else
        fill.values.assign(data.begin() + at, data.begin() + at + fill.count);
    }
    b.fills.push_back(std::move(fill));
  }
  if (!f.ok())
    return problem;
  return "";
}

/// Every buffer index and size the manifest names refers to something
/// there: the engine indexes with them unchecked.
std::string checkConsistency(const Bundle &b) {
  const EngineLayout &l = b.layout;
  int count = static_cast<int>(l.buffers.size());
  auto valid = [&](int index, bool optional) {
    return (optional && index == -1) || (index >= 0 && index < count);
  };
  auto elements = [&](int index) { return l.buffers[index].size; };
  if (l.partitions < 1 || l.partitions > 4096 || l.chunkSteps < 1 ||
      !(l.dtMs > 0) || b.steps < 0)
    return "the run or its partitions are out of range";
  // Sizes whose bytes would overflow are no sizes (a buffer of 2^57
  // elements is already more than any machine has).
  for (const BufferDesc &buffer : l.buffers)
    if (buffer.size > (int64_t(1) << 57))
      return "buffer '" + buffer.name + "' is too large";
  if (l.partitions > 1 && !valid(l.barrier, false))
    return "a partitioned program without its barrier";
  for (const EngineLayout::Population &p : l.populations) {
    for (int index : {p.spikeList, p.spikeCount, p.recordIndices,
                      p.recordCounts, p.recordFill, p.threadBounds})
      if (!valid(index, true))
        return "population '" + p.name + "' names a buffer that is not there";
    if (p.size < 0 ||
        (l.partitions > 1 &&
         (p.threadBounds < 0 || elements(p.threadBounds) != l.partitions + 1)))
      return "population '" + p.name + "' does not fit its partitions";
    // What the engine itself writes: per-partition counters and fills.
    int64_t slots = (l.partitions - 1) * kPerThreadStride + 1;
    if ((p.spikeList >= 0) != (p.spikeCount >= 0) ||
        (p.spikeCount >= 0 && elements(p.spikeCount) < slots) ||
        (p.recordFill >= 0 && elements(p.recordFill) < slots) ||
        (p.recordCounts >= 0 &&
         elements(p.recordCounts) < l.partitions * l.chunkSteps))
      return "population '" + p.name + "' has counters that do not fit";
  }
  if (l.spikeRecords.size() != b.spikeTrains.size() ||
      l.stateRecords.size() != b.stateTraces.size())
    return "the recordings do not match the layout";
  for (unsigned p : l.spikeRecords)
    if (p >= l.populations.size() || l.populations[p].recordCounts < 0 ||
        l.populations[p].recordIndices < 0 || l.populations[p].recordFill < 0)
      return "a spike recording of a population that records none";
  for (const EngineLayout::StateRecord &r : l.stateRecords)
    if (!valid(r.buffer, false) || r.size < 0 ||
        elements(r.buffer) < r.size * l.chunkSteps)
      return "a state recording does not fit its buffer";
  for (const EngineLayout::Scan &s : l.scans)
    if (!valid(s.buffer, false) || s.size < 0 || s.size > elements(s.buffer) ||
        s.population >= l.populations.size())
      return "a state to check does not fit its buffer";
  for (const Bundle::Projection &p : b.projections) {
    const ProjectionSlots &s = p.slots;
    if (!valid(s.rowStart, false) || !valid(s.targets, false) ||
        !valid(s.weights, true) || s.targetPopulation >= l.populations.size())
      return "a projection names a buffer that is not there";
    const ProjectionRecipe &r = p.recipe;
    if (r.numPre < 0 || r.numPre > (int64_t(1) << 40) ||
        elements(s.rowStart) != r.numPre * l.partitions + 1)
      return "a projection's row table does not fit its rows";
    // The program indexes the target slice's buffers with the targets.
    const EngineLayout::Population &target = l.populations[s.targetPopulation];
    if (r.numPost < 0 || s.targetBegin < 0 ||
        s.targetBegin + r.numPost > target.size)
      return "a projection's targets lie outside population '" + target.name +
             "'";
    if (s.weights >= 0 && elements(s.weights) < elements(s.targets))
      return "a projection's weights do not fit its synapses";
  }
  for (const BufferFill &fill : b.fills) {
    if (!valid(fill.buffer, false) ||
        l.buffers[fill.buffer].type == BufferType::Int8)
      return "a fill of a buffer that is not there";
    // An integer buffer is filled with words (the random key).
    if (l.buffers[fill.buffer].type == BufferType::Int32 &&
        (fill.constant ||
         std::any_of(fill.values.begin(), fill.values.end(), [](double v) {
           return !(v >= 0 && v < 4294967296.0 && v == std::floor(v));
         })))
      return "an integer buffer filled with values that are not 32-bit words";
    int64_t n =
        fill.constant ? fill.count : static_cast<int64_t>(fill.values.size());
    if (n < 0 || n > elements(fill.buffer))
      return "a fill larger than its buffer";
  }
  return "";
}

bool readSection(std::istream &in, std::string &out, uint64_t limit) {
  std::string line;
  if (!std::getline(in, line) || line.empty() || line.size() > 20 ||
      line.find_first_not_of("0123456789") != std::string::npos)
    return false;
  uint64_t size = std::strtoull(line.c_str(), nullptr, 10);
  if (line.size() > 19 || size > limit)
    return false;
  out.resize(size);
  return static_cast<bool>(
      in.read(out.data(), static_cast<std::streamsize>(size)));
}

} // namespace

std::string snnc::rt::manifestText(const Bundle &bundle) {
  std::vector<double> data;
  return manifestOf(bundle, data).dump(1) + "\n";
}

Status snnc::rt::writeBundle(const std::string &path, const Bundle &bundle) {
  std::vector<double> data;
  std::string manifest = manifestOf(bundle, data).dump(1);
  std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      return Status::error("cannot write '" + path +
                           "': " + std::strerror(errno));
    out << "snnc-bundle " << Bundle::kVersion << "\n"
        << manifest.size() << "\n"
        << manifest << bundle.library.size() << "\n";
    out.write(bundle.library.data(),
              static_cast<std::streamsize>(bundle.library.size()));
    out << data.size() * sizeof(double) << "\n";
    out.write(reinterpret_cast<const char *>(data.data()),
              static_cast<std::streamsize>(data.size() * sizeof(double)));
    if (!out.flush())
      return Status::error("cannot write '" + path +
                           "': " + std::strerror(errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
    return Status::error("cannot write '" + path +
                         "': " + std::strerror(errno));
  return Status::success();
}

Expected<Bundle> snnc::rt::readBundle(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::error("cannot open '" + path + "': " + std::strerror(errno));
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (in.bad())
    return Status::error("cannot read '" + path + "': " + std::strerror(errno));
  return parseBundle(bytes.str(), path);
}

Expected<Bundle> snnc::rt::parseBundle(const std::string &bytes,
                                       const std::string &name) {
  std::istringstream in(bytes);
  uint64_t fileSize = bytes.size();
  std::string header;
  std::getline(in, header);
  if (header.rfind("snnc-bundle ", 0) != 0)
    return Status::error("'" + name + "' is not an snnc bundle");
  std::string version = header.substr(12);
  if (version != std::to_string(Bundle::kVersion))
    return Status::error("'" + name + "' is a bundle of format version " +
                         version + "; this snnc-run reads version " +
                         std::to_string(Bundle::kVersion) +
                         ": build it again with this snnc");
  std::string manifest, library, values;
  if (!readSection(in, manifest, fileSize) ||
      !readSection(in, library, fileSize) ||
      !readSection(in, values, fileSize) || values.size() % sizeof(double))
    return Status::error("'" + name + "' is truncated or damaged");
  std::vector<double> data(values.size() / sizeof(double));
  if (!values.empty())
    std::memcpy(data.data(), values.data(), values.size());
  json parsed = json::parse(manifest, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    return Status::error("'" + name + "' has a manifest that is not JSON");
  Bundle bundle;
  std::string problem = bundleOf(parsed, data, bundle);
  if (problem.empty())
    problem = checkConsistency(bundle);
  if (!problem.empty())
    return Status::error("'" + name + "' has a bad manifest: " + problem);
  bundle.library.assign(library.begin(), library.end());
  return bundle;
}

std::vector<std::string>
snnc::rt::missingCpuFeatures(const std::string &features) {
  std::vector<std::string> missing;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  struct Known {
    const char *llvmName;
    bool present;
  };
  const Known known[] = {
      {"+sse4.2", __builtin_cpu_supports("sse4.2") != 0},
      {"+avx", __builtin_cpu_supports("avx") != 0},
      {"+avx2", __builtin_cpu_supports("avx2") != 0},
      {"+fma", __builtin_cpu_supports("fma") != 0},
      {"+avx512f", __builtin_cpu_supports("avx512f") != 0},
      {"+avx512bw", __builtin_cpu_supports("avx512bw") != 0},
      {"+avx512dq", __builtin_cpu_supports("avx512dq") != 0},
      {"+avx512vl", __builtin_cpu_supports("avx512vl") != 0},
  };
  std::string list = "," + features + ",";
  for (const Known &k : known)
    if (!k.present &&
        list.find(std::string(",") + k.llvmName + ",") != std::string::npos)
      missing.push_back(k.llvmName + 1);
#endif
  return missing;
}
