//===- NonFinite.cpp - Finding NaN and infinities in state buffers -------===//
//
// The scans run over every state buffer once per check, so they must cost
// next to nothing: blocks of values are OR-reduced on their exponent bits
// (a loop the compiler vectorises), and only a block that holds a
// non-finite value is looked at one value at a time.
//
//===----------------------------------------------------------------------===//

#include "snnc/runtime/NonFinite.h"

#include <algorithm>
#include <cstring>
#include <limits>

using namespace snnc;

namespace {

template <typename Bits> struct Exponent;
template <> struct Exponent<uint32_t> {
  static constexpr uint32_t mask = 0x7f800000u;
};
template <> struct Exponent<uint64_t> {
  static constexpr uint64_t mask = 0x7ff0000000000000ull;
};

/// A value is NaN or infinite exactly when its exponent bits are all set.
template <typename Real, typename Bits> bool nonFinite(Real value) {
  Bits bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return (bits & Exponent<Bits>::mask) == Exponent<Bits>::mask;
}

template <typename Real, typename Bits>
int64_t firstIn(const Real *values, int64_t count) {
  constexpr int64_t block = 1024;
  for (int64_t begin = 0; begin < count; begin += block) {
    int64_t end = std::min(count, begin + block);
    bool any = false;
    for (int64_t i = begin; i < end; ++i)
      any |= nonFinite<Real, Bits>(values[i]);
    if (!any)
      continue;
    for (int64_t i = begin; i < end; ++i)
      if (nonFinite<Real, Bits>(values[i]))
        return i;
  }
  return -1;
}

template <typename Real, typename Bits>
int64_t countIn(const Real *values, int64_t count) {
  int64_t found = 0;
  for (int64_t i = 0; i < count; ++i)
    found += nonFinite<Real, Bits>(values[i]);
  return found;
}

} // namespace

namespace {
template <typename Real, typename Bits>
int64_t firstSkipping(const Real *values, int64_t count, bool skipPlus) {
  int64_t from = 0;
  while (from < count) {
    int64_t found = firstIn<Real, Bits>(values + from, count - from);
    if (found < 0)
      return -1;
    found += from;
    if (!(skipPlus && values[found] == std::numeric_limits<Real>::infinity()))
      return found;
    from = found + 1;
  }
  return -1;
}

template <typename Real, typename Bits>
int64_t countSkipping(const Real *values, int64_t count, bool skipPlus) {
  int64_t found = countIn<Real, Bits>(values, count);
  if (skipPlus && found > 0)
    for (int64_t i = 0; i < count; ++i)
      found -= values[i] == std::numeric_limits<Real>::infinity();
  return found;
}
} // namespace

int64_t snnc::rt::firstNonFinite(const float *values, int64_t count,
                                 bool skipPlusInfinity) {
  return firstSkipping<float, uint32_t>(values, count, skipPlusInfinity);
}
int64_t snnc::rt::firstNonFinite(const double *values, int64_t count,
                                 bool skipPlusInfinity) {
  return firstSkipping<double, uint64_t>(values, count, skipPlusInfinity);
}
int64_t snnc::rt::countNonFinite(const float *values, int64_t count,
                                 bool skipPlusInfinity) {
  return countSkipping<float, uint32_t>(values, count, skipPlusInfinity);
}
int64_t snnc::rt::countNonFinite(const double *values, int64_t count,
                                 bool skipPlusInfinity) {
  return countSkipping<double, uint64_t>(values, count, skipPlusInfinity);
}
