//===- Units.h - Physical dimensions and exact unit scales ------*- C++ -*-===//
//
// A Unit is a Dimension (integer exponents of the SI base quantities) and a
// Scale (its size relative to the coherent SI unit: mV is 10^-3 V). Scales are
// exact rationals times a power of ten, so a chain of conversions such as
// mS * mV -> uA -> mA never drifts; they become a double only when folded
// into a constant of the generated code.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_DSL_UNITS_H
#define SNNC_DSL_UNITS_H

#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>
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

/// Integer exponents of the base quantities: voltage is kg m^2 s^-3 A^-1.
class Dimension {
public:
  Dimension() { exponents.fill(0); }
  static Dimension dimensionless() { return Dimension(); }
  static Dimension base(BaseQuantity quantity);

  int exponent(BaseQuantity quantity) const {
    return exponents[static_cast<unsigned>(quantity)];
  }
  bool isDimensionless() const;

  Dimension operator*(const Dimension &other) const;
  Dimension operator/(const Dimension &other) const;
  Dimension pow(int power) const;
  bool operator==(const Dimension &other) const {
    return exponents == other.exponents;
  }
  bool operator!=(const Dimension &other) const { return !(*this == other); }

  /// A physical name ("voltage", "time", "conductance") when there is a
  /// common one, otherwise the base form ("kg*m^2/(s^3*A)").
  std::string describe() const;

private:
  std::array<int, numBaseQuantities> exponents;
};

/// An exact positive factor numerator/denominator * 10^exponent10, kept in
/// lowest terms with the powers of ten moved into exponent10.
///
/// Arithmetic is exact while the reduced numerator and denominator fit in 64
/// bits. Beyond that they are rounded to about 18 significant digits and the
/// exponent saturates at the range of int, so absurd powers stay finite and
/// well defined instead of overflowing.
class Scale {
public:
  Scale() = default;
  static Scale powerOfTen(int exponent10);
  /// A Scale is a positive factor, so signs are dropped; a zero numerator
  /// saturates to the smallest scale and a zero denominator to the largest.
  static Scale rational(int64_t numerator, int64_t denominator);

  Scale operator*(const Scale &other) const;
  Scale operator/(const Scale &other) const;
  Scale pow(int power) const;
  /// Compares values, so rational(1, 2) == rational(5, 1) * powerOfTen(-1).
  bool operator==(const Scale &other) const;
  bool operator!=(const Scale &other) const { return !(*this == other); }
  bool isOne() const { return *this == Scale(); }

  /// The nearest double; the only place a Scale becomes inexact.
  double toDouble() const;

  int64_t numerator() const { return num; }
  int64_t denominator() const { return den; }
  int exponent10() const { return exp10; }

private:
  friend struct ScaleMath; // 128-bit helpers in Units.cpp.
  void normalize();
  int64_t num = 1, den = 1;
  int exp10 = 0;
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
  ///   4. the composed spelling ("mV^2", "mV*ms");
  ///   5. SI form with a factor.
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
