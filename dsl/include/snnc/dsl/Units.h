//===- Units.h - Physical dimensions and exact unit scales ------*- C++ -*-===//
//
// A Unit is a Dimension (exponents of the SI base quantities) and a Scale (its
// size relative to the coherent SI unit: mV is 10^-3 V). Scales are exact
// rationals times a power of ten, so a chain of conversions such as
// mS * mV -> uA -> mA never drifts; they become a double only when folded
// into a constant of the generated code.
//
// Exponents, of the base quantities and of ten, are integers or
// half-integers: white noise has dimension s^-0.5, and a square root such as
// sqrt(2 / tau) with tau in ms is in 1/ms^0.5, which is 10^1.5 s^-0.5.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_UNITS_H
#define SNNC_DSL_UNITS_H

#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

/// The SI base quantities, in the order of Dimension's exponents.
enum class BaseQuantity : unsigned {
  Time,        // s
  Length,      // m
  Mass,        // kg
  Current,     // A
  Temperature, // K
  Amount,      // mol
  Luminosity,  // cd
};
constexpr unsigned numBaseQuantities = 7;

/// An integer or half-integer, the exponent of a base quantity or of ten.
/// Kept as a count of halves, so that sums and products stay exact; the
/// value saturates at the range of int instead of overflowing, so absurd
/// powers stay well defined. Converts implicitly from int.
class Exponent {
public:
  constexpr Exponent(int whole = 0) : twice(2 * int64_t(whole)) {}
  /// `halves` / 2, saturated to the range of int.
  static Exponent fromHalves(int64_t halves);

  int64_t halves() const { return twice; }
  bool isWhole() const { return twice % 2 == 0; }
  /// The value of a whole exponent (rounded towards zero otherwise).
  int whole() const { return static_cast<int>(twice / 2); }
  double value() const { return static_cast<double>(twice) / 2; }

  Exponent operator+(Exponent other) const;
  Exponent operator-(Exponent other) const;
  Exponent operator-() const;
  Exponent operator*(int factor) const;
  /// The product, unless it is a quarter (0.5 * 0.5) and so no Exponent.
  std::optional<Exponent> times(Exponent other) const;
  /// Half of this exponent, unless that is a quarter.
  std::optional<Exponent> half() const;

  friend bool operator==(Exponent a, Exponent b) { return a.twice == b.twice; }
  friend bool operator!=(Exponent a, Exponent b) { return a.twice != b.twice; }

  /// "2", "-3", "0.5", "-1.5": how messages print it and the language
  /// writes it (`ms^-0.5`).
  std::string str() const;

private:
  int64_t twice;
};

std::ostream &operator<<(std::ostream &os, Exponent exponent);

/// Exponents of the base quantities: voltage is kg m^2 s^-3 A^-1, and the
/// white noise of a stochastic equation is s^-0.5.
class Dimension {
public:
  Dimension() { exponents.fill(0); }
  static Dimension dimensionless() { return Dimension(); }
  static Dimension base(BaseQuantity quantity);

  Exponent exponent(BaseQuantity quantity) const {
    return exponents[static_cast<unsigned>(quantity)];
  }
  bool isDimensionless() const;
  /// Whether some exponent is a half (s^0.5), not a whole number.
  bool hasHalfExponents() const;

  Dimension operator*(const Dimension &other) const;
  Dimension operator/(const Dimension &other) const;
  Dimension pow(int power) const;
  /// Every exponent halved; none where one would become a quarter.
  std::optional<Dimension> sqrt() const;
  bool operator==(const Dimension &other) const {
    return exponents == other.exponents;
  }
  bool operator!=(const Dimension &other) const { return !(*this == other); }

  /// A physical name ("voltage", "time", "conductance") when there is a
  /// common one, otherwise the base form ("kg*m^2/(s^3*A)").
  std::string describe() const;

private:
  std::array<Exponent, numBaseQuantities> exponents;
};

/// An exact positive factor numerator/denominator * 10^exponent10, kept in
/// lowest terms with the powers of ten moved into exponent10. exponent10 may
/// be a half: sqrt(ms) is 10^-1.5 s^0.5.
///
/// Arithmetic is exact while the reduced numerator and denominator fit in 64
/// bits. Beyond that they are rounded to about 18 significant digits and the
/// exponent saturates at the range of int, so absurd powers stay finite and
/// well defined instead of overflowing.
class Scale {
public:
  Scale() = default;
  static Scale powerOfTen(Exponent exponent10);
  /// A Scale is a positive factor, so signs are dropped; a zero numerator
  /// saturates to the smallest scale and a zero denominator to the largest.
  static Scale rational(int64_t numerator, int64_t denominator);

  Scale operator*(const Scale &other) const;
  Scale operator/(const Scale &other) const;
  Scale pow(int power) const;
  /// The exact square root, r * 10^(k/2) with r rational; none when the
  /// rational part is not a square (the root of 2 or of 1/3 is irrational)
  /// or when exponent10 is already a half.
  std::optional<Scale> sqrt() const;
  /// Compares values, so rational(1, 2) == rational(5, 1) * powerOfTen(-1).
  bool operator==(const Scale &other) const;
  bool operator!=(const Scale &other) const { return !(*this == other); }
  bool isOne() const { return *this == Scale(); }

  /// The nearest double; the only place a Scale becomes inexact. A half
  /// exponent10 contributes sqrt(10), to within rounding of the last bit.
  double toDouble() const;

  int64_t numerator() const { return num; }
  int64_t denominator() const { return den; }
  Exponent exponent10() const { return exp10; }

private:
  friend struct ScaleMath; // 128-bit helpers in Units.cpp.
  void normalize();
  int64_t num = 1, den = 1;
  Exponent exp10;
};

/// A unit of measure: dimension, exact scale, and how to print it.
class Unit {
public:
  Unit() = default; // dimensionless, scale 1
  Unit(Dimension dimension, Scale scale, std::string spelling = "")
      : dim(dimension), scl(scale), spelling(std::move(spelling)) {}
  static Unit dimensionless() { return Unit(); }

  const Dimension &dimension() const { return dim; }
  const Scale &scale() const { return scl; }
  bool isDimensionless() const { return dim.isDimensionless(); }

  /// Products and quotients compose dimension, scale and spelling.
  Unit operator*(const Unit &other) const;
  Unit operator/(const Unit &other) const;
  Unit pow(int power) const;
  /// The square root of dimension, scale and spelling (sqrt(1/ms) is
  /// "1/ms^0.5"); none where Dimension::sqrt or Scale::sqrt has none.
  std::optional<Unit> sqrt() const;
  /// Integer and half-integer powers: pow(2 * power), then its square root
  /// when `power` is a half-integer. Integer powers are exactly pow(int).
  std::optional<Unit> raisedTo(Exponent power) const;

  /// Same dimension and scale (spelling is ignored).
  bool operator==(const Unit &other) const {
    return dim == other.dim && scl == other.scl;
  }
  bool operator!=(const Unit &other) const { return !(*this == other); }
  bool sameDimension(const Unit &other) const { return dim == other.dim; }

  /// How users should read it: a named unit when one matches exactly
  /// ("uA" for mS*mV), else the composed spelling ("mV/ms"), else SI base
  /// form with a factor ("1e-3 V/s"). Dimensionless scale-1 units print as
  /// "1". In order:
  ///   1. a spelling that is one symbol is printed as written ("ms", "MΩ");
  ///   2. a spelling containing '/' is printed as written, because users
  ///      think in "1/ms" and "mV/ms" even where a named unit (kHz, V/s)
  ///      would match exactly;
  ///   3. an exactly matching named unit ("uA", "mV", "kHz", "kg", "1"),
  ///      preferring ASCII spellings (ohm over Ω, u over µ);
  ///   4. the composed spelling ("mV^2", "mV*ms", "ms^0.5");
  ///   5. SI form with a factor.
  /// Half exponents print as decimals over the same rules: "1/ms^0.5",
  /// "mV/ms^0.5", "kg^0.5*m/s^1.5".
  /// A spelling that contradicts the unit's dimension or scale is ignored.
  std::string str() const;

private:
  Dimension dim;
  Scale scl;
  std::string spelling;
};

/// Factor that converts a value in `from` into a value in `to`
/// (value_to = value_from * factor). Both must have the same dimension.
Scale conversionScale(const Unit &from, const Unit &to);

/// Looks up one unit symbol with an optional SI prefix (f p n u µ m k M G):
/// "mV", "uA", "µS", "kohm", "MΩ", "Hz", "ms", "mol", "K". Exact names win
/// over prefix splits ("m" is metre, "mol" is mole, not milli-ol).
std::optional<Unit> lookupUnit(llvm::StringRef symbol);

/// Every unit symbol lookupUnit accepts, for "did you mean" suggestions.
const std::vector<std::string> &knownUnitSymbols();

} // namespace snnc

#endif // SNNC_DSL_UNITS_H
