//===- Random.cpp - Distributions over Philox blocks ----------------------===//
//
// The transformations from raw Philox blocks to normal and bounded-integer
// values. They are spelled out step by step because GPU code has to repeat
// them operation for operation to reproduce the CPU's numbers.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Random.h"

#include <cmath>

namespace snnc::rt {

std::pair<double, double> RandomStream::normalPair(uint64_t pairIndex) const {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  PhiloxBlock words = block(pairIndex);
  double u1 = 1.0 - uniformDoubleFromBits(words[0], words[1]);
  double u2 = uniformDoubleFromBits(words[2], words[3]);
  double radius = std::sqrt(-2.0 * std::log(u1));
  double angle = kTwoPi * u2;
  return {radius * std::cos(angle), radius * std::sin(angle)};
}

namespace {
/// Lemire's step on one 64-bit word: the high 64 bits of x * n are the
/// candidate; the low 64 bits tell whether x fell into the short final
/// interval that would bias it. 32-bit pieces avoid relying on __int128,
/// which GPU code and pedantic compilers lack.
bool lemireAttempt(uint32_t high, uint32_t low, uint32_t n, uint32_t &result) {
  uint64_t lowProduct = uint64_t(low) * n;
  uint64_t middle = uint64_t(high) * n + (lowProduct >> 32);
  result = uint32_t(middle >> 32);
  uint64_t fraction = (middle << 32) | (lowProduct & 0xffffffffu);
  if (fraction >= n)
    return true;
  uint64_t threshold = (0 - uint64_t(n)) % n; // 2^64 mod n
  return fraction >= threshold;
}
} // namespace

uint32_t RandomStream::uniformInt(uint64_t draw, uint32_t n) const {
  if (n == 0)
    return 0;
  PhiloxBlock words = block(draw);
  uint32_t result = 0;
  if (lemireAttempt(words[0], words[1], n, result))
    return result;
  lemireAttempt(words[2], words[3], n, result);
  return result;
}

} // namespace snnc::rt
