//===- Model.cpp - Typed expressions, evaluation and the model summary ----===//

#include "snnc/dsl/Model.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <cstdio>

using namespace snnc;
using namespace snnc::model;

namespace {
std::string formatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}
} // namespace

std::vector<double> model::poissonTable(double lambda) {
  // Terms in log space, so that a large mean does not underflow e^-lambda.
  // Past the mean, the table ends where a term no longer changes the sum
  // (a draw above the last entry counts as that many).
  if (!(lambda > 0))
    return {1.0};
  std::vector<double> table;
  double cumulative = 0;
  for (int64_t k = 0; cumulative < 1.0; ++k) {
    double term =
        std::exp(-lambda + double(k) * std::log(lambda) - std::lgamma(k + 1.0));
    if (double(k) > lambda && term < 1e-17)
      break;
    cumulative += term;
    table.push_back(std::min(cumulative, 1.0));
  }
  return table;
}

int64_t model::delaySteps(const Projection &proj, double dtMs) {
  if (!proj.delayMs)
    return 1;
  double steps = std::floor(*proj.delayMs / dtMs + 0.5);
  return steps > double(maxDelaySteps) ? maxDelaySteps + 1
                                       : static_cast<int64_t>(steps);
}

const char *model::builtinName(Builtin fn) {
  switch (fn) {
  case Builtin::Exp:
    return "exp";
  case Builtin::Log:
    return "log";
  case Builtin::Sqrt:
    return "sqrt";
  case Builtin::Abs:
    return "abs";
  case Builtin::Min:
    return "min";
  case Builtin::Max:
    return "max";
  case Builtin::Exprel:
    return "exprel";
  case Builtin::Sin:
    return "sin";
  case Builtin::Cos:
    return "cos";
  case Builtin::Tanh:
    return "tanh";
  case Builtin::Clip:
    return "clip";
  }
  return "?";
}

const char *model::connectivityName(Connectivity::Kind kind) {
  switch (kind) {
  case Connectivity::Kind::FixedPerPre:
    return "fixed_per_pre";
  case Connectivity::Kind::FixedPerPost:
    return "fixed_per_post";
  case Connectivity::Kind::FixedTotalNumber:
    return "fixed_total_number";
  case Connectivity::Kind::FixedProb:
    return "fixed_prob";
  case Connectivity::Kind::AllToAll:
    return "all_to_all";
  case Connectivity::Kind::OneToOne:
    return "one_to_one";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

ExprP model::makeConstant(double value, Unit unit) {
  auto expr = std::make_shared<Expr>();
  expr->op = Op::Constant;
  expr->value = value;
  expr->unit = std::move(unit);
  return expr;
}

ExprP model::makeLeaf(Op op, unsigned index, Unit unit, llvm::SMRange range) {
  auto expr = std::make_shared<Expr>();
  expr->op = op;
  expr->index = index;
  expr->unit = std::move(unit);
  expr->range = range;
  return expr;
}

namespace {
bool isBooleanOp(Op op) {
  switch (op) {
  case Op::Less:
  case Op::LessEqual:
  case Op::Greater:
  case Op::GreaterEqual:
  case Op::Equal:
  case Op::NotEqual:
  case Op::And:
  case Op::Or:
  case Op::Not:
    return true;
  default:
    return false;
  }
}
} // namespace

ExprP model::makeNode(Op op, std::vector<ExprP> args, Unit unit,
                      llvm::SMRange range) {
  auto expr = std::make_shared<Expr>();
  expr->op = op;
  expr->args = std::move(args);
  expr->unit = std::move(unit);
  expr->range = range;
  expr->isBoolean = isBooleanOp(op);
  // Fold arithmetic on constants so unit conversions of literals cost
  // nothing at run time.
  if (!expr->isBoolean) {
    bool allConstant = !expr->args.empty();
    for (const ExprP &arg : expr->args)
      allConstant &= arg->op == Op::Constant;
    if (allConstant) {
      double value = evaluate(*expr, [](const Expr &) { return 0.0; });
      ExprP folded = makeConstant(value, expr->unit);
      std::const_pointer_cast<Expr>(folded)->range = range;
      return folded;
    }
  }
  return expr;
}

ExprP model::makeCall(Builtin fn, std::vector<ExprP> args, Unit unit,
                      llvm::SMRange range) {
  auto expr = std::make_shared<Expr>();
  expr->op = Op::Call;
  expr->fn = fn;
  expr->args = std::move(args);
  expr->unit = std::move(unit);
  expr->range = range;
  return expr;
}

bool model::references(const Expr &expr, Op op) {
  if (expr.op == op)
    return true;
  for (const ExprP &arg : expr.args)
    if (references(*arg, op))
      return true;
  return false;
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

std::string model::formatQuantity(double value, const Unit &unit) {
  std::string text = formatNumber(value);
  if (!(unit.isDimensionless() && unit.scale().isOne()))
    text += " " + unit.str();
  return text;
}

std::string model::ruleViolation(const Param &param, double value) {
  switch (param.rule) {
  case Param::Rule::Any:
    return "";
  case Param::Rule::NonZero:
    return value != 0 ? "" : "must not be zero (" + param.ruleReason + ")";
  case Param::Rule::Positive:
    return value > 0 ? "" : "must be positive (" + param.ruleReason + ")";
  case Param::Rule::NonNegative:
    return value >= 0 ? "" : "must not be negative (" + param.ruleReason + ")";
  }
  return "";
}

StepCount model::countSteps(double durationMs, double dtMs, bool records) {
  using Problem = StepCount::Problem;
  auto ms = [](double value) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g ms", value);
    return std::string(text);
  };
  StepCount count;
  auto fail = [&](Problem problem, std::string why) {
    count.problem = problem;
    count.why = std::move(why);
    return count;
  };
  if (!(dtMs > 0))
    return fail(Problem::TimeStep, "the time step must be positive");
  if (!std::isfinite(dtMs))
    return fail(Problem::TimeStep, "the time step must be finite");
  if (!(durationMs >= 0))
    return fail(Problem::Duration, "the run duration must not be negative");
  if (!std::isfinite(durationMs))
    return fail(Problem::Duration, "the run duration must be finite");
  // A step longer than the run by rounding only is the run.
  if (durationMs > 0 && dtMs > durationMs * (1 + 1e-9))
    return fail(Problem::TimeStep, "the time step (" + ms(dtMs) +
                                       ") is longer than the run (" +
                                       ms(durationMs) + ")");
  // At most maxRunSteps before it becomes an integer: no overflow.
  double quotient = durationMs / dtMs;
  if (!(quotient <= maxRunSteps)) {
    char steps[32];
    std::snprintf(steps, sizeof(steps), "%.3g", quotient);
    return fail(Problem::TooManySteps,
                "the run has more than 10^12 steps (" + ms(durationMs) +
                    " at dt " + ms(dtMs) + " is " + steps + " steps)");
  }
  count.steps = static_cast<int64_t>(std::ceil(quotient - 1e-9));
  if (records && count.steps > maxRecordedSteps)
    return fail(Problem::TooManySteps,
                "a run that records has at most 2^31 - 1 steps (recorded "
                "times are int32 step numbers), but " +
                    ms(durationMs) + " at dt " + ms(dtMs) + " is " +
                    std::to_string(count.steps) + " steps");
  return count;
}

double model::exprel(double x) {
  // (e^x - 1)/x loses all precision near 0; expm1 keeps it.
  if (std::abs(x) < 1e-300)
    return 1.0;
  return std::expm1(x) / x;
}

double model::evaluate(const Expr &expr,
                       llvm::function_ref<double(const Expr &)> leafValue) {
  auto arg = [&](unsigned i) { return evaluate(*expr.args[i], leafValue); };
  switch (expr.op) {
  case Op::Constant:
    return expr.value;
  case Op::Param:
  case Op::State:
  case Op::Input:
  case Op::Time:
  case Op::Dt:
  case Op::NeuronIndex:
  case Op::Weight:
  case Op::SynapseState:
  case Op::TargetState:
  case Op::Random:
    return leafValue(expr);
  case Op::Negate:
    return -arg(0);
  case Op::Add:
    return arg(0) + arg(1);
  case Op::Sub:
    return arg(0) - arg(1);
  case Op::Mul:
    return arg(0) * arg(1);
  case Op::Div:
    return arg(0) / arg(1);
  case Op::Pow:
    return std::pow(arg(0), arg(1));
  case Op::Less:
    return arg(0) < arg(1);
  case Op::LessEqual:
    return arg(0) <= arg(1);
  case Op::Greater:
    return arg(0) > arg(1);
  case Op::GreaterEqual:
    return arg(0) >= arg(1);
  case Op::Equal:
    return arg(0) == arg(1);
  case Op::NotEqual:
    return arg(0) != arg(1);
  case Op::And:
    return arg(0) != 0 && arg(1) != 0;
  case Op::Or:
    return arg(0) != 0 || arg(1) != 0;
  case Op::Not:
    return arg(0) == 0;
  case Op::Select:
    return arg(0) != 0 ? arg(1) : arg(2);
  case Op::Call:
    switch (expr.fn) {
    case Builtin::Exp:
      return std::exp(arg(0));
    case Builtin::Log:
      return std::log(arg(0));
    case Builtin::Sqrt:
      return std::sqrt(arg(0));
    case Builtin::Abs:
      return std::abs(arg(0));
    case Builtin::Min:
      return std::min(arg(0), arg(1));
    case Builtin::Max:
      return std::max(arg(0), arg(1));
    case Builtin::Exprel:
      return exprel(arg(0));
    case Builtin::Sin:
      return std::sin(arg(0));
    case Builtin::Cos:
      return std::cos(arg(0));
    case Builtin::Tanh:
      return std::tanh(arg(0));
    case Builtin::Clip:
      return std::min(std::max(arg(0), arg(1)), arg(2));
    }
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

namespace {
const char *opSpelling(Op op) {
  switch (op) {
  case Op::Add:
    return "+";
  case Op::Sub:
    return "-";
  case Op::Mul:
    return "*";
  case Op::Div:
    return "/";
  case Op::Pow:
    return "^";
  case Op::Less:
    return "<";
  case Op::LessEqual:
    return "<=";
  case Op::Greater:
    return ">";
  case Op::GreaterEqual:
    return ">=";
  case Op::Equal:
    return "==";
  case Op::NotEqual:
    return "!=";
  case Op::And:
    return "and";
  case Op::Or:
    return "or";
  default:
    return "?";
  }
}
} // namespace

void model::printExpr(
    const Expr &expr, llvm::raw_ostream &os,
    llvm::function_ref<std::string(const Expr &leaf)> leafName) {
  auto print = [&](const Expr &sub) { printExpr(sub, os, leafName); };
  switch (expr.op) {
  case Op::Constant:
    os << llvm::format("%g", expr.value);
    return;
  case Op::Param:
  case Op::State:
  case Op::Input:
  case Op::SynapseState:
  case Op::TargetState:
    os << leafName(expr);
    return;
  case Op::Time:
    os << "t";
    return;
  case Op::Random:
    os << (expr.draw == Draw::Normal       ? "randn()"
           : expr.draw == Draw::WhiteNoise ? "xi"
                                           : "rand()");
    return;
  case Op::Dt:
    os << "dt";
    return;
  case Op::NeuronIndex:
    os << "i";
    return;
  case Op::Weight:
    os << "w";
    return;
  case Op::Negate:
    os << "(-";
    print(*expr.args[0]);
    os << ")";
    return;
  case Op::Not:
    os << "(not ";
    print(*expr.args[0]);
    os << ")";
    return;
  case Op::Select:
    os << "(";
    print(*expr.args[1]);
    os << " if ";
    print(*expr.args[0]);
    os << " else ";
    print(*expr.args[2]);
    os << ")";
    return;
  case Op::Call:
    os << builtinName(expr.fn) << "(";
    for (size_t i = 0; i < expr.args.size(); ++i) {
      if (i)
        os << ", ";
      print(*expr.args[i]);
    }
    os << ")";
    return;
  default:
    os << "(";
    print(*expr.args[0]);
    os << " " << opSpelling(expr.op) << " ";
    print(*expr.args[1]);
    os << ")";
    return;
  }
}

void model::printSummary(const Model &model, llvm::raw_ostream &os) {
  for (const Population &pop : model.populations) {
    const NeuronModel &neuron = model.neurons[pop.neuron];
    os << "population " << pop.name << ": " << pop.size << " x " << neuron.name
       << "\n";
    for (size_t p = 0; p < neuron.params.size(); ++p) {
      os << "  param " << neuron.params[p].name << " = ";
      if (pop.perNeuronParams[p])
        os << "per neuron";
      else
        os << llvm::format("%g", pop.params[p]) << " "
           << neuron.params[p].unit.str();
      os << "\n";
    }
    for (size_t s = 0; s < neuron.states.size(); ++s) {
      const State &state = neuron.states[s];
      os << "  state " << state.name << " [" << state.unit.str() << "]";
      for (const Equation &eq : neuron.equations)
        if (eq.state == s)
          os << "  d" << state.name << "/dt by "
             << integratorName(eq.integrator) << " (" << eq.integratorReason
             << ")";
      os << "\n";
    }
    for (const Input &input : neuron.inputs)
      os << "  input " << input.name << " [" << input.unit.str() << "]\n";
  }
  for (size_t p = 0; p < model.projections.size(); ++p) {
    const Projection &proj = model.projections[p];
    auto slice = [&](const Slice &s) {
      const Population &pop = model.populations[s.population];
      std::string text = pop.name;
      if (s.begin != 0 || s.end != pop.size)
        text +=
            "[" + std::to_string(s.begin) + ":" + std::to_string(s.end) + "]";
      return text;
    };
    const SynapseModel &syn = model.synapses[proj.synapse];
    const NeuronModel &post =
        model.neurons[model.populations[proj.target.population].neuron];
    os << "projection " << p << ": " << slice(proj.source) << " -> "
       << slice(proj.target) << ", " << syn.name;
    if (proj.hasOutput())
      os << " + " << model.outputs[proj.output].name << " into "
         << post.inputs[proj.targetInput].name;
    for (const SynapseModel::TargetJump &jump : syn.targetJumps)
      os << ", jumps " << jump.targetState;
    os << ", " << connectivityName(proj.connectivity.kind);
    switch (proj.connectivity.kind) {
    case Connectivity::Kind::FixedPerPre:
    case Connectivity::Kind::FixedPerPost:
    case Connectivity::Kind::FixedTotalNumber:
      os << "(" << proj.connectivity.count << ")";
      break;
    case Connectivity::Kind::FixedProb:
      os << "(" << proj.connectivity.probability << ")";
      break;
    default:
      break;
    }
    os << ", weight ";
    if (proj.weight.kind == Initializer::Kind::Expression)
      os << llvm::format("%g", proj.weight.value->value);
    else
      os << (proj.weight.kind == Initializer::Kind::Normal ? "normal"
                                                           : "uniform")
         << "(" << llvm::format("%g", proj.weight.a) << ", "
         << llvm::format("%g", proj.weight.b) << ")";
    os << " " << syn.weightUnit.str() << "\n";
    if (proj.hasOutput()) {
      const OutputModel &out = model.outputs[proj.output];
      os << "  current [" << post.inputs[proj.targetInput].unit.str() << "] = ";
      printExpr(*proj.current, os, [&](const Expr &leaf) -> std::string {
        switch (leaf.op) {
        case Op::Param:
          return out.params[leaf.index].name + "=" +
                 formatNumber(proj.outputParams[leaf.index]);
        case Op::SynapseState:
          return syn.states[leaf.index].name;
        case Op::TargetState:
          return post.states[leaf.index].name;
        default:
          return "?";
        }
      });
      os << "\n";
    }
    for (size_t s = 0; s < syn.states.size(); ++s) {
      if (syn.isHidden(s))
        continue;
      os << "  synapse state " << syn.states[s].name << " ["
         << syn.states[s].unit.str() << "]";
      for (const Equation &eq : syn.equations)
        if (eq.state == s)
          os << "  d" << syn.states[s].name << "/dt by "
             << integratorName(eq.integrator) << " (" << eq.integratorReason
             << ")";
      os << "\n";
    }
  }
  for (const Drive &drive : model.drives) {
    const Population &pop = model.populations[drive.target.population];
    const Input &input = model.neurons[pop.neuron].inputs[drive.input];
    os << "drive " << pop.name << "." << input.name << " = "
       << llvm::format("%g", drive.value) << " " << input.unit.str() << "\n";
  }
  for (const PoissonInput &input : model.poissonInputs) {
    const Population &pop = model.populations[input.target.population];
    const State &state = model.neurons[pop.neuron].states[input.state];
    os << "poisson_input " << pop.name << "." << state.name
       << " += " << llvm::format("%g", input.weight)
       << (state.unit.isDimensionless() ? "" : " " + state.unit.str())
       << " from " << llvm::format("%g", input.sources) << " sources at "
       << llvm::format("%g", input.rateHz) << " Hz\n";
  }
  if (model.run) {
    const RunSettings &run = *model.run;
    os << "run " << llvm::format("%g", run.durationMs) << " ms, dt "
       << llvm::format("%g", run.dtMs) << " ms, seed " << run.seed << ", "
       << run.records.size() << " recording"
       << (run.records.size() == 1 ? "" : "s") << "\n";
  }
}

std::optional<model::StateRef>
model::findNeuronState(const Model &model, llvm::StringRef population,
                       llvm::StringRef state) {
  for (unsigned p = 0; p < model.populations.size(); ++p) {
    const Population &pop = model.populations[p];
    if (pop.name != population)
      continue;
    const NeuronModel &neuron = model.neurons[pop.neuron];
    for (unsigned s = 0; s < neuron.states.size(); ++s)
      if (neuron.states[s].name == state)
        return StateRef{p, s};
  }
  return std::nullopt;
}
