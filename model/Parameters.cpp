//===- Parameters.cpp - The values a run can change without a recompile ---===//

#include "snnc/model/Parameters.h"

#include "snnc/dsl/Units.h"
#include "snnc/model/Network.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <set>

using namespace snnc;
using namespace snnc::model;

namespace {

/// Param leaves (and, with `weight`, the Weight leaf) read in the exponent
/// of a power anywhere in `expr`.
void collectExponentReads(const Expr &expr, bool inExponent,
                          std::set<unsigned> &params, bool *weight) {
  if (inExponent && expr.op == Op::Param)
    params.insert(expr.index);
  if (inExponent && expr.op == Op::Weight && weight)
    *weight = true;
  for (size_t i = 0; i < expr.args.size(); ++i)
    collectExponentReads(*expr.args[i],
                         inExponent || (expr.op == Op::Pow && i == 1), params,
                         weight);
}

void collectLeaves(const Expr &expr, Op op, std::set<unsigned> &out) {
  if (expr.op == op)
    out.insert(expr.index);
  for (const ExprP &arg : expr.args)
    collectLeaves(*arg, op, out);
}

constexpr const char *exactReason = "an 'exact' equation reads it";
constexpr const char *exponentReason = "it is read in an exponent";

std::string sliceName(const Model &model, const Slice &slice) {
  const Population &pop = model.populations[slice.population];
  std::string text = pop.name;
  if (slice.begin != 0 || slice.end != pop.size)
    text += "[" + std::to_string(slice.begin) + ":" +
            std::to_string(slice.end) + "]";
  return text;
}

} // namespace

std::vector<ModelParameter> snnc::listParameters(const Model &model) {
  std::vector<ModelParameter> out;
  using Kind = ModelParameter::Kind;

  // Which parameters the code generator must compile in: those the
  // propagators of `exact` integration are computed from, and exponents
  // (x^2 is a multiplication; LLVM rewrites other constant powers).
  std::vector<std::set<unsigned>> neuronExact(model.neurons.size()),
      neuronExponent(model.neurons.size()), synapseExact(model.synapses.size()),
      synapseExponent(model.synapses.size()),
      outputExponent(model.projections.size());
  std::vector<std::set<unsigned>> exactInputs(model.neurons.size());
  std::vector<bool> weightExponent(model.synapses.size(), false);
  for (unsigned n = 0; n < model.neurons.size(); ++n) {
    const NeuronModel &neuron = model.neurons[n];
    for (const Equation &eq : neuron.equations) {
      collectExponentReads(*eq.rhs, false, neuronExponent[n], nullptr);
      if (eq.integrator == Integrator::Exact) {
        collectLeaves(*eq.rhs, Op::Param, neuronExact[n]);
        collectLeaves(*eq.rhs, Op::Input, exactInputs[n]);
      }
    }
    for (const ExprP &expr :
         {neuron.spike, neuron.spikeThreshold, neuron.resetValue,
          neuron.refractory, neuron.refractoryCondition})
      if (expr)
        collectExponentReads(*expr, false, neuronExponent[n], nullptr);
    for (const AssignStatement &stmt : neuron.onSpike)
      collectExponentReads(*stmt.value, false, neuronExponent[n], nullptr);
  }
  for (unsigned s = 0; s < model.synapses.size(); ++s) {
    const SynapseModel &synapse = model.synapses[s];
    for (const Equation &eq : synapse.equations) {
      collectExponentReads(*eq.rhs, false, synapseExponent[s], nullptr);
      if (eq.integrator == Integrator::Exact)
        collectLeaves(*eq.rhs, Op::Param, synapseExact[s]);
    }
    for (const AssignStatement &stmt : synapse.onPre) {
      bool weight = false;
      collectExponentReads(*stmt.value, false, synapseExponent[s], &weight);
      if (weight)
        weightExponent[s] = true;
    }
  }

  for (unsigned p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    const NeuronModel &neuron = model.neurons[pop.neuron];
    for (unsigned q = 0; q < neuron.params.size(); ++q) {
      if (pop.perNeuronParams[q])
        continue;
      ModelParameter param{Kind::NeuronParam,
                           p,
                           q,
                           pop.name + "." + neuron.params[q].name,
                           neuron.params[q].unit,
                           pop.params[q],
                           neuron.params[q].range,
                           ""};
      if (neuronExact[pop.neuron].count(q))
        param.specialisedBecause = exactReason;
      else if (neuronExponent[pop.neuron].count(q))
        param.specialisedBecause = exponentReason;
      out.push_back(std::move(param));
    }
  }
  for (unsigned k = 0; k < model.projections.size(); ++k) {
    const Projection &proj = model.projections[k];
    const SynapseModel &synapse = model.synapses[proj.synapse];
    std::string prefix = "projection" + std::to_string(k);
    for (unsigned q = 0; q < synapse.params.size(); ++q) {
      ModelParameter param{Kind::SynapseParam,
                           k,
                           q,
                           prefix + ".synapse." + synapse.params[q].name,
                           synapse.params[q].unit,
                           proj.synapseParams[q],
                           synapse.params[q].range,
                           ""};
      if (synapseExact[proj.synapse].count(q))
        param.specialisedBecause = exactReason;
      else if (synapseExponent[proj.synapse].count(q))
        param.specialisedBecause = exponentReason;
      out.push_back(std::move(param));
    }
    // An output's current is part of the equations of the input it feeds.
    unsigned targetNeuron = model.populations[proj.target.population].neuron;
    bool feedsExact = exactInputs[targetNeuron].count(proj.targetInput) > 0;
    std::set<unsigned> exponent, read;
    if (proj.current) {
      collectExponentReads(*proj.current, false, exponent, nullptr);
      collectLeaves(*proj.current, Op::Param, read);
    }
    const std::vector<Param> none;
    const std::vector<Param> &params =
        proj.hasOutput() ? model.outputs[proj.output].params : none;
    for (unsigned q = 0; q < params.size(); ++q) {
      ModelParameter param{Kind::OutputParam,
                           k,
                           q,
                           prefix + ".output." + params[q].name,
                           params[q].unit,
                           proj.outputParams[q],
                           params[q].range,
                           ""};
      if (feedsExact && read.count(q))
        param.specialisedBecause = exactReason;
      else if (exponent.count(q))
        param.specialisedBecause = exponentReason;
      out.push_back(std::move(param));
    }
    if (proj.weight.kind == Initializer::Kind::Expression &&
        proj.weight.value) {
      ModelParameter param{Kind::Weight,
                           k,
                           0,
                           prefix + ".weight",
                           synapse.weightUnit,
                           proj.weight.value->value,
                           proj.weight.range,
                           ""};
      if (weightExponent[proj.synapse])
        param.specialisedBecause = exponentReason;
      out.push_back(std::move(param));
    }
  }
  for (unsigned d = 0; d < model.drives.size(); ++d) {
    const Drive &drive = model.drives[d];
    const Population &pop = model.populations[drive.target.population];
    out.push_back({Kind::Drive, d, 0, "drive" + std::to_string(d),
                   model.neurons[pop.neuron].inputs[drive.input].unit,
                   drive.value, drive.range, ""});
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Lookup
//===----------------------------------------------------------------------===//

ParameterIndex::ParameterIndex(const std::vector<ModelParameter> &parameters)
    : parameters(parameters) {}

int ParameterIndex::find(ModelParameter::Kind kind, unsigned owner,
                         unsigned index) const {
  for (size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i].kind == kind && parameters[i].owner == owner &&
        parameters[i].index == index)
      return static_cast<int>(i);
  return -1;
}

int ParameterIndex::neuronParam(unsigned population, unsigned param) const {
  return find(ModelParameter::Kind::NeuronParam, population, param);
}
int ParameterIndex::synapseParam(unsigned projection, unsigned param) const {
  return find(ModelParameter::Kind::SynapseParam, projection, param);
}
int ParameterIndex::outputParam(unsigned projection, unsigned param) const {
  return find(ModelParameter::Kind::OutputParam, projection, param);
}
int ParameterIndex::weight(unsigned projection) const {
  return find(ModelParameter::Kind::Weight, projection, 0);
}
int ParameterIndex::drive(unsigned drive) const {
  return find(ModelParameter::Kind::Drive, drive, 0);
}

//===----------------------------------------------------------------------===//
// Overrides
//===----------------------------------------------------------------------===//

namespace {

/// Reads "[+-] NUMBER [UNIT]" with the language's rules for numbers and
/// unit expressions; reports at the offending characters.
class QuantityParser {
public:
  QuantityParser(llvm::StringRef text, const char *base,
                 DiagnosticEngine &diags)
      : text(text), base(base), diags(diags) {}

  struct Quantity {
    double value;
    Unit unit; ///< Dimensionless when none is written.
    bool hasUnit;
  };
  std::optional<Quantity> parse() {
    skipSpace();
    size_t start = pos;
    bool negative = false;
    if (peek() == '+' || peek() == '-') {
      negative = peek() == '-';
      ++pos;
      skipSpace();
    }
    size_t numberStart = pos;
    while (llvm::isDigit(peek()))
      ++pos;
    if (peek() == '.') {
      ++pos;
      while (llvm::isDigit(peek()))
        ++pos;
    }
    if (pos == numberStart ||
        text.substr(numberStart, pos - numberStart) == ".") {
      error(start, std::max(pos, start + 1),
            "expected a number with an optional unit, such as '-52 mV'");
      return std::nullopt;
    }
    if (peek() == 'e' || peek() == 'E') {
      size_t at = pos + 1;
      if (at < text.size() && (text[at] == '+' || text[at] == '-'))
        ++at;
      if (at < text.size() && llvm::isDigit(text[at])) {
        pos = at;
        while (llvm::isDigit(peek()))
          ++pos;
      }
    }
    double magnitude;
    if (text.substr(numberStart, pos - numberStart).getAsDouble(magnitude) ||
        !std::isfinite(magnitude)) {
      error(numberStart, pos, "number out of range");
      return std::nullopt;
    }
    skipSpace();
    Quantity quantity{negative ? -magnitude : magnitude, Unit(), false};
    if (pos < text.size()) {
      std::optional<Unit> parsed = parseUnit();
      if (!parsed)
        return std::nullopt;
      quantity.unit = *parsed;
      quantity.hasUnit = true;
      skipSpace();
      if (pos < text.size()) {
        error(pos, pos + 1,
              "unexpected '" + text.substr(pos, 1) + "' after the value");
        return std::nullopt;
      }
    }
    return quantity;
  }

private:
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  void skipSpace() {
    while (peek() == ' ' || peek() == '\t')
      ++pos;
  }
  void error(size_t begin, size_t end, const llvm::Twine &message) {
    diags.error(llvm::SMRange(llvm::SMLoc::getFromPointer(base + begin),
                              llvm::SMLoc::getFromPointer(base + end)),
                message);
  }
  static bool identifierStart(char c) {
    return llvm::isAlpha(c) || c == '_' || (c & 0x80);
  }

  // unit := term (('*' | '/') term)*
  std::optional<Unit> parseUnit() {
    std::optional<Unit> unit = parseTerm();
    while (unit) {
      skipSpace();
      char op = peek();
      if (op != '*' && op != '/')
        break;
      ++pos;
      skipSpace();
      std::optional<Unit> next = parseTerm();
      if (!next)
        return std::nullopt;
      unit = op == '*' ? *unit * *next : *unit / *next;
    }
    return unit;
  }

  // term := ('1' | SYMBOL | '(' unit ')') ('^' '-'? DIGITS ('.' DIGITS)?)?
  std::optional<Unit> parseTerm() {
    size_t start = pos;
    std::optional<Unit> unit;
    if (peek() == '1') {
      ++pos;
      unit = Unit();
    } else if (peek() == '(') {
      ++pos;
      skipSpace();
      unit = parseUnit();
      if (!unit)
        return std::nullopt;
      skipSpace();
      if (peek() != ')') {
        error(pos, pos + 1, "expected ')' in the unit");
        return std::nullopt;
      }
      ++pos;
    } else if (identifierStart(peek())) {
      while (identifierStart(peek()) || llvm::isDigit(peek()))
        ++pos;
      llvm::StringRef symbol = text.substr(start, pos - start);
      unit = lookupUnit(symbol);
      if (!unit) {
        std::string message = "unknown unit '" + symbol.str() + "'";
        std::string near = closestMatch(symbol, knownUnitSymbols());
        if (!near.empty())
          message += "; did you mean '" + near + "'?";
        error(start, pos, message);
        return std::nullopt;
      }
    } else {
      error(pos, pos + 1, "expected a unit, such as 'mV' or 'mV/ms'");
      return std::nullopt;
    }
    if (peek() == '^') {
      ++pos;
      size_t powerStart = pos;
      bool negative = peek() == '-';
      if (negative)
        ++pos;
      size_t digits = pos;
      while (llvm::isDigit(peek()))
        ++pos;
      if (pos != digits && peek() == '.' && pos + 1 < text.size() &&
          llvm::isDigit(text[pos + 1])) {
        ++pos;
        while (llvm::isDigit(peek()))
          ++pos;
      }
      // Half-integers, as the language allows them (`1/s^0.5`): exact in
      // binary, so 2 * power is an integer exactly for them.
      double power;
      if (pos == digits ||
          text.substr(digits, pos - digits).getAsDouble(power) ||
          2 * power != std::floor(2 * power) || power > 64) {
        error(powerStart, std::max(pos, powerStart + 1),
              "a unit's power must be an integer or half-integer up to 64");
        return std::nullopt;
      }
      auto halves = static_cast<int64_t>(2 * power);
      Exponent exponent = Exponent::fromHalves(negative ? -halves : halves);
      std::optional<Unit> raised = unit->raisedTo(exponent);
      if (!raised) {
        // Symbols have whole exponents, so only a power of a parenthesised
        // half power gets here: (1/s^0.5)^0.5.
        error(powerStart, pos,
              "cannot raise " + unit->str() + " to the power " +
                  exponent.str() +
                  ": dimensions have integer or half-integer exponents, "
                  "not quarters");
        return std::nullopt;
      }
      unit = raised;
    }
    return unit;
  }

  llvm::StringRef text;
  const char *base;
  DiagnosticEngine &diags;
  size_t pos = 0;
};

/// Why a name that is not in the list cannot be set, when it names
/// something per-element; "" otherwise.
std::string notSettable(const Model &model, llvm::StringRef name) {
  auto [owner, member] = name.split('.');
  for (const Population &pop : model.populations) {
    if (pop.name != owner)
      continue;
    const NeuronModel &neuron = model.neurons[pop.neuron];
    for (size_t q = 0; q < neuron.params.size(); ++q)
      if (neuron.params[q].name == member && pop.perNeuronParams[q])
        return "'" + name.str() + "' varies per neuron (population '" +
               pop.name +
               "' sets it per neuron); only values shared by the whole "
               "population can be set";
    for (const State &state : neuron.states)
      if (state.name == member)
        return "'" + name.str() +
               "' is a state, not a parameter; set its initial value in "
               "the population's block";
  }
  for (size_t k = 0; k < model.projections.size(); ++k)
    if (name == "projection" + std::to_string(k) + ".weight")
      return "'" + name.str() +
             "' is drawn per synapse from a distribution; only a weight "
             "that is one value can be set";
  return "";
}

/// The model parameter a named value is, for its rule; null for weights
/// and drives.
const Param *declaredParam(const Model &model, const ModelParameter &value) {
  switch (value.kind) {
  case ModelParameter::Kind::NeuronParam:
    return &model.neurons[model.populations[value.owner].neuron]
                .params[value.index];
  case ModelParameter::Kind::SynapseParam:
    return &model.synapses[model.projections[value.owner].synapse]
                .params[value.index];
  case ModelParameter::Kind::OutputParam:
    return &model.outputs[model.projections[value.owner].output]
                .params[value.index];
  case ModelParameter::Kind::Weight:
  case ModelParameter::Kind::Drive:
    return nullptr;
  }
  return nullptr;
}

bool applyOne(Model &model, const std::vector<ModelParameter> &parameters,
              llvm::StringRef text, DiagnosticEngine &diags) {
  llvm::SourceMgr &sources = diags.getSourceMgr();
  unsigned id = sources.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "override"), llvm::SMLoc());
  const char *base = sources.getMemoryBuffer(id)->getBufferStart();
  auto range = [&](size_t begin, size_t end) {
    return llvm::SMRange(llvm::SMLoc::getFromPointer(base + begin),
                         llvm::SMLoc::getFromPointer(base + end));
  };

  size_t equals = text.find('=');
  if (equals == llvm::StringRef::npos ||
      text.substr(0, equals).trim().empty()) {
    diags.error(range(0, text.size()),
                "expected NAME=VALUE, such as 'N.V_th=-52 mV'");
    return false;
  }
  llvm::StringRef rawName = text.substr(0, equals);
  size_t nameBegin = rawName.size() - rawName.ltrim().size();
  llvm::StringRef name = rawName.trim();
  size_t nameEnd = nameBegin + name.size();
  const ModelParameter *target = nullptr;
  for (const ModelParameter &param : parameters)
    if (param.name == name)
      target = &param;
  if (!target) {
    std::string why = notSettable(model, name);
    if (!why.empty()) {
      diags.error(range(nameBegin, std::max(nameEnd, nameBegin + 1)), why);
      return false;
    }
    std::vector<std::string> names;
    for (const ModelParameter &param : parameters)
      names.push_back(param.name);
    std::string message = "unknown parameter '" + name.str() + "'";
    std::string near = closestMatch(name, names);
    if (!near.empty())
      message += "; did you mean '" + near + "'?";
    diags.error(range(nameBegin, std::max(nameEnd, nameBegin + 1)), message);
    if (names.empty()) {
      diags.note(llvm::SMRange(), "this model has no values to set");
    } else {
      std::string list;
      for (size_t i = 0; i < names.size() && i < 40; ++i)
        list += (i ? ", " : "") + names[i];
      if (names.size() > 40)
        list += ", ... (" + std::to_string(names.size()) + " in all)";
      diags.note(llvm::SMRange(), "the values that can be set are: " + list +
                                      " ('snnc check' lists them)");
    }
    return false;
  }

  llvm::StringRef valueText = text.substr(equals + 1);
  size_t valueBegin = equals + 1;
  QuantityParser parser(valueText, base + valueBegin, diags);
  std::optional<QuantityParser::Quantity> quantity = parser.parse();
  if (!quantity)
    return false;
  double value = quantity->value;
  const Unit &unit = quantity->unit;
  bool unitWritten = quantity->hasUnit;
  size_t valueStart =
      valueBegin + (valueText.size() - valueText.ltrim().size());
  size_t valueEnd = valueBegin + valueText.rtrim().size();
  llvm::SMRange valueRange = range(valueStart, std::max(valueEnd, valueStart));
  if (!unit.sameDimension(target->unit) ||
      (!unitWritten && !target->unit.isDimensionless())) {
    if (!unitWritten)
      diags.error(valueRange,
                  "'" + target->name + "' is in " + target->unit.str() +
                      ": write the value with its unit, such as '" +
                      valueText.trim() + " " + target->unit.str() + "'");
    else
      diags.error(valueRange, "'" + target->name + "' is in " +
                                  target->unit.str() +
                                  ", but this value is in " + unit.str());
    diags.note(target->declared, "declared here");
    return false;
  }
  Scale factor = conversionScale(unit, target->unit);
  if (!factor.isOne())
    value *= factor.toDouble();
  if (!std::isfinite(value)) {
    diags.error(valueRange, "value out of range");
    return false;
  }

  // What the parameter's meaning requires (Param::rule), as in the file.
  if (const Param *param = declaredParam(model, *target)) {
    std::string why = ruleViolation(*param, value);
    if (!why.empty()) {
      diags.error(valueRange, "'" + target->name + "' " + why +
                                  ", but this value is " +
                                  formatQuantity(value, target->unit));
      diags.note(target->declared, "declared here");
      return false;
    }
  }

  // The value's place, for later messages about it, is in the override.
  switch (target->kind) {
  case ModelParameter::Kind::NeuronParam: {
    Population &pop = model.populations[target->owner];
    pop.params[target->index] = value;
    pop.paramRanges[target->index] = valueRange;
    break;
  }
  case ModelParameter::Kind::SynapseParam: {
    Projection &proj = model.projections[target->owner];
    proj.synapseParams[target->index] = value;
    proj.synapseParamRanges[target->index] = valueRange;
    break;
  }
  case ModelParameter::Kind::OutputParam: {
    Projection &proj = model.projections[target->owner];
    proj.outputParams[target->index] = value;
    proj.outputParamRanges[target->index] = valueRange;
    break;
  }
  case ModelParameter::Kind::Weight: {
    Initializer &weight = model.projections[target->owner].weight;
    ExprP constant = makeConstant(value, weight.value->unit);
    std::const_pointer_cast<Expr>(constant)->range = valueRange;
    weight.value = constant;
    break;
  }
  case ModelParameter::Kind::Drive:
    model.drives[target->owner].value = value;
    model.drives[target->owner].valueRange = valueRange;
    break;
  }
  return true;
}

} // namespace

bool snnc::applyOverrides(Model &model, llvm::ArrayRef<std::string> overrides,
                          DiagnosticEngine &diags) {
  bool ok = true;
  for (const std::string &text : overrides) {
    // Listed again each time: an override may change what is specialised
    // (it never changes the names).
    std::vector<ModelParameter> parameters = listParameters(model);
    ok &= applyOne(model, parameters, text, diags);
  }
  return ok;
}

bool snnc::checkValuesFit(const Model &model, bool doublePrecision,
                          DiagnosticEngine &diags) {
  bool ok = true;
  for (const ModelParameter &param : listParameters(model)) {
    std::string why = precisionProblem(param.value, doublePrecision);
    if (why.empty())
      continue;
    // Where the value was given: the population, projection, drive or
    // override that says it.
    llvm::SMRange where = param.declared;
    switch (param.kind) {
    case ModelParameter::Kind::NeuronParam:
      where = model.populations[param.owner].paramRanges[param.index];
      break;
    case ModelParameter::Kind::SynapseParam:
      where = model.projections[param.owner].synapseParamRanges[param.index];
      break;
    case ModelParameter::Kind::OutputParam:
      where = model.projections[param.owner].outputParamRanges[param.index];
      break;
    case ModelParameter::Kind::Weight:
      where = model.projections[param.owner].weight.value->range;
      break;
    case ModelParameter::Kind::Drive:
      where = model.drives[param.owner].valueRange;
      break;
    }
    diags.error(where, "'" + param.name + "' is " +
                           formatQuantity(param.value, param.unit) +
                           ", but it " + why);
    ok = false;
  }
  return ok;
}

void snnc::printParameters(const Model &model, llvm::raw_ostream &os) {
  std::vector<ModelParameter> parameters = listParameters(model);
  if (parameters.empty())
    return;
  os << "values (snnc run --set NAME=VALUE changes them without "
        "recompiling):\n";
  size_t width = 0;
  for (const ModelParameter &param : parameters)
    width = std::max(width, param.name.size());
  for (const ModelParameter &param : parameters) {
    std::string value, line;
    llvm::raw_string_ostream(value)
        << llvm::format("%g", param.value)
        << (param.unit.isDimensionless() && param.unit.scale().isOne()
                ? ""
                : " " + param.unit.str());
    llvm::raw_string_ostream os2(line);
    os2 << "  " << llvm::left_justify(param.name, width) << "  "
        << llvm::left_justify(value, 14);
    if (param.kind == ModelParameter::Kind::Drive) {
      const Drive &drive = model.drives[param.owner];
      const Population &pop = model.populations[drive.target.population];
      os2 << "  into " << sliceName(model, drive.target) << "."
          << model.neurons[pop.neuron].inputs[drive.input].name;
    }
    if (!param.specialisedBecause.empty())
      os2 << "  (compiled in: " << param.specialisedBecause << ")";
    os << llvm::StringRef(line).rtrim() << "\n";
  }
}
