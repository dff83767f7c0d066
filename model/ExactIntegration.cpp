//===- ExactIntegration.cpp - Linear ODEs stepped by their propagator -----===//

#include "snnc/model/ExactIntegration.h"

#include "snnc/dsl/Calculus.h"

#include <Eigen/Dense>
#include <unsupported/Eigen/MatrixFunctions>

using namespace snnc;
using namespace snnc::model;

namespace {

/// Names the first leaf that makes a coefficient vary, for the message.
std::string describeVarying(const Expr &expr) {
  switch (expr.op) {
  case Op::State:
    return "a state";
  case Op::Input:
  case Op::SynapseState:
    return "a synaptic input (e.g. a conductance)";
  case Op::Param:
    return "a per-neuron parameter";
  case Op::Time:
    return "the time t";
  case Op::Random:
    return "a random draw";
  default:
    break;
  }
  for (const ExprP &arg : expr.args) {
    std::string found = describeVarying(*arg);
    if (!found.empty())
      return found;
  }
  return "";
}

} // namespace

std::variant<std::vector<ExprP>, std::string>
snnc::exactUpdates(const std::vector<ExprP> &rhs,
                   const std::vector<unsigned> &states, double dtMs) {
  size_t n = states.size();
  Eigen::MatrixXd a(n, n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      ExprP coefficient = differentiate(rhs[i], [&](const Expr &leaf) {
        return leaf.op == Op::State && leaf.index == states[j];
      });
      if (!coefficient)
        return std::string("its right-hand side is not differentiable");
      if (coefficient->op != Op::Constant)
        return "it is not linear with constant coefficients: a coefficient "
               "depends on " +
               describeVarying(*coefficient);
      a(i, j) = coefficient->value;
    }

  // exp([[A, I], [0, 0]] dt) = [[e^(A dt), P], [0, I]].
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(2 * n, 2 * n);
  augmented.topLeftCorner(n, n) = a * dtMs;
  augmented.topRightCorner(n, n) = Eigen::MatrixXd::Identity(n, n) * dtMs;
  Eigen::MatrixXd exponential = augmented.exp();
  Eigen::MatrixXd propagator = exponential.topLeftCorner(n, n);
  Eigen::MatrixXd inputGain = exponential.topRightCorner(n, n);

  // b = F(0): the part of each right-hand side that is not in A X.
  std::vector<ExprP> inputs;
  for (size_t i = 0; i < n; ++i)
    inputs.push_back(substitute(rhs[i], [&](const ExprP &leaf) -> ExprP {
      if (leaf->op == Op::State &&
          std::find(states.begin(), states.end(), leaf->index) != states.end())
        return makeConstant(0.0, leaf->unit);
      return leaf;
    }));

  std::vector<ExprP> updates;
  for (size_t i = 0; i < n; ++i) {
    ExprP sum;
    auto addTerm = [&](double factor, const ExprP &value) {
      if (factor == 0 || (value->op == Op::Constant && value->value == 0))
        return;
      ExprP term = makeNode(Op::Mul, {makeConstant(factor), value}, Unit());
      sum = sum ? makeNode(Op::Add, {sum, term}, Unit()) : term;
    };
    for (size_t j = 0; j < n; ++j)
      addTerm(propagator(i, j), makeLeaf(Op::State, states[j], Unit()));
    for (size_t j = 0; j < n; ++j)
      addTerm(inputGain(i, j), inputs[j]);
    updates.push_back(sum ? sum : makeConstant(0.0));
  }
  return updates;
}
