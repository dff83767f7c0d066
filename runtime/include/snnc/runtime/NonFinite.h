//===- NonFinite.h - Finding NaN and infinities in state buffers -*- C++
//-*-===//
#ifndef SNNC_RUNTIME_NONFINITE_H
#define SNNC_RUNTIME_NONFINITE_H

#include <cstdint>

namespace snnc::rt {

/// Index of the first value in `values[0..count)` that is NaN or infinite,
/// or -1. Reads the exponent bits with integer operations, which the
/// compiler vectorises (isfinite itself does not under strict floating
/// point). `skipPlusInfinity`: +inf does not count (a hard reset's spike
/// variable, model::resetsInfinity).
int64_t firstNonFinite(const float *values, int64_t count,
                       bool skipPlusInfinity = false);
int64_t firstNonFinite(const double *values, int64_t count,
                       bool skipPlusInfinity = false);
/// How many values of `values[0..count)` are NaN or infinite (+inf not
/// counted with `skipPlusInfinity`).
int64_t countNonFinite(const float *values, int64_t count,
                       bool skipPlusInfinity = false);
int64_t countNonFinite(const double *values, int64_t count,
                       bool skipPlusInfinity = false);

} // namespace snnc::rt

#endif // SNNC_RUNTIME_NONFINITE_H
