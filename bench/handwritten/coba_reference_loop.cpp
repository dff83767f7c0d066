//===- coba_reference_loop.cpp - The seed model, written by hand ----------===//
//
// The COBA E/I seed model (docs/seed-semantics.md) as a hand-written C++
// loop: the yardstick snnc's generated code is measured against. It draws
// the very same network as snnc (connectivity and initial V from the runtime
// library with snnc's Philox stream ids), then runs plain loops written for
// the compiler to vectorise: event-driven propagation of the previous step's
// spikes through CSR rows (rows a few spikes ahead prefetched), one fused
// pass over the neurons (soft reset, conductance inputs, exponential Euler,
// refractory hold, threshold, spike flag, conductance decay for the next
// step), and a compaction pass that turns the flags into an index list.
// Built with -O3 -march=native, without floating-point contraction.
//
// Two variants of the same semantics, differing only in rounding:
//   --variant fast   (default) what one writes by hand: constants folded
//                    (1/tau, the decay e^(-dt/tau)), exprel(z) = (e^z - 1)/z
//                    by a short Taylor polynomial (exact in float for the
//                    small |z| this model produces);
//   --variant exact  snnc's operations in snnc's order: divisions by
//                    constants as multiplications by reciprocals rounded
//                    once, its constants folded as its compiler folds
//                    them, and snn.exprel as snnc lowers it (a degree-7
//                    Taylor polynomial for |z| < 1/2, else (e^z - 1)/z
//                    over MLIR's polynomial exp; both computed, one
//                    selected): the same V, bit for bit, hence the same
//                    spikes (checked by snnc-bench --verify).
//
// Output: one "key value" pair per line (read by snnc-bench).
//
//===----------------------------------------------------------------------===//

#include "snnc/runtime/Connectivity.h"
#include "snnc/runtime/Initializers.h"
#include "snnc/runtime/Random.h"
#include "snnc/runtime/ThreadTeam.h"

#include <sys/resource.h>
#include <xmmintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

using namespace snnc;

namespace {

// The seed model's constants, in the units the loop computes in: mV, ms, mS
// and mA (R = 1 ohm, so R * I in mA is I in mV; mS * mV = uA = 1e-3 mA).
constexpr float kDt = 0.1f;         // ms
constexpr double kDtDouble = 0.1;   // ms, for step times as snnc forms them
constexpr float kVRest = -60.0f;    // mV
constexpr float kVTh = -50.0f;      // mV
constexpr float kResetStep = 10.0f; // V_th - V_reset, mV (soft reset)
constexpr float kTau = 20.0f;       // ms
constexpr float kTauRef = 5.0f;     // ms
constexpr float kIExt = 20.0f;      // mA
constexpr float kEE = 0.0f, kEI = -80.0f;    // mV
constexpr float kTauE = 5.0f, kTauI = 10.0f; // ms
constexpr float kWE = 0.6f, kWI = 6.7f;      // mS
constexpr float kUAToMA = 1e-3f;
constexpr int64_t kTargetsPerSource = 80;

/// Philox stream ids, as model/Network.cpp assigns them.
constexpr uint64_t kStateStreamV = uint64_t(1) << 32; // population 0, state 0
constexpr uint64_t connectivityStream(unsigned projection) {
  return (uint64_t(3) << 32) | projection;
}

/// std::bit_cast (C++20), through the builtin GCC and Clang share: unlike
/// memcpy it leaves the loops around it vectorisable.
template <typename To, typename From> inline To bitCast(From from) {
  static_assert(sizeof(To) == sizeof(From), "sizes differ");
  return __builtin_bit_cast(To, from);
}

/// exprel(z) = 1 + z/2 + z^2/6 + ... by its Taylor series to z^5, in Horner
/// form. The first omitted term, z^6/5040, is below float's rounding for
/// |z| < 0.2, i.e. while g_E + g_I < 39 000 mS (this model's z is about
/// -0.005, its conductances tens of mS). Exactly 1 at z = 0.
inline float exprelTaylor(float z) {
  return 1.0f +
         z * (0.5f + z * (1.0f / 6 + z * (1.0f / 24 + z * (1.0f / 120 +
                                                           z * (1.0f / 720)))));
}

/// MLIR 19's math polynomial approximation of exp (Cephes-style; the
/// operations and constants of `snnc emit mlir --until=approximated`, as
/// reference/CompiledMath.cpp transcribes them). MLIR selects on unordered
/// comparisons (true on NaN); they are written here as the negated ordered
/// ones: select(x uge a, x, a) is x < a ? a : x.
inline float mlirExp(float x) {
  x = x < -87.8f ? -87.8f : x;
  x = x > 88.8f ? 88.8f : x;
  float k = std::floor(std::fma(x, 1.44269502f, 0.5f));
  k = k < -127.0f ? -127.0f : k;
  k = k > 127.0f ? 127.0f : k;
  float r = std::fma(-0.693359375f, k, x);
  r = std::fma(2.12194442e-4f, k, r);
  float p = std::fma(r, 1.98756912e-4f, 0.00139819994f);
  p = std::fma(p, r, 0.00833345205f);
  p = std::fma(p, r, 0.0416657962f);
  p = std::fma(p, r, 0.166666657f);
  p = std::fma(p, r, 0.5f);
  p = std::fma(p, r * r, r);
  p = p + 1.0f;
  float scale = bitCast<float>(static_cast<int32_t>(
      static_cast<uint32_t>(static_cast<int32_t>(k) + 127) << 23));
  return p * scale;
}

/// snnc's Taylor polynomial for exprel: 1 + x/2! + ... + x^7/8! by Horner's
/// rule with fused multiply-adds, the coefficients 1/n! rounded to float
/// from double (reference::exprelTaylor).
inline float snncExprelTaylor(float x) {
  float p = std::fma(static_cast<float>(1.0 / 40320), x,
                     static_cast<float>(1.0 / 5040));
  p = std::fma(p, x, static_cast<float>(1.0 / 720));
  p = std::fma(p, x, static_cast<float>(1.0 / 120));
  p = std::fma(p, x, static_cast<float>(1.0 / 24));
  p = std::fma(p, x, static_cast<float>(1.0 / 6));
  p = std::fma(p, x, 0.5f);
  return std::fma(p, x, 1.0f);
}

/// exprel(z) = (e^z - 1)/z as snn.exprel's lowering computes it
/// (reference::compiledExprel): both the Taylor polynomial and the quotient
/// over MLIR's exp are computed, and the polynomial is taken for |z| < 1/2.
inline float snncExprel(float z) {
  float quotient = (mlirExp(z) - 1.0f) / z;
  return std::fabs(z) < 0.5f ? snncExprelTaylor(z) : quotient;
}

/// dt * exprel(dt * J) for dg/dt = -g/tau (J = -1/tau), the factor of
/// -g/tau in exponential Euler, as snnc computes it: J = -1 * (1/tau) and
/// dt * J in float, exprel by the Taylor polynomial (|dt J| < 1/2; LLVM
/// folds the fused multiply-adds exactly, as std::fma computes them).
/// For this model's two taus the result equals expm1 folded in double and
/// rounded to float (what snn.exprel's folder would give).
float snncEulerFactor(float tau) {
  float jacobian = -1.0f * (1.0f / tau);
  return kDt * snncExprel(kDt * jacobian);
}

/// Buffers of one run; 64-byte aligned so the vector loops start aligned.
template <typename T> struct Aligned {
  T *data = nullptr;
  explicit Aligned(size_t count) {
    size_t bytes = std::max<size_t>(64, (count * sizeof(T) + 63) / 64 * 64);
    data = static_cast<T *>(std::aligned_alloc(64, bytes));
    if (!data) {
      std::fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
      std::exit(1);
    }
    std::memset(data, 0, bytes);
  }
  ~Aligned() { std::free(data); }
  Aligned(const Aligned &) = delete;
  Aligned &operator=(const Aligned &) = delete;
};

struct Network {
  int32_t n = 0, nE = 0;
  rt::Connectivity exc, inh;
  std::vector<float> initialV;
  /// Multi-threaded runs: thread t owns neurons [bounds[t], bounds[t+1])
  /// and delivers along [split[r*T + t], split[r*T + t + 1]) of row r,
  /// the row sorted by target (as snnc splits them).
  int threads = 1;
  std::vector<int32_t> bounds, excSplit, inhSplit;
};

/// Sorts each row by target and returns its per-thread split points.
std::vector<int32_t> splitRows(rt::Connectivity &c,
                               const std::vector<int32_t> &bounds) {
  int threads = static_cast<int>(bounds.size()) - 1;
  std::vector<int32_t> split(size_t(c.numPre) * threads + 1);
  for (int32_t r = 0; r < c.numPre; ++r) {
    int32_t *begin = c.targets.data() + c.rowStart[r];
    int32_t *end = c.targets.data() + c.rowStart[r + 1];
    std::sort(begin, end); // one weight per projection: order is free
    for (int t = 0; t < threads; ++t)
      split[size_t(r) * threads + t] = static_cast<int32_t>(
          std::lower_bound(begin, end, bounds[t]) - c.targets.data());
  }
  split.back() = c.rowStart[c.numPre];
  return split;
}

struct State {
  Aligned<float> v, lastSpike, gE, gI;
  Aligned<uint8_t> flags;
  Aligned<int32_t> spikes;
  int32_t numSpikes = 0;
  explicit State(int32_t n)
      : v(n), lastSpike(n), gE(n), gI(n), flags(n + 8), spikes(n) {}
};

/// The two ways the loop can round.
enum class Variant {
  /// Constants folded where it is natural by hand: multiplications by
  /// 1/tau, one decay factor e^(-dt/tau) per conductance, Taylor exprel.
  Fast,
  /// snnc's operations in snnc's order (multiplications by 1/tau rounded
  /// once, the decay as g + (dt * exprel(-dt/tau)) * (-g * (1/tau)), snnc's
  /// exprel): the same bits.
  Exact,
};

/// The fused neuron pass of step time `t`: reads the previous step's V and
/// spike flag (fast: V >= V_th; exact: the stored flag, as snnc reads it;
/// the two agree), applies the soft reset, integrates, holds
/// refractory neurons, writes V, last spike time and this step's flags, and
/// decays the conductances for the next step (whose increments land on top,
/// so a step sees g = decay(g) + x, decay first as in the seed).
template <Variant V>
void neuronPass(int32_t n, float t, float *__restrict v,
                float *__restrict lastSpike, float *__restrict gE,
                float *__restrict gI, uint8_t *__restrict flags) {
  // Folded in double, rounded once.
  const float invTau = static_cast<float>(1.0 / kTau);
  const float dtOverTau = static_cast<float>(kDtDouble / kTau);
  const float synapticJ = static_cast<float>(1e-3 * kDtDouble / kTau);
  const float decayE = static_cast<float>(std::exp(-kDtDouble / kTauE));
  const float decayI = static_cast<float>(std::exp(-kDtDouble / kTauI));
  // snnc: every division by a constant c is a multiplication by 1/c,
  // rounded once to float.
  const float recipTau = 1.0f / kTau;
  const float recipTauE = 1.0f / kTauE;
  const float recipTauI = 1.0f / kTauI;
  const float eulerE = snncEulerFactor(kTauE);
  const float eulerI = snncEulerFactor(kTauI);
  for (int32_t i = 0; i < n; ++i) {
    float vPrev = v[i], ge = gE[i], gi = gI[i];
    bool spiked = V == Variant::Fast ? vPrev >= kVTh : flags[i] != 0;
    float v0 = spiked ? vPrev - kResetStep : vPrev;
    float vNew;
    if (V == Variant::Fast) {
      // f(v0) = (V_rest - v0 + I(v0)) / tau, I in mA (= mV with R = 1 ohm);
      // dt * J = dt * (-1 - 1e-3 (g_E + g_I)) / tau.
      float current = kIExt + kUAToMA * (ge * (kEE - v0) + gi * (kEI - v0));
      float f = (kVRest - v0 + current) * invTau;
      float z = -dtOverTau - synapticJ * (ge + gi);
      vNew = v0 + kDt * exprelTaylor(z) * f;
    } else {
      float current =
          ((ge * (kEE - v0)) * kUAToMA + kIExt) + (gi * (kEI - v0)) * kUAToMA;
      float f = (-(v0 - kVRest) + current) * recipTau;
      float jac = ((-ge) * kUAToMA + (-gi) * kUAToMA + -1.0f) * recipTau;
      float z = jac * kDt;
      vNew = v0 + (snncExprel(z) * kDt) * f;
    }
    float vOut = (t - lastSpike[i]) < kTauRef ? v0 : vNew;
    v[i] = vOut;
    bool fired = vOut >= kVTh;
    lastSpike[i] = fired ? t : lastSpike[i];
    flags[i] = fired;
    if (V == Variant::Fast) {
      gE[i] = ge * decayE;
      gI[i] = gi * decayI;
    } else {
      gE[i] = ge + eulerE * ((-ge) * recipTauE);
      gI[i] = gi + eulerI * ((-gi) * recipTauI);
    }
  }
}

/// Indices of the set flags, ascending. Spikes are rare (about one neuron
/// in 200 per step), so eight flags are tested at once and empty words
/// skipped.
int32_t compact(int32_t n, const uint8_t *__restrict flags,
                int32_t *__restrict out) {
  int32_t count = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, flags + i, 8);
    if (!word)
      continue;
    for (int32_t k = i; k < i + 8; ++k) {
      out[count] = k;
      count += flags[k];
    }
  }
  for (; i < n; ++i) {
    out[count] = i;
    count += flags[i];
  }
  return count;
}

/// Adds w to the target conductance of every synapse of every spiking
/// source: repeated targets add up, in row order. A spiking source's row is
/// somewhere in a large array, so rows a few spikes ahead are prefetched.
void propagate(const State &state, const Network &net, float *__restrict gE,
               float *__restrict gI) {
  constexpr int32_t kAhead = 4;
  const int32_t *excStart = net.exc.rowStart.data();
  const int32_t *excTargets = net.exc.targets.data();
  const int32_t *inhStart = net.inh.rowStart.data();
  const int32_t *inhTargets = net.inh.targets.data();
  const int32_t *spikes = state.spikes.data;
  auto row = [&](int32_t src, const int32_t *&begin, const int32_t *&end) {
    if (src < net.nE) {
      begin = excTargets + excStart[src];
      end = excTargets + excStart[src + 1];
    } else {
      begin = inhTargets + inhStart[src - net.nE];
      end = inhTargets + inhStart[src - net.nE + 1];
    }
  };
  for (int32_t s = 0; s < state.numSpikes; ++s) {
    const int32_t *begin, *end;
    if (s + kAhead < state.numSpikes) {
      row(spikes[s + kAhead], begin, end);
      for (const int32_t *line = begin; line < end; line += 16)
        __builtin_prefetch(line);
    }
    int32_t src = spikes[s];
    row(src, begin, end);
    float *g = src < net.nE ? gE : gI;
    float w = src < net.nE ? kWE : kWI;
    for (const int32_t *p = begin; p < end; ++p)
      g[*p] += w;
  }
}

/// Recorded spikes as snnc's SpikeTrain holds them: parallel arrays of step
/// and neuron, appended once per step (inside the timed loop, as snnc's
/// run drains its record buffers inside its timed run).
struct Recording {
  std::vector<int32_t> steps, indices;
};

struct RunResult {
  int64_t spikes = 0;
  uint64_t checksum = 0;
  double seconds = 0;
  Recording recording;
};

/// FNV-1a over (step, neuron) pairs in spike order: equal for equal trains.
inline uint64_t mix(uint64_t hash, uint32_t value) {
  for (int b = 0; b < 4; ++b) {
    hash ^= (value >> (8 * b)) & 0xffu;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

template <Variant V> RunResult simulate(const Network &net, int64_t steps) {
  State state(net.n);
  std::copy(net.initialV.begin(), net.initialV.end(), state.v.data);
  std::fill(state.lastSpike.data, state.lastSpike.data + net.n, -1e7f);
  // Neurons that start at threshold send a spike into step 0 (without
  // becoming refractory): the initial flags are V >= V_th.
  for (int32_t i = 0; i < net.n; ++i)
    state.flags.data[i] = state.v.data[i] >= kVTh;
  state.numSpikes = compact(net.n, state.flags.data, state.spikes.data);

  RunResult result;
  result.checksum = 0xcbf29ce484222325ull;
  Recording &recording = result.recording;
  unsigned savedCsr = _mm_getcsr();
  _mm_setcsr(savedCsr | 0x8040); // flush denormals, as snnc's run does
  auto start = std::chrono::steady_clock::now();
  for (int64_t k = 0; k < steps; ++k) {
    float t = static_cast<float>(static_cast<double>(k) * kDtDouble);
    propagate(state, net, state.gE.data, state.gI.data);
    neuronPass<V>(net.n, t, state.v.data, state.lastSpike.data, state.gE.data,
                  state.gI.data, state.flags.data);
    state.numSpikes = compact(net.n, state.flags.data, state.spikes.data);
    recording.steps.insert(recording.steps.end(), state.numSpikes,
                           static_cast<int32_t>(k));
    recording.indices.insert(recording.indices.end(), state.spikes.data,
                             state.spikes.data + state.numSpikes);
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  _mm_setcsr(savedCsr);
  result.spikes = static_cast<int64_t>(recording.steps.size());
  for (size_t s = 0; s < recording.steps.size(); ++s)
    result.checksum =
        mix(mix(result.checksum, static_cast<uint32_t>(recording.steps[s])),
            static_cast<uint32_t>(recording.indices[s]));
  return result;
}

/// The same step on `net.threads` threads, as snnc runs it: each thread
/// owns a range of neurons (its state, its spike flags and its part of the
/// spike list) and delivers every spike of the previous step along the
/// synapses onto its own neurons; the threads meet at a barrier after
/// delivery and after listing the spikes. The results are one thread's.
template <Variant V>
RunResult simulateThreaded(const Network &net, int64_t steps) {
  int threads = net.threads;
  State state(net.n);
  std::copy(net.initialV.begin(), net.initialV.end(), state.v.data);
  std::fill(state.lastSpike.data, state.lastSpike.data + net.n, -1e7f);
  for (int32_t i = 0; i < net.n; ++i)
    state.flags.data[i] = state.v.data[i] >= kVTh;
  constexpr int kStride = 16; // one cache line of counts per thread
  std::vector<int32_t> counts(size_t(threads) * kStride);
  for (int t = 0; t < threads; ++t) {
    int32_t lo = net.bounds[t], hi = net.bounds[t + 1];
    counts[t * kStride] =
        compact(hi - lo, state.flags.data + lo, state.spikes.data + lo);
    for (int32_t k = 0; k < counts[t * kStride]; ++k)
      state.spikes.data[lo + k] += lo;
  }
  rt::StepBarrierState barrier;
  rt::initStepBarrier(barrier.words, threads);
  std::vector<Recording> recordings(threads);

  RunResult result;
  result.checksum = 0xcbf29ce484222325ull;
  auto start = std::chrono::steady_clock::now();
  auto work = [&](int t) {
    unsigned savedCsr = _mm_getcsr();
    _mm_setcsr(savedCsr | 0x8040);
    int32_t lo = net.bounds[t], hi = net.bounds[t + 1];
    float *gE = state.gE.data, *gI = state.gI.data;
    const int32_t *spikes = state.spikes.data;
    Recording &recording = recordings[t];
    for (int64_t k = 0; k < steps; ++k) {
      float time = static_cast<float>(static_cast<double>(k) * kDtDouble);
      // This thread's part of a source's row: [begin, end).
      auto part = [&](int32_t src, const int32_t *&begin, const int32_t *&end) {
        bool exc = src < net.nE;
        const int32_t *split = exc ? net.excSplit.data() : net.inhSplit.data();
        const int32_t *targets =
            exc ? net.exc.targets.data() : net.inh.targets.data();
        size_t row = size_t(exc ? src : src - net.nE) * threads + t;
        begin = targets + split[row];
        end = targets + split[row + 1];
      };
      constexpr int32_t kAhead = 4; // as the one-thread loop prefetches
      for (int u = 0; u < threads; ++u) {
        const int32_t *list = spikes + net.bounds[u];
        int32_t count = counts[u * kStride];
        for (int32_t s = 0; s < count; ++s) {
          const int32_t *begin, *end;
          if (s + kAhead < count) {
            part(list[s + kAhead], begin, end);
            for (const int32_t *line = begin; line < end; line += 16)
              __builtin_prefetch(line);
          }
          int32_t src = list[s];
          part(src, begin, end);
          float *g = src < net.nE ? gE : gI;
          float w = src < net.nE ? kWE : kWI;
          for (const int32_t *p = begin; p < end; ++p)
            g[*p] += w;
        }
      }
      rt::waitStepBarrier(barrier.words);
      neuronPass<V>(hi - lo, time, state.v.data + lo, state.lastSpike.data + lo,
                    gE + lo, gI + lo, state.flags.data + lo);
      int32_t *out = state.spikes.data + lo;
      int32_t count = compact(hi - lo, state.flags.data + lo, out);
      for (int32_t s = 0; s < count; ++s)
        out[s] += lo;
      counts[t * kStride] = count;
      recording.steps.insert(recording.steps.end(), count,
                             static_cast<int32_t>(k));
      recording.indices.insert(recording.indices.end(), out, out + count);
      rt::waitStepBarrier(barrier.words);
    }
    _mm_setcsr(savedCsr);
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t)
    workers.emplace_back(work, t);
  work(0);
  for (std::thread &worker : workers)
    worker.join();
  // One train, step by step and thread by thread: ascending, as on one
  // thread.
  std::vector<size_t> next(threads, 0);
  Recording &merged = result.recording;
  for (int64_t k = 0; k < steps; ++k)
    for (int t = 0; t < threads; ++t) {
      const Recording &r = recordings[t];
      for (; next[t] < r.steps.size() && r.steps[next[t]] == k; ++next[t]) {
        merged.steps.push_back(static_cast<int32_t>(k));
        merged.indices.push_back(r.indices[next[t]]);
      }
    }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  result.spikes = static_cast<int64_t>(merged.steps.size());
  for (size_t s = 0; s < merged.steps.size(); ++s)
    result.checksum =
        mix(mix(result.checksum, static_cast<uint32_t>(merged.steps[s])),
            static_cast<uint32_t>(merged.indices[s]));
  return result;
}

long peakRssKb() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s [--n N] [--duration-ms MS] [--seed S] "
               "[--repeat R] [--variant fast|exact] [--threads T] "
               "[--write-spikes FILE]\n",
               argv0);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  int64_t n = 4000, repeat = 1;
  double durationMs = 1000;
  uint64_t seed = 42;
  int64_t threads = 1;
  bool exact = false;
  std::string spikesPath;
  for (int a = 1; a < argc; ++a) {
    std::string arg = argv[a];
    if (a + 1 >= argc)
      return usage(argv[0]);
    const char *value = argv[++a];
    char *end = nullptr;
    if (arg == "--n")
      n = std::strtoll(value, &end, 10);
    else if (arg == "--duration-ms")
      durationMs = std::strtod(value, &end);
    else if (arg == "--seed")
      seed = std::strtoull(value, &end, 10);
    else if (arg == "--repeat")
      repeat = std::strtoll(value, &end, 10);
    else if (arg == "--threads")
      threads = std::strtoll(value, &end, 10);
    else if (arg == "--write-spikes") {
      spikesPath = value;
      continue;
    } else if (arg == "--variant") {
      exact = std::string(value) == "exact";
      if (!exact && std::string(value) != "fast")
        return usage(argv[0]);
      continue;
    } else
      return usage(argv[0]);
    if (!end || *end || n < 5 || n > (int64_t(1) << 28) || repeat < 1 ||
        threads < 1 || threads > 256 || !(durationMs >= 0))
      return usage(argv[0]);
  }

  auto setupStart = std::chrono::steady_clock::now();
  Network net;
  net.n = static_cast<int32_t>(n);
  net.nE = static_cast<int32_t>(n * 4 / 5);
  int64_t nI = n - net.nE;
  rt::Expected<rt::Connectivity> exc =
      rt::fixedPerPre(net.nE, n, kTargetsPerSource,
                      rt::RandomStream(seed, connectivityStream(0)));
  rt::Expected<rt::Connectivity> inh = rt::fixedPerPre(
      nI, n, kTargetsPerSource, rt::RandomStream(seed, connectivityStream(1)));
  if (!exc.ok() || !inh.ok()) {
    std::fprintf(stderr, "cannot build connectivity: %s\n",
                 (exc.ok() ? inh.message() : exc.message()).c_str());
    return 1;
  }
  net.exc = exc.take();
  net.inh = inh.take();
  net.threads = static_cast<int>(threads);
  if (threads > 1) {
    for (int t = 0; t < net.threads; ++t) // snnc's split: multiples of 16
      net.bounds.push_back(static_cast<int32_t>(n * t / threads / 16 * 16));
    net.bounds.push_back(static_cast<int32_t>(n));
    net.excSplit = splitRows(net.exc, net.bounds);
    net.inhSplit = splitRows(net.inh, net.bounds);
  }
  net.initialV.resize(n);
  rt::Status status = rt::fillNormal(net.initialV.data(), n, -55.0, 2.0,
                                     rt::RandomStream(seed, kStateStreamV));
  if (!status.ok()) {
    std::fprintf(stderr, "cannot initialise V: %s\n", status.message().c_str());
    return 1;
  }
  double setupSeconds = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - setupStart)
                            .count();

  // brainpy steps over arange(0, duration, dt), as snnc does.
  int64_t steps =
      static_cast<int64_t>(std::ceil(durationMs / kDtDouble - 1e-9));
  RunResult best;
  best.seconds = std::numeric_limits<double>::infinity();
  std::string runs;
  bool deterministic = true;
  for (int64_t r = 0; r < repeat; ++r) {
    RunResult result =
        threads > 1 ? (exact ? simulateThreaded<Variant::Exact>(net, steps)
                             : simulateThreaded<Variant::Fast>(net, steps))
                    : (exact ? simulate<Variant::Exact>(net, steps)
                             : simulate<Variant::Fast>(net, steps));
    if (r > 0 &&
        (result.spikes != best.spikes || result.checksum != best.checksum))
      deterministic = false;
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%s%.6f", r ? "," : "",
                  result.seconds);
    runs += buffer;
    if (result.seconds < best.seconds)
      best = result;
  }
  if (!spikesPath.empty()) {
    // Raw little-endian int32 (step, neuron) pairs, in spike order.
    FILE *file = std::fopen(spikesPath.c_str(), "wb");
    bool written = file != nullptr;
    for (size_t s = 0; written && s < best.recording.steps.size(); ++s) {
      int32_t pair[2] = {best.recording.steps[s], best.recording.indices[s]};
      written = std::fwrite(pair, sizeof(pair), 1, file) == 1;
    }
    if (!file || std::fclose(file) != 0 || !written) {
      std::fprintf(stderr, "cannot write %s\n", spikesPath.c_str());
      return 1;
    }
  }
  double simMs = steps * kDtDouble;
  std::printf("neurons %lld\n", static_cast<long long>(n));
  std::printf("steps %lld\n", static_cast<long long>(steps));
  std::printf("variant %s\n", exact ? "exact" : "fast");
  std::printf("threads %lld\n", static_cast<long long>(threads));
  std::printf("spikes %lld\n", static_cast<long long>(best.spikes));
  std::printf("rate_hz %.4f\n",
              simMs > 0 ? best.spikes / (double(n) * simMs) * 1e3 : 0.0);
  std::printf("checksum %016llx\n",
              static_cast<unsigned long long>(best.checksum));
  std::printf("deterministic %d\n", deterministic ? 1 : 0);
  std::printf("setup_s %.6f\n", setupSeconds);
  std::printf("sim_s %.6f\n", best.seconds);
  std::printf("sim_runs_s %s\n", runs.c_str());
  std::printf("peak_rss_kb %ld\n", peakRssKb());
  return 0;
}
