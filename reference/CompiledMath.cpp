//===- CompiledMath.cpp - The compiled engine's float math, in C++ --------===//
//
// Each function is the operation sequence of MLIR 19's polynomial
// approximation of one math op on f32, in the same order and with the same
// constants (printed by MLIR with nine significant digits, which identify a
// float exactly). `fma` is a fused multiply-add (math.fma); every other
// operation rounds to float on its own. Comparisons spell out whether they
// are ordered or unordered, because that decides what happens to NaN.
//
//===----------------------------------------------------------------------===//

#include "snnc/reference/CompiledMath.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

using namespace snnc;

namespace {

// Unordered comparisons (true when either side is NaN).
bool ult(float a, float b) { return !(a >= b); }
bool ule(float a, float b) { return !(a > b); }
bool ugt(float a, float b) { return !(a <= b); }
bool uge(float a, float b) { return !(a < b); }

float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

uint32_t toBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

/// arith.fptosi to i32 as x86 computes it: out of range and NaN give the
/// "integer indefinite" INT32_MIN (C++ leaves these undefined).
int32_t toInt32(float value) {
  if (!(value >= -2147483648.0f && value < 2147483648.0f))
    return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(value);
}

/// The shared core of sin and cos: reduce by pi/2, then evaluate the sine
/// or the cosine polynomial on the reduced argument, chosen by quadrant.
float sinCos(float x, bool isCosine) {
  float k = std::floor(x * 0.636619746f); // 2/pi
  float y = x - k * 1.57079637f;          // pi/2
  int32_t quadrant = toInt32(k) & 3;
  bool cosinePolynomial, negate;
  if (isCosine) {
    cosinePolynomial = quadrant == 0 || quadrant == 2;
    negate = quadrant == 1 || quadrant == 2;
  } else {
    cosinePolynomial = quadrant == 1 || quadrant == 3;
    negate = quadrant > 1;
  }
  float y2 = y * y;
  float base = cosinePolynomial ? 1.0f : y;
  float c1 = cosinePolynomial ? -0.5f : -0.166666672f;
  float c2 = cosinePolynomial ? 0.0416666418f : 0.00833334774f;
  float c3 = cosinePolynomial ? -0.00138883304f : -1.98426045e-4f;
  float c4 = cosinePolynomial ? 2.47562348e-5f : 2.76001265e-6f;
  float c5 = cosinePolynomial ? -2.59630184e-7f : -2.50293279e-8f;
  float p = std::fma(y2, c5, c4);
  p = std::fma(y2, p, c3);
  p = std::fma(y2, p, c2);
  p = std::fma(y2, p, c1);
  p = std::fma(y2, p, 1.0f);
  float result = base * p;
  return negate ? result * -1.0f : result;
}

} // namespace

float reference::compiledExp(float x) {
  // Clamp to where the result is finite and non-zero (NaN passes through).
  float clamped = uge(x, -87.8f) ? x : -87.8f;
  clamped = ule(clamped, 88.8f) ? clamped : 88.8f;
  // x = k ln2 + r with |r| <= ln2 / 2; ln2 in two parts (Cody-Waite).
  float k = std::floor(std::fma(clamped, 1.44269502f, 0.5f));
  k = uge(k, -127.0f) ? k : -127.0f;
  k = ule(k, 127.0f) ? k : 127.0f;
  float r = std::fma(-0.693359375f, k, clamped);
  r = std::fma(2.12194442e-4f, k, r);
  // e^r = 1 + r + r^2 p(r).
  float p = std::fma(r, 1.98756912e-4f, 0.00139819994f);
  p = std::fma(p, r, 0.00833345205f);
  p = std::fma(p, r, 0.0416657962f);
  p = std::fma(p, r, 0.166666657f);
  p = std::fma(p, r, 0.5f);
  float r2 = r * r;
  float expR = std::fma(p, r2, r) + 1.0f;
  // Times 2^k, built in the exponent bits.
  uint32_t exponent = static_cast<uint32_t>(toInt32(k) + 127) << 23;
  return expR * fromBits(exponent);
}

float reference::compiledLog(float x) {
  // x = m 2^e with m in [0.5, 1), from the bits of max(x, FLT_MIN).
  float positive = ugt(x, FLT_MIN) ? x : FLT_MIN;
  uint32_t bits = toBits(positive);
  float m = fromBits((bits & 0x807FFFFFu) | 0x3F000000u);
  float e = static_cast<float>(static_cast<int32_t>(bits >> 23)) - 126.0f;
  // Shift m into [sqrt(0.5), sqrt(2)) and take log(1 + u).
  bool below = m < 0.707106769f;
  float addend = below ? m : 0.0f;
  float u = m - 1.0f;
  e = e - (below ? 1.0f : 0.0f);
  u = u + addend;
  float u2 = u * u;
  float u3 = u2 * u;
  float y0 = std::fma(0.0703768358f, u, -0.115146101f);
  float y1 = std::fma(-0.12420141f, u, 0.142493233f);
  float y2 = std::fma(0.200007141f, u, -0.24999994f);
  y0 = std::fma(y0, u, 0.116769984f);
  y1 = std::fma(y1, u, -0.166680574f);
  y2 = std::fma(y2, u, 0.333333313f);
  float y = std::fma(y0, u3, y1);
  y = std::fma(y, u3, y2);
  y = y * u3;
  y = std::fma(-0.5f, u2, y);
  float result = u + y;
  result = std::fma(e, 0.693147182f, result);
  // Special cases, in the order the selects nest.
  const float inf = std::numeric_limits<float>::infinity();
  if (x == inf)
    result = inf;
  if (ult(x, 0.0f))
    result = std::numeric_limits<float>::quiet_NaN();
  if (x == 0.0f)
    result = -inf;
  return result;
}

float reference::compiledTanh(float x) {
  // An odd rational function on [-7.99881172, 7.99881172]; x itself for
  // |x| < 0.0004.
  float clamped = ult(x, 7.99881172f) ? x : 7.99881172f;
  clamped = ugt(clamped, -7.99881172f) ? clamped : -7.99881172f;
  bool tiny = std::fabs(x) < 0.0004f;
  float x2 = clamped * clamped;
  float p = std::fma(x2, -2.76076837e-16f, 2.00018794e-13f);
  p = std::fma(x2, p, -8.60467184e-11f);
  p = std::fma(x2, p, 5.12229725e-8f);
  p = std::fma(x2, p, 1.48572235e-5f);
  p = std::fma(x2, p, 6.37261954e-4f);
  p = std::fma(x2, p, 0.00489352457f);
  p = clamped * p;
  float q = std::fma(x2, 1.19825836e-6f, 1.18534706e-4f);
  q = std::fma(x2, q, 0.00226843474f);
  q = std::fma(x2, q, 0.00489352504f);
  return tiny ? clamped : p / q;
}

float reference::compiledSin(float x) { return sinCos(x, false); }

float reference::compiledCos(float x) { return sinCos(x, true); }

namespace {
/// The engine's Taylor polynomial: to x^7 in float, x^15 in double.
template <typename Real> Real taylor(Real x) {
  int degree = sizeof(Real) == 8 ? 15 : 7;
  double factorial = 1;
  for (int k = 2; k <= degree + 1; ++k)
    factorial *= k;
  Real poly = static_cast<Real>(1.0 / factorial);
  for (int k = degree; k >= 1; --k) {
    factorial /= k + 1;
    poly = std::fma(poly, x, static_cast<Real>(1.0 / factorial));
  }
  return poly;
}
} // namespace

float reference::exprelTaylor(float x) { return taylor(x); }
double reference::exprelTaylor(double x) { return taylor(x); }

float reference::compiledExprel(float x) {
  float quotient = (compiledExp(x) - 1.0f) / x;
  return std::fabs(x) < 0.5f ? exprelTaylor(x) : quotient;
}

double reference::compiledExprel(double x) {
  double quotient = (std::exp(x) - 1.0) / x;
  return std::fabs(x) < 0.5 ? exprelTaylor(x) : quotient;
}
