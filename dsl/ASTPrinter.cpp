//===- ASTPrinter.cpp - Readable dump of the syntax tree ------------------===//
//
// `snnc emit ast` output: one node per line, indented by depth, expressions
// in fully parenthesised form so precedence is visible.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/AST.h"

#include "llvm/Support/Format.h"

using namespace snnc::ast;

const char *snnc::ast::binaryOpSpelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add:
    return "+";
  case BinaryOp::Sub:
    return "-";
  case BinaryOp::Mul:
    return "*";
  case BinaryOp::Div:
    return "/";
  case BinaryOp::Pow:
    return "^";
  case BinaryOp::Less:
    return "<";
  case BinaryOp::LessEqual:
    return "<=";
  case BinaryOp::Greater:
    return ">";
  case BinaryOp::GreaterEqual:
    return ">=";
  case BinaryOp::Equal:
    return "==";
  case BinaryOp::NotEqual:
    return "!=";
  case BinaryOp::And:
    return "and";
  case BinaryOp::Or:
    return "or";
  }
  return "?";
}

bool snnc::ast::isComparison(BinaryOp op) {
  switch (op) {
  case BinaryOp::Less:
  case BinaryOp::LessEqual:
  case BinaryOp::Greater:
  case BinaryOp::GreaterEqual:
  case BinaryOp::Equal:
  case BinaryOp::NotEqual:
    return true;
  default:
    return false;
  }
}

const char *snnc::ast::assignOpSpelling(AssignOp op) {
  switch (op) {
  case AssignOp::Set:
    return "=";
  case AssignOp::Add:
    return "+=";
  case AssignOp::Sub:
    return "-=";
  case AssignOp::Mul:
    return "*=";
  case AssignOp::Div:
    return "/=";
  }
  return "?";
}

namespace {

void printUnit(const UnitExpr &unit, llvm::raw_ostream &os) {
  if (unit.factors.empty()) {
    os << "1";
    return;
  }
  bool first = true;
  for (const UnitFactor &factor : unit.factors) {
    if (!first)
      os << "*";
    first = false;
    os << factor.symbol.name;
    if (factor.power != 1)
      os << "^" << factor.power.str();
  }
}

void printArgs(const std::vector<ExprPtr> &args,
               const std::vector<Ident> &names, llvm::raw_ostream &os) {
  os << "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i)
      os << ", ";
    if (i < names.size() && !names[i].empty())
      os << names[i].name << " = ";
    print(*args[i], os);
  }
  os << ")";
}

void printCall(const Call &call, llvm::raw_ostream &os) {
  os << call.callee.name;
  printArgs(call.args, call.argNames, os);
}

void printRef(const PopulationRef &ref, llvm::raw_ostream &os) {
  os << ref.population.name;
  if (ref.sliced) {
    os << "[";
    if (ref.begin)
      os << *ref.begin;
    os << ":";
    if (ref.end)
      os << *ref.end;
    os << "]";
  }
}

void printVariable(llvm::StringRef kind, const VariableDecl &var,
                   llvm::raw_ostream &os) {
  os << "    " << kind << " " << var.name.name;
  if (var.unit) {
    os << " : ";
    printUnit(*var.unit, os);
  }
  if (var.value) {
    os << " = ";
    print(*var.value, os);
  }
  os << "\n";
}

void printBody(const ModelBody &body, llvm::raw_ostream &os) {
  for (const VariableDecl &param : body.params)
    printVariable("param", param, os);
  for (const VariableDecl &state : body.states)
    printVariable("state", state, os);
  for (const VariableDecl &let : body.lets)
    printVariable("let", let, os);
  for (const OdeDecl &ode : body.odes) {
    os << "    ode d" << ode.state.name << "/dt = ";
    print(*ode.rhs, os);
    if (!ode.integrator.empty())
      os << " using " << ode.integrator.name;
    if (ode.unlessRefractory.isValid())
      os << " unless refractory";
    os << "\n";
  }
  if (!body.integrator.empty())
    os << "    integrator " << body.integrator.name << "\n";
}

} // namespace

void snnc::ast::print(const Expr &expr, llvm::raw_ostream &os) {
  switch (expr.kind) {
  case ExprKind::Number:
    os << llvm::format("%g", expr.number);
    if (expr.unit) {
      os << " " << expr.unit->symbol.name;
      if (expr.unit->power != 1)
        os << "^" << expr.unit->power.str();
    }
    return;
  case ExprKind::Name:
    os << expr.name.name;
    return;
  case ExprKind::Unary:
    os << "("
       << (expr.unaryOp == UnaryOp::Negate ? "-"
           : expr.unaryOp == UnaryOp::Plus ? "+"
                                           : "not ");
    print(*expr.operands[0], os);
    os << ")";
    return;
  case ExprKind::Binary:
    os << "(";
    print(*expr.operands[0], os);
    os << " " << binaryOpSpelling(expr.binaryOp) << " ";
    print(*expr.operands[1], os);
    os << ")";
    return;
  case ExprKind::Conditional:
    os << "(";
    print(*expr.operands[0], os);
    os << " if ";
    print(*expr.operands[1], os);
    os << " else ";
    print(*expr.operands[2], os);
    os << ")";
    return;
  case ExprKind::Call:
    os << expr.name.name;
    printArgs(expr.operands, expr.argumentNames, os);
    return;
  }
}

void snnc::ast::print(const Module &module, llvm::raw_ostream &os) {
  for (const ImportDecl &import : module.imports)
    os << "import \"" << import.path << "\"\n";
  for (const NeuronDecl &neuron : module.neurons) {
    os << "neuron " << neuron.name.name << "\n";
    printBody(neuron, os);
    for (const InputDecl &input : neuron.inputs) {
      os << "    input " << input.name.name << " : ";
      printUnit(input.unit, os);
      os << "\n";
    }
    if (neuron.spike) {
      os << "    spike ";
      print(*neuron.spike, os);
      os << "\n";
    }
    if (neuron.reset) {
      os << "    reset "
         << (neuron.reset->kind == ResetDecl::Soft ? "soft" : "hard") << " to ";
      print(*neuron.reset->value, os);
      os << "\n";
    }
    for (const Assignment &assign : neuron.onSpike) {
      os << "    on_spike " << assign.target.name << " "
         << assignOpSpelling(assign.op) << " ";
      print(*assign.value, os);
      os << "\n";
    }
    if (neuron.refractory) {
      os << "    refractory ";
      print(*neuron.refractory, os);
      if (neuron.refractoryByTime)
        os << " counted by time";
      os << "\n";
    }
    if (neuron.refractoryCondition) {
      os << "    refractory while ";
      print(*neuron.refractoryCondition, os);
      os << "\n";
    }
  }
  for (const SynapseDecl &synapse : module.synapses) {
    os << "synapse " << synapse.name.name << "\n";
    printBody(synapse, os);
    if (synapse.orderRange.Start.isValid())
      os << "    increment "
         << (synapse.incrementBeforeDecay ? "before" : "after") << " decay\n";
    for (const Assignment &assign : synapse.onPre) {
      os << "    on_pre " << assign.target.name << " "
         << assignOpSpelling(assign.op) << " ";
      print(*assign.value, os);
      os << "\n";
    }
  }
  for (const OutputDecl &output : module.outputs) {
    os << "output " << output.name.name << "\n";
    printBody(output, os);
    if (output.current) {
      os << "    current ";
      print(*output.current, os);
      os << "\n";
    }
  }
  for (const PopulationDecl &pop : module.populations) {
    os << "population " << pop.name.name << " = ";
    printCall(pop.model, os);
    os << "\n";
    for (const Initializer &init : pop.initializers) {
      os << "    " << init.target.name << (init.sampled ? " ~ " : " = ");
      print(*init.value, os);
      os << "\n";
    }
  }
  for (const ProjectionDecl &proj : module.projections) {
    os << "project ";
    printRef(proj.source, os);
    os << " -> ";
    printRef(proj.target, os);
    os << "\n";
    if (proj.synapse) {
      os << "    synapse ";
      printCall(*proj.synapse, os);
      os << "\n";
    }
    if (proj.output) {
      os << "    output ";
      printCall(*proj.output, os);
      if (!proj.outputInput.empty())
        os << " to " << proj.outputInput.name;
      os << "\n";
    }
    if (proj.connect) {
      os << "    connect ";
      printCall(*proj.connect, os);
      os << "\n";
    }
    if (proj.weight) {
      os << "    weight " << (proj.weightSampled ? "~ " : "");
      print(*proj.weight, os);
      os << "\n";
    }
  }
  for (const DriveDecl &drive : module.drives) {
    os << "drive ";
    printRef(drive.target, os);
    os << "." << drive.input.name << " = ";
    print(*drive.value, os);
    os << "\n";
  }
  for (const PoissonInputDecl &input : module.poissonInputs) {
    os << "poisson_input ";
    printRef(input.target, os);
    os << "." << input.state.name << " += ";
    print(*input.weight, os);
    os << " from ";
    print(*input.sources, os);
    os << " sources at ";
    print(*input.rate, os);
    os << "\n";
  }
  for (const RunDecl &run : module.runs) {
    os << "run ";
    print(*run.duration, os);
    if (run.dt) {
      os << " dt ";
      print(*run.dt, os);
    }
    if (run.seed) {
      os << " seed ";
      print(*run.seed, os);
    }
    os << "\n";
    for (const RecordDecl &record : run.records) {
      os << "    record ";
      printRef(record.target, os);
      os << "." << record.variable.name << "\n";
    }
  }
}
