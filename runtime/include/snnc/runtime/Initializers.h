//===- Initializers.h - Fill state buffers with initial values --*- C++ -*-===//
//
// Initial values of per-neuron or per-synapse state (V ~ Normal(-55, 2) mV
// in the seed model). Value i of a buffer is a pure function of
// (seed, streamId, i), so any slice of a buffer can be filled on its own
// (by a thread, by a GPU, after a resize) and match the whole-buffer fill:
// pass the slice's position in the whole buffer as `firstIndex`.
//
// Which draws are used: a uniform value i comes from draw i
// (RandomStream::uniformDouble), a normal value i is
// RandomStream::normal(i), i.e. output i % 2 of Box–Muller pair i / 2.
// Arithmetic is done in double and rounded once to the buffer's type.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_INITIALIZERS_H
#define SNNC_RUNTIME_INITIALIZERS_H

#include "snnc/runtime/Random.h"
#include "snnc/runtime/Status.h"

#include <cstdint>

namespace snnc::rt {

/// How to initialise one buffer, as a model file states it.
struct InitSpec {
  enum class Kind { Constant, Normal, Uniform };
  Kind kind = Kind::Constant;
  /// Constant: the value. Normal: the mean. Uniform: the lower bound.
  double first = 0.0;
  /// Normal: the standard deviation. Uniform: the upper bound (exclusive).
  double second = 0.0;

  static InitSpec constant(double value) {
    return {Kind::Constant, value, 0.0};
  }
  static InitSpec normal(double mean, double stddev) {
    return {Kind::Normal, mean, stddev};
  }
  static InitSpec uniform(double low, double high) {
    return {Kind::Uniform, low, high};
  }
};

/// Sets out[0..n) to `value`.
Status fillConstant(float *out, int64_t n, double value);
Status fillConstant(double *out, int64_t n, double value);

/// out[k] = mean + stddev * normal(firstIndex + k), for k in [0, n).
/// stddev must be finite and >= 0.
Status fillNormal(float *out, int64_t n, double mean, double stddev,
                  const RandomStream &stream, uint64_t firstIndex = 0);
Status fillNormal(double *out, int64_t n, double mean, double stddev,
                  const RandomStream &stream, uint64_t firstIndex = 0);

/// out[k] uniform in [low, high) from draw firstIndex + k. Requires
/// low <= high, both finite; low == high gives the constant. Values that
/// would round up to `high` in the buffer's type are moved just below it.
Status fillUniform(float *out, int64_t n, double low, double high,
                   const RandomStream &stream, uint64_t firstIndex = 0);
Status fillUniform(double *out, int64_t n, double low, double high,
                   const RandomStream &stream, uint64_t firstIndex = 0);

/// Dispatches on spec.kind to the functions above (the stream is unused
/// for constants).
Status fill(const InitSpec &spec, float *out, int64_t n,
            const RandomStream &stream, uint64_t firstIndex = 0);
Status fill(const InitSpec &spec, double *out, int64_t n,
            const RandomStream &stream, uint64_t firstIndex = 0);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_INITIALIZERS_H
