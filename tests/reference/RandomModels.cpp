//===- RandomModels.cpp - Random valid .snn models, and shrinking ---------===//
//
// Units are kept valid by construction: every extra term of dV/dt's
// numerator is a voltage built from voltages (V, u, V_rest, c, literals in
// mV) with sums, differences, products with dimensionless numbers,
// products of two voltages divided by the voltage parameter c, quotients
// by plain numbers and c * tanh(voltage / c). Terms carry a small factor
// so that most models stay bounded and spike at a plausible rate.
//
//===----------------------------------------------------------------------===//

#include "RandomModels.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <tuple>

using namespace snnc;
using namespace snnc::testing;

namespace {

/// Deterministic draws from mt19937's raw 32-bit output.
class Draw {
public:
  explicit Draw(uint32_t seed) : engine(seed) {}
  /// An integer in [0, n).
  unsigned below(unsigned n) { return n ? engine() % n : 0; }
  /// A real in [low, high).
  double real(double low, double high) {
    return low + (high - low) * (engine() / 4294967296.0);
  }
  bool chance(double p) { return real(0, 1) < p; }
  template <typename T> const T &pick(const std::vector<T> &items) {
    return items[below(static_cast<unsigned>(items.size()))];
  }

private:
  std::mt19937 engine;
};

/// A number with few digits, as written in a model.
std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

std::string quantity(double value, const char *unit) {
  // A leading minus is unary minus on the quantity, which the language
  // accepts anywhere a value is expected.
  return number(value) + " " + unit;
}

std::string slice(const std::string &pop, int64_t begin, int64_t end,
                  int64_t size) {
  if (begin == 0 && end == size)
    return pop;
  return pop + "[" + std::to_string(begin) + ":" + std::to_string(end) + "]";
}

/// A random voltage-valued expression of the neuron's names.
std::string voltage(Draw &draw, int depth, bool adaptation) {
  if (depth == 0 || draw.chance(0.3)) {
    std::vector<std::string> leaves = {"V", "(V - V_rest)", "c", "V_rest",
                                       quantity(draw.real(-5, 5), "mV")};
    if (adaptation)
      leaves.push_back("u");
    return draw.pick(leaves);
  }
  auto sub = [&] { return voltage(draw, depth - 1, adaptation); };
  switch (draw.below(7)) {
  case 0:
    return "(" + sub() + " + " + sub() + ")";
  case 1:
    return "(" + sub() + " - " + sub() + ")";
  case 2:
    return (draw.chance(0.5) ? std::string("a")
                             : number(draw.real(0.01, 0.5))) +
           " * " + sub();
  case 3:
    return "(" + sub() + " * " + sub() + " / c)";
  case 4:
    return "(" + sub() + " / " + number(draw.real(2, 10)) + ")";
  case 5:
    return "-" + sub();
  default:
    return "c * tanh(" + sub() + " / c)";
  }
}

std::string integrator(Draw &draw) {
  return draw.pick(std::vector<std::string>{"euler", "exp_euler", "rk2", "rk4",
                                            "exp_euler"});
}

RandomNeuron makeNeuron(Draw &draw, unsigned index) {
  RandomNeuron n;
  n.name = "N" + std::to_string(index);
  double rest = draw.real(-70, -55);
  double threshold = rest + draw.real(5, 15);
  n.rest = rest;
  n.threshold = threshold;
  n.params = {
      "param V_rest = " + quantity(rest, "mV"),
      "param V_th = " + quantity(threshold, "mV"),
      "param V_reset = " + quantity(rest - draw.real(0, 5), "mV"),
      "param tau = " + quantity(draw.real(5, 30), "ms"),
      "param tau_u = " + quantity(draw.real(20, 100), "ms"),
      "param tau_ref = " + quantity(draw.real(0.5, 3), "ms"),
      "param a = " + number(draw.real(0, 0.5)),
      "param c = " + quantity(draw.real(50, 200), "mV"),
      "param R = 1 ohm",
  };
  n.adaptation = draw.chance(0.4);
  n.secondInput = draw.chance(0.3);
  unsigned terms = draw.below(3);
  for (unsigned k = 0; k < terms; ++k)
    n.termsV.push_back(number(draw.real(0.02, 0.2)) + " * " +
                       voltage(draw, 2, n.adaptation));
  if (n.adaptation && draw.chance(0.4))
    n.termsU.push_back(number(draw.real(0.02, 0.2)) + " * " +
                       voltage(draw, 1, true));
  n.integratorV = integrator(draw);
  n.integratorU = integrator(draw);
  n.spike = draw.chance(0.8) ? "V >= V_th" : "V > V_th";
  n.reset = draw.pick(std::vector<std::string>{"soft", "hard", "hard", ""});
  // Soft resets are brainpy's LIFRef, whose period is counted by time.
  if (!n.reset.empty() && draw.chance(0.5))
    n.refractory = n.reset == "soft" ? "tau_ref counted by time" : "tau_ref";
  // Adaptation jumps on a spike (Izhikevich's u += d, AdEx's w += b),
  // without a draw, so that no other part of a model moves.
  if (n.adaptation)
    n.onSpike.push_back("u += 0.05 * c");
  // Also without draws: a neuron without a reset spikes on upward
  // crossings (COBAHH's refractory condition), and one with adaptation
  // and a period whose two equations share an integrator holds both.
  if (n.reset.empty())
    n.refractory = "while " + n.spike;
  if (n.adaptation && n.refractory.rfind("tau_ref", 0) == 0 &&
      n.integratorU == n.integratorV)
    n.holdV = n.holdU = true;
  return n;
}

RandomSynapse makeSynapse(Draw &draw, unsigned index) {
  RandomSynapse s;
  s.name = "S" + std::to_string(index);
  s.kind = draw.pick(
      std::vector<std::string>{"expon", "expon", "alpha", "latch", "scaled"});
  s.conductance = draw.chance(0.5);
  s.integrator = integrator(draw);
  // Without a draw, so that no other part of a model moves: every other
  // current-based exponential synapse also jumps its target's V.
  s.jumps = s.kind == "expon" && !s.conductance && index % 2 == 1;
  return s;
}

/// A random slice [begin, end) of [0, size).
std::pair<int64_t, int64_t> randomSlice(Draw &draw, int64_t size) {
  if (draw.chance(0.5))
    return {0, size};
  int64_t begin = draw.below(static_cast<unsigned>(size));
  int64_t end = begin + 1 + draw.below(static_cast<unsigned>(size - begin));
  return {begin, end};
}

} // namespace

RandomModel testing::generateModel(uint32_t seed) {
  Draw draw(seed);
  RandomModel m;
  unsigned numNeurons = 1 + draw.below(2);
  for (unsigned k = 0; k < numNeurons; ++k)
    m.neurons.push_back(makeNeuron(draw, k));
  unsigned numSynapses = 1 + draw.below(3);
  for (unsigned k = 0; k < numSynapses; ++k)
    m.synapses.push_back(makeSynapse(draw, k));

  unsigned numPops = 1 + draw.below(3);
  int64_t budget = 200;
  for (unsigned k = 0; k < numPops; ++k) {
    RandomPopulation pop;
    pop.name = "P" + std::to_string(k);
    pop.neuron = draw.below(numNeurons);
    int64_t most = std::max<int64_t>(1, budget - int64_t(numPops - k - 1));
    pop.size =
        1 + draw.below(static_cast<unsigned>(std::min<int64_t>(most, 80)));
    budget -= pop.size;
    const RandomNeuron &neuron = m.neurons[pop.neuron];
    switch (draw.below(3)) {
    case 0:
      pop.initializers.push_back("V ~ uniform(" + quantity(neuron.rest, "mV") +
                                 ", " + quantity(neuron.threshold, "mV") + ")");
      break;
    case 1:
      pop.initializers.push_back("V ~ normal(" +
                                 quantity(neuron.rest + 3, "mV") + ", 2 mV)");
      break;
    default:
      pop.initializers.push_back("V = V_rest + i * 0.1 mV");
      break;
    }
    if (draw.chance(0.4))
      pop.initializers.push_back("tau ~ uniform(5 ms, 25 ms)");
    if (draw.chance(0.3))
      pop.initializers.push_back("V_th = V_rest + 8 mV + i * 0.02 mV");
    if (draw.chance(0.3))
      pop.initializers.push_back("tau_ref ~ uniform(0.5 ms, 3 ms)");
    if (draw.chance(0.2))
      pop.initializers.push_back("a = 0.1");
    m.populations.push_back(pop);
  }

  unsigned numProjections = draw.below(5);
  for (unsigned k = 0; k < numProjections; ++k) {
    RandomProjection p;
    p.source = draw.below(numPops);
    p.target = draw.below(numPops);
    const RandomPopulation &source = m.populations[p.source];
    const RandomPopulation &target = m.populations[p.target];
    std::tie(p.sourceBegin, p.sourceEnd) = randomSlice(draw, source.size);
    std::tie(p.targetBegin, p.targetEnd) = randomSlice(draw, target.size);
    p.synapse = draw.below(numSynapses);
    const RandomSynapse &synapse = m.synapses[p.synapse];
    p.synapseArgs = "(tau = " + quantity(draw.real(1, 10), "ms") + ")";
    const RandomNeuron &neuron = m.neurons[target.neuron];
    p.input = neuron.secondInput && draw.chance(0.5) ? "J" : "I";
    double scale;
    if (synapse.conductance) {
      p.output =
          "Coba(E = " + quantity(draw.chance(0.7) ? 0.0 : -80.0, "mV") + ")";
      scale = draw.real(0.01, 0.3);
    } else {
      p.output = draw.chance(0.5)
                     ? std::string("Cuba")
                     : "CubaScaled(k = " + number(draw.real(0.5, 2)) + ")";
      scale = draw.real(0.1, 2) * (draw.chance(0.7) ? 1 : -1);
    }
    const char *unit = synapse.conductance ? "mS" : "mA";
    switch (draw.below(3)) {
    case 0:
      p.weight = quantity(scale, unit);
      break;
    case 1:
      p.weight = "~ normal(" + quantity(scale, unit) + ", " +
                 quantity(std::abs(scale) * 0.2, unit) + ")";
      break;
    default:
      p.weight = "~ uniform(" + quantity(scale * 0.5, unit) + ", " +
                 quantity(scale, unit) + ")";
      break;
    }
    if (p.weight.find("uniform") != std::string::npos && scale < 0)
      p.weight = "~ uniform(" + quantity(scale, unit) + ", " +
                 quantity(scale * 0.5, unit) + ")";
    int64_t sourceSize = p.sourceEnd - p.sourceBegin;
    int64_t targetSize = p.targetEnd - p.targetBegin;
    switch (draw.below(6)) {
    case 0:
      p.connect = "fixed_prob(" + number(draw.real(0.05, 0.5)) + ")";
      break;
    case 1:
      p.connect = "fixed_per_pre(" + std::to_string(1 + draw.below(5)) + ")";
      break;
    case 2:
      p.connect = "fixed_per_post(" + std::to_string(1 + draw.below(5)) + ")";
      break;
    case 3:
      p.connect = "fixed_per_pre(0.5)";
      if (targetSize < 2)
        p.connect = "all_to_all";
      break;
    case 4:
      // Half of these draw the same number of synapses at random
      // (decided by the sizes, so that no other draw moves).
      p.connect = (sourceSize + targetSize) % 2 == 0
                      ? "fixed_total_number(" +
                            std::to_string(sourceSize * targetSize / 2) + ")"
                      : "all_to_all";
      break;
    default:
      // one_to_one needs equal sizes: shrink the larger slice.
      p.connect = "one_to_one";
      if (sourceSize > targetSize)
        p.sourceEnd = p.sourceBegin + targetSize;
      else
        p.targetEnd = p.targetBegin + sourceSize;
      break;
    }
    // fixed_prob may draw no synapse at all; such projections got a
    // constant weight while a distributed weight without synapses crashed
    // the reference (kept, so that these models stay as they were;
    // fixed_total_number(0) covers a distributed weight without synapses).
    if (p.connect.rfind("fixed_prob", 0) == 0)
      p.weight = quantity(scale, unit);
    // Every third projection whose synapse only adds is delayed, by 2 to 6
    // steps (0.3 ms at dt 0.05, 0.1 or 0.2 ms); no draw.
    const std::string &kind = m.synapses[p.synapse].kind;
    if (m.projections.size() % 3 == 1 && (kind == "expon" || kind == "alpha"))
      p.delay = "0.3 ms";
    m.projections.push_back(p);
  }

  unsigned numDrives = 1 + draw.below(3);
  for (unsigned k = 0; k < numDrives; ++k) {
    RandomDrive d;
    d.population = draw.below(numPops);
    const RandomPopulation &pop = m.populations[d.population];
    std::tie(d.begin, d.end) = randomSlice(draw, pop.size);
    d.input = m.neurons[pop.neuron].secondInput && draw.chance(0.3) ? "J" : "I";
    d.value = quantity(draw.real(5, 25), "mA");
    m.drives.push_back(d);
  }

  double dt = draw.pick(std::vector<double>{0.05, 0.1, 0.1, 0.2});
  int steps = 100 + static_cast<int>(draw.below(401));
  // Without a draw: every other population also gets Poisson input.
  for (unsigned p = 1; p < m.populations.size(); p += 2)
    m.poissonInputs.push_back(p);
  m.run = "run " + quantity(steps * dt, "ms") + " dt " + quantity(dt, "ms") +
          " seed " + std::to_string(draw.below(1000));
  return m;
}

std::string RandomModel::print() const {
  std::string out;
  auto line = [&](const std::string &text) { out += text + "\n"; };
  for (const RandomNeuron &n : neurons) {
    line("neuron " + n.name + " {");
    for (const std::string &param : n.params)
      line("  " + param);
    line("  state V : mV = V_rest");
    if (n.adaptation)
      line("  state u : mV = 0 mV");
    line("  input I : mA");
    if (n.secondInput)
      line("  input J : mA");
    std::string numerator = "-(V - V_rest)";
    if (n.adaptation)
      numerator += " - u";
    numerator += n.secondInput ? " + R * (I + J)" : " + R * I";
    for (const std::string &term : n.termsV)
      numerator += " + " + term;
    const char *unless = " unless refractory";
    line("  dV/dt = (" + numerator + ") / tau using " + n.integratorV +
         (n.holdV ? unless : ""));
    if (n.adaptation) {
      std::string u = "a * (V - V_rest) - u";
      for (const std::string &term : n.termsU)
        u += " + " + term;
      line("  du/dt = (" + u + ") / tau_u using " + n.integratorU +
           (n.holdU ? unless : ""));
    }
    line("  spike " + n.spike);
    if (!n.reset.empty())
      line("  reset " + n.reset + " to V_reset");
    for (const std::string &statement : n.onSpike)
      line("  on_spike " + statement);
    if (!n.refractory.empty())
      line("  refractory " + n.refractory);
    line("}");
  }
  for (const RandomSynapse &s : synapses) {
    const char *unit = s.conductance ? "mS" : "mA";
    line("synapse " + s.name + " {");
    line("  param tau : ms");
    line(std::string("  state g : ") + unit + " = 0 " + unit);
    if (s.kind == "alpha") {
      line(std::string("  state h : ") + unit + " = 0 " + unit);
      line("  dg/dt = (h - g) / tau using " + s.integrator);
      line("  dh/dt = -h / tau using " + s.integrator);
      line("  on_pre h += w");
    } else {
      line("  dg/dt = -g / tau using " + s.integrator);
      if (s.kind == "latch") {
        line("  on_pre g = w");
      } else if (s.kind == "scaled") {
        line("  on_pre g *= 0.9");
        line("  on_pre g += w * 0.5");
      } else {
        line("  on_pre g += w");
      }
    }
    if (s.jumps)
      line("  on_pre V_post += 0.2 ohm * w");
    line("}");
  }
  line("output Cuba {\n  current g\n}");
  line("output CubaScaled {\n  param k = 1\n  current k * g\n}");
  line("output Coba {\n  param E : mV\n  current g * (E - V)\n}");
  for (const RandomPopulation &pop : populations) {
    line("population " + pop.name + " = " + neurons[pop.neuron].name + "(" +
         std::to_string(pop.size) + ") {");
    for (const std::string &init : pop.initializers)
      line("  " + init);
    line("}");
  }
  for (const RandomProjection &p : projections) {
    const RandomPopulation &source = populations[p.source];
    const RandomPopulation &target = populations[p.target];
    line("project " +
         slice(source.name, p.sourceBegin, p.sourceEnd, source.size) + " -> " +
         slice(target.name, p.targetBegin, p.targetEnd, target.size) + " {");
    line("  synapse " + synapses[p.synapse].name + p.synapseArgs);
    std::string to =
        neurons[target.neuron].secondInput ? " to " + p.input : std::string();
    line("  output " + p.output + to);
    line("  connect " + p.connect);
    line("  weight " + p.weight);
    if (!p.delay.empty())
      line("  delay " + p.delay);
    line("}");
  }
  for (const RandomDrive &d : drives) {
    const RandomPopulation &pop = populations[d.population];
    line("drive " + slice(pop.name, d.begin, d.end, pop.size) + "." + d.input +
         " = " + d.value);
  }
  for (unsigned p : poissonInputs)
    line("poisson_input " + populations[p].name +
         ".V += 0.5 mV from 100 sources at 50 Hz");
  line(run);
  return out;
}

namespace {

/// Every model one step smaller than `m`.
std::vector<RandomModel> smaller(const RandomModel &m) {
  std::vector<RandomModel> out;
  for (size_t k = 0; k < m.projections.size(); ++k) {
    RandomModel c = m;
    c.projections.erase(c.projections.begin() + k);
    out.push_back(c);
  }
  for (size_t k = 0; k < m.drives.size(); ++k) {
    RandomModel c = m;
    c.drives.erase(c.drives.begin() + k);
    out.push_back(c);
  }
  // A population nothing refers to.
  for (unsigned p = 0; p < m.populations.size() && m.populations.size() > 1;
       ++p) {
    bool used = false;
    for (const RandomProjection &proj : m.projections)
      used |= proj.source == p || proj.target == p;
    for (const RandomDrive &d : m.drives)
      used |= d.population == p;
    if (used)
      continue;
    RandomModel c = m;
    c.populations.erase(c.populations.begin() + p);
    for (RandomProjection &proj : c.projections) {
      proj.source -= proj.source > p;
      proj.target -= proj.target > p;
    }
    for (RandomDrive &d : c.drives)
      d.population -= d.population > p;
    out.push_back(c);
  }
  for (size_t p = 0; p < m.populations.size(); ++p)
    for (size_t k = 0; k < m.populations[p].initializers.size(); ++k) {
      RandomModel c = m;
      auto &inits = c.populations[p].initializers;
      inits.erase(inits.begin() + k);
      out.push_back(c);
    }
  for (size_t n = 0; n < m.neurons.size(); ++n) {
    const RandomNeuron &neuron = m.neurons[n];
    for (size_t k = 0; k < neuron.termsV.size(); ++k) {
      RandomModel c = m;
      c.neurons[n].termsV.erase(c.neurons[n].termsV.begin() + k);
      out.push_back(c);
    }
    for (size_t k = 0; k < neuron.termsU.size(); ++k) {
      RandomModel c = m;
      c.neurons[n].termsU.erase(c.neurons[n].termsU.begin() + k);
      out.push_back(c);
    }
    auto variant = [&](auto change) {
      RandomModel c = m;
      change(c.neurons[n]);
      out.push_back(c);
    };
    if (neuron.adaptation)
      variant([](RandomNeuron &x) {
        x.adaptation = false;
        x.onSpike.clear(); // its statements change u
        x.holdV = x.holdU = false;
      });
    if (!neuron.onSpike.empty())
      variant([](RandomNeuron &x) { x.onSpike.clear(); });
    if (!neuron.refractory.empty())
      variant([](RandomNeuron &x) {
        x.refractory.clear();
        x.holdV = x.holdU = false;
      });
    if (neuron.holdU)
      variant([](RandomNeuron &x) { x.holdV = x.holdU = false; });
    if (neuron.integratorV != "euler")
      variant([](RandomNeuron &x) { x.integratorV = "euler"; });
    if (neuron.adaptation && neuron.integratorU != "euler")
      variant([](RandomNeuron &x) { x.integratorU = "euler"; });
  }
  if (!m.poissonInputs.empty()) {
    RandomModel c = m;
    c.poissonInputs.clear();
    out.push_back(c);
  }
  for (size_t p = 0; p < m.projections.size(); ++p)
    if (!m.projections[p].delay.empty()) {
      RandomModel c = m;
      c.projections[p].delay.clear();
      out.push_back(c);
    }
  for (size_t s = 0; s < m.synapses.size(); ++s)
    if (m.synapses[s].jumps) {
      RandomModel c = m;
      c.synapses[s].jumps = false;
      out.push_back(c);
    }
  for (size_t s = 0; s < m.synapses.size(); ++s)
    if (m.synapses[s].integrator != "euler") {
      RandomModel c = m;
      c.synapses[s].integrator = "euler";
      out.push_back(c);
    }
  return out;
}

} // namespace

RandomModel
testing::shrink(const RandomModel &failing,
                llvm::function_ref<bool(const RandomModel &)> stillFails) {
  RandomModel current = failing;
  for (bool progress = true; progress;) {
    progress = false;
    for (const RandomModel &candidate : smaller(current))
      if (stillFails(candidate)) {
        current = candidate;
        progress = true;
        break;
      }
  }
  return current;
}
