//===- Units.cpp - Physical dimensions and exact unit scales --------------===//
//
// Scales multiply through 128-bit intermediates and are reduced by their gcd,
// so chains of conversions (mS * mV -> uA -> mA) stay exact. Only when a
// reduced numerator or denominator no longer fits in 64 bits is it rounded,
// which keeps the value right to ~18 digits and never invokes undefined
// behaviour. Unit spellings are composed as lists of symbol^exponent factors,
// so products and powers read the way a user would write them ("mV/(ms*mS)").
//
// Half exponents come only from square roots. A dimension's exponents are
// halved; a scale's rational part must be a square, and its power of ten
// becomes a half where it was odd (sqrt(ms) is 10^-1.5 s^0.5), so the root
// stays exact until it is folded into a constant.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Units.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace snnc {

namespace {

int saturateToInt(int64_t value) {
  if (value > INT_MAX)
    return INT_MAX;
  if (value < INT_MIN)
    return INT_MIN;
  return static_cast<int>(value);
}

int64_t saturateToInt64(__int128 value) {
  if (value > INT64_MAX)
    return INT64_MAX;
  if (value < INT64_MIN)
    return INT64_MIN;
  return static_cast<int64_t>(value);
}

/// Symbols of the base quantities, indexed like Dimension's exponents.
const char *const baseSymbols[numBaseQuantities] = {"s", "m",   "kg", "A",
                                                    "K", "mol", "cd"};

/// Base quantities in the order a base form prints them: the conventional
/// "kg*m^2/(s^3*A)" rather than the storage order.
const BaseQuantity basePrintOrder[numBaseQuantities] = {
    BaseQuantity::Mass,      BaseQuantity::Length,      BaseQuantity::Time,
    BaseQuantity::Current,   BaseQuantity::Temperature, BaseQuantity::Amount,
    BaseQuantity::Luminosity};

Dimension makeDimension(int s, int m, int kg, int a, int k = 0, int mol = 0,
                        int cd = 0) {
  const int exps[numBaseQuantities] = {s, m, kg, a, k, mol, cd};
  Dimension dim;
  for (unsigned i = 0; i < numBaseQuantities; ++i)
    dim = dim * Dimension::base(static_cast<BaseQuantity>(i)).pow(exps[i]);
  return dim;
}

/// halves / 2 as a decimal: "3", "-2", "0.5", "-1.5". Takes the count of
/// halves rather than an Exponent so that the magnitude of a saturated
/// negative exponent (2147483648) prints too.
std::string halvesText(int64_t halves) {
  uint64_t magnitude =
      halves < 0 ? uint64_t(0) - uint64_t(halves) : uint64_t(halves);
  std::string text = (halves < 0 ? "-" : "") + std::to_string(magnitude / 2);
  if (magnitude % 2 != 0)
    text += ".5";
  return text;
}

/// symbol^power, for a positive power given in halves; ^1 is left out.
std::string appendPower(std::string symbol, int64_t halves) {
  if (halves != 2)
    symbol += "^" + halvesText(halves);
  return symbol;
}

/// "kg*m^2/(s^3*A)": positive exponents over negative ones.
std::string baseForm(const Dimension &dim) {
  std::string numerator, denominator;
  unsigned denominatorFactors = 0;
  for (BaseQuantity quantity : basePrintOrder) {
    int64_t halves = dim.exponent(quantity).halves();
    if (halves == 0)
      continue;
    std::string &side = halves > 0 ? numerator : denominator;
    if (!side.empty())
      side += "*";
    side += appendPower(baseSymbols[static_cast<unsigned>(quantity)],
                        halves > 0 ? halves : -halves);
    if (halves < 0)
      ++denominatorFactors;
  }
  if (numerator.empty())
    numerator = "1";
  if (denominator.empty())
    return numerator;
  if (denominatorFactors > 1)
    denominator = "(" + denominator + ")";
  return numerator + "/" + denominator;
}

} // namespace

//===----------------------------------------------------------------------===//
// Exponent
//===----------------------------------------------------------------------===//

// Saturating at twice the range of int keeps whole() within int. Only
// absurd powers reach the limits, and they must not be undefined behaviour.
Exponent Exponent::fromHalves(int64_t halves) {
  constexpr int64_t lowest = 2 * int64_t(INT_MIN),
                    highest = 2 * int64_t(INT_MAX);
  Exponent result;
  result.twice = std::clamp(halves, lowest, highest);
  return result;
}

Exponent Exponent::operator+(Exponent other) const {
  return fromHalves(twice + other.twice); // both within 2^33: no overflow
}

Exponent Exponent::operator-(Exponent other) const {
  return fromHalves(twice - other.twice);
}

Exponent Exponent::operator-() const { return fromHalves(-twice); }

Exponent Exponent::operator*(int factor) const {
  return fromHalves(saturateToInt64(__int128(twice) * factor));
}

std::optional<Exponent> Exponent::times(Exponent other) const {
  // (a/2) * (b/2) = (a*b/2) / 2: a count of halves when a*b is even.
  __int128 product = __int128(twice) * other.twice;
  if (product % 2 != 0)
    return std::nullopt;
  return fromHalves(saturateToInt64(product / 2));
}

std::optional<Exponent> Exponent::half() const {
  if (twice % 2 != 0)
    return std::nullopt;
  return fromHalves(twice / 2);
}

std::string Exponent::str() const { return halvesText(twice); }

std::ostream &operator<<(std::ostream &os, Exponent exponent) {
  return os << exponent.str();
}

//===----------------------------------------------------------------------===//
// Dimension
//===----------------------------------------------------------------------===//

Dimension Dimension::base(BaseQuantity quantity) {
  Dimension dim;
  dim.exponents[static_cast<unsigned>(quantity)] = 1;
  return dim;
}

bool Dimension::isDimensionless() const {
  for (Exponent exp : exponents)
    if (exp != 0)
      return false;
  return true;
}

bool Dimension::hasHalfExponents() const {
  for (Exponent exp : exponents)
    if (!exp.isWhole())
      return true;
  return false;
}

Dimension Dimension::operator*(const Dimension &other) const {
  Dimension result;
  for (unsigned i = 0; i < numBaseQuantities; ++i)
    result.exponents[i] = exponents[i] + other.exponents[i];
  return result;
}

Dimension Dimension::operator/(const Dimension &other) const {
  Dimension result;
  for (unsigned i = 0; i < numBaseQuantities; ++i)
    result.exponents[i] = exponents[i] - other.exponents[i];
  return result;
}

Dimension Dimension::pow(int power) const {
  Dimension result;
  for (unsigned i = 0; i < numBaseQuantities; ++i)
    result.exponents[i] = exponents[i] * power;
  return result;
}

std::optional<Dimension> Dimension::sqrt() const {
  Dimension result;
  for (unsigned i = 0; i < numBaseQuantities; ++i) {
    std::optional<Exponent> half = exponents[i].half();
    if (!half)
      return std::nullopt;
    result.exponents[i] = *half;
  }
  return result;
}

std::string Dimension::describe() const {
  struct Named {
    Dimension dim;
    const char *name;
  };
  static const Named names[] = {
      {Dimension(), "dimensionless"},
      {makeDimension(1, 0, 0, 0), "time"},
      {makeDimension(-1, 0, 0, 0), "frequency"},
      {makeDimension(0, 1, 0, 0), "length"},
      {makeDimension(0, 0, 1, 0), "mass"},
      {makeDimension(0, 0, 0, 1), "current"},
      {makeDimension(0, 0, 0, 0, 1), "temperature"},
      {makeDimension(0, 0, 0, 0, 0, 1), "amount"},
      {makeDimension(0, 0, 0, 0, 0, 0, 1), "luminous intensity"},
      {makeDimension(-3, 2, 1, -1), "voltage"},
      {makeDimension(-3, 2, 1, -2), "resistance"},
      {makeDimension(3, -2, -1, 2), "conductance"},
      {makeDimension(4, -2, -1, 2), "capacitance"},
      {makeDimension(1, 0, 0, 1), "charge"},
      {makeDimension(-3, 2, 1, 0), "power"},
      {makeDimension(-2, 2, 1, 0), "energy"},
  };
  for (const Named &named : names)
    if (named.dim == *this)
      return named.name;
  return baseForm(*this);
}

//===----------------------------------------------------------------------===//
// Scale
//===----------------------------------------------------------------------===//

/// Builds Scales from 128-bit intermediates. Products of two int64 values fit
/// in 126 bits, so no step here can overflow. Powers of ten are counted in
/// halves, as Scale's exponent10 is: 10^-1.5 has halves10 = -3.
struct ScaleMath {
  using U128 = unsigned __int128;

  static U128 gcd(U128 a, U128 b) {
    while (b != 0) {
      U128 t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  static void reduce(U128 &num, U128 &den, int64_t &halves10) {
    U128 g = gcd(num, den);
    num /= g;
    den /= g;
    while (num % 10 == 0) {
      num /= 10;
      halves10 += 2;
    }
    while (den % 10 == 0) {
      den /= 10;
      halves10 -= 2;
    }
  }

  /// num/den * 10^(halves10/2) in normal form. `halves10` is a sum of two
  /// saturated exponents, so it cannot overflow int64 on the way in.
  static Scale make(U128 num, U128 den, int64_t halves10) {
    // Zero has no place in a positive factor; saturate towards it instead.
    if (num == 0) {
      num = 1;
      halves10 = 2 * int64_t(INT_MIN);
    }
    if (den == 0) {
      den = 1;
      halves10 = 2 * int64_t(INT_MAX);
    }
    reduce(num, den, halves10);
    const U128 limit = static_cast<U128>(INT64_MAX);
    if (num > limit || den > limit) {
      // Out of exact range: round to nearest, one decimal digit at a time.
      while (num > limit) {
        num = (num + 5) / 10;
        halves10 += 2;
      }
      while (den > limit) {
        den = (den + 5) / 10;
        halves10 -= 2;
      }
      reduce(num, den, halves10);
    }
    Scale result;
    result.num = static_cast<int64_t>(num);
    result.den = static_cast<int64_t>(den);
    result.exp10 = Exponent::fromHalves(halves10);
    return result;
  }

  static U128 magnitude(int64_t value) {
    // Negate in 128 bits so that INT64_MIN has a magnitude too.
    __int128 wide = value;
    return static_cast<U128>(wide < 0 ? -wide : wide);
  }

  /// Strips the powers of ten from an integer, so that two values
  /// x * 10^(h/2) can be compared by their parts.
  static void stripTens(U128 &value, int64_t &halves10) {
    while (value != 0 && value % 10 == 0) {
      value /= 10;
      halves10 += 2;
    }
  }

  /// The square root of a perfect square below 2^126, or none.
  static std::optional<U128> exactSqrt(U128 value) {
    auto root = static_cast<U128>(std::sqrt(static_cast<long double>(value)));
    // The floating-point root can be off by a little either way.
    while (root * root > value)
      --root;
    while ((root + 1) * (root + 1) <= value)
      ++root;
    if (root * root != value)
      return std::nullopt;
    return root;
  }

  /// num/den * 10^exponent as decimal digits and an exponent, for strtod:
  /// "1e-3" for powerOfTen(-3), which is exactly the literal 1e-3.
  /// Non-terminating quotients get 40 significant digits plus a sticky '1'
  /// so that they never look like an exact halfway case.
  static std::string decimal(int64_t num, int64_t den, int64_t exponent) {
    std::string digits;
    uint64_t quotient = uint64_t(num) / uint64_t(den);
    U128 remainder = uint64_t(num) % uint64_t(den);
    if (quotient != 0)
      digits = std::to_string(quotient);
    while (remainder != 0 && digits.size() < 40) {
      remainder *= 10;
      auto digit = static_cast<unsigned>(remainder / U128(den));
      remainder %= U128(den);
      --exponent;
      if (!digits.empty() || digit != 0)
        digits += static_cast<char>('0' + digit);
    }
    if (remainder != 0) {
      digits += '1';
      --exponent;
    }
    char buffer[96];
    std::snprintf(buffer, sizeof(buffer), "%se%lld", digits.c_str(),
                  static_cast<long long>(exponent));
    return buffer;
  }
};

void Scale::normalize() {
  *this = ScaleMath::make(ScaleMath::magnitude(num), ScaleMath::magnitude(den),
                          exp10.halves());
}

Scale Scale::powerOfTen(Exponent exponent10) {
  Scale result;
  result.exp10 = exponent10;
  return result;
}

Scale Scale::rational(int64_t numerator, int64_t denominator) {
  return ScaleMath::make(ScaleMath::magnitude(numerator),
                         ScaleMath::magnitude(denominator), 0);
}

Scale Scale::operator*(const Scale &other) const {
  using U128 = ScaleMath::U128;
  return ScaleMath::make(U128(num) * U128(other.num),
                         U128(den) * U128(other.den),
                         exp10.halves() + other.exp10.halves());
}

Scale Scale::operator/(const Scale &other) const {
  using U128 = ScaleMath::U128;
  return ScaleMath::make(U128(num) * U128(other.den),
                         U128(den) * U128(other.num),
                         exp10.halves() - other.exp10.halves());
}

Scale Scale::pow(int power) const {
  // Powers of ten are the common case and need no multiplication at all.
  if (num == 1 && den == 1)
    return powerOfTen(exp10 * power);
  int64_t remaining = power;
  Scale base = *this;
  if (remaining < 0) {
    base = Scale() / *this;
    remaining = -remaining;
  }
  Scale result;
  while (remaining != 0) {
    if (remaining & 1)
      result = result * base;
    remaining >>= 1;
    if (remaining != 0)
      base = base * base;
  }
  return result;
}

std::optional<Scale> Scale::sqrt() const {
  // The root of 10^(k/2) is 10^(k/4): a count of halves only for whole k.
  std::optional<Exponent> rootOfTens = exp10.half();
  if (!rootOfTens)
    return std::nullopt;
  using U128 = ScaleMath::U128;
  // num/den is in lowest terms, so its root is rational exactly when num
  // and den are squares: sqrt(4/9 * 10^-3) = 2/3 * 10^-1.5.
  std::optional<U128> rootNum = ScaleMath::exactSqrt(U128(num));
  std::optional<U128> rootDen = ScaleMath::exactSqrt(U128(den));
  if (rootNum && rootDen)
    return ScaleMath::make(*rootNum, *rootDen, rootOfTens->halves());
  // One ten may hide in the normal form: 2/5 = 4 * 10^-1, whose root is
  // 2 * 10^-0.5. Move it over: num/den * 10^k = (10 num/den) * 10^(k-1).
  U128 tenNum = U128(num) * 10, tenDen = U128(den);
  U128 g = ScaleMath::gcd(tenNum, tenDen);
  rootNum = ScaleMath::exactSqrt(tenNum / g);
  rootDen = ScaleMath::exactSqrt(tenDen / g);
  if (rootNum && rootDen)
    return ScaleMath::make(*rootNum, *rootDen, rootOfTens->halves() - 1);
  return std::nullopt;
}

bool Scale::operator==(const Scale &other) const {
  // Normal form is not unique across factors 2 and 5 (1/2 vs 5e-1), so
  // compare num1 * den2 * 10^e1 with num2 * den1 * 10^e2 exactly. Stripped
  // of its tens, x * 10^(h/2) is unique even with half exponents, since
  // sqrt(10) is irrational.
  using U128 = ScaleMath::U128;
  U128 lhs = U128(num) * U128(other.den);
  U128 rhs = U128(other.num) * U128(den);
  int64_t lhsHalves = exp10.halves(), rhsHalves = other.exp10.halves();
  ScaleMath::stripTens(lhs, lhsHalves);
  ScaleMath::stripTens(rhs, rhsHalves);
  return lhs == rhs && lhsHalves == rhsHalves;
}

double Scale::toDouble() const {
  // Let strtod round the decimal value once, correctly.
  if (exp10.isWhole())
    return std::strtod(ScaleMath::decimal(num, den, exp10.whole()).c_str(),
                       nullptr);
  // x * 10^(k + 0.5) is x * 10^k * sqrt(10), computed in long double so
  // that rounding to double is almost always the correct rounding.
  int64_t tens = (exp10.halves() - 1) / 2;
  long double whole =
      std::strtold(ScaleMath::decimal(num, den, tens).c_str(), nullptr);
  return static_cast<double>(whole * std::sqrt(10.0L));
}

//===----------------------------------------------------------------------===//
// Symbol table
//===----------------------------------------------------------------------===//

namespace {

struct SymbolEntry {
  std::string symbol;   ///< As accepted by lookupUnit.
  std::string spelling; ///< Canonical print form (micro signs become "u").
  Dimension dim;
  Scale scale;
  /// Whether str() may print it. Only one spelling per unit is printable:
  /// Ω and the micro signs are accepted but never chosen over ASCII.
  bool printable;
  /// A bare symbol at scale one, usable in SI forms like "V/s".
  bool coherent;
};

struct SymbolTable {
  std::vector<SymbolEntry> entries; ///< Bare symbols first, then prefixed.
  llvm::StringMap<size_t> index;
  std::vector<std::string> symbols;
};

SymbolTable buildSymbolTable() {
  struct BaseUnit {
    const char *symbol;
    Dimension dim;
    Scale scale;
    bool prefixable;
    bool printable;
  };
  const Dimension voltage = makeDimension(-3, 2, 1, -1);
  const Dimension resistance = makeDimension(-3, 2, 1, -2);
  // Order is print preference: the first exact match wins in str().
  const BaseUnit bases[] = {
      {"s", makeDimension(1, 0, 0, 0), Scale(), true, true},
      {"m", makeDimension(0, 1, 0, 0), Scale(), true, true},
      // "kg" is listed on its own so that it is exact, unprefixable and
      // preferred over "g" with prefix k (which reads the same anyway).
      {"kg", makeDimension(0, 0, 1, 0), Scale(), false, true},
      {"g", makeDimension(0, 0, 1, 0), Scale::powerOfTen(-3), true, true},
      {"A", makeDimension(0, 0, 0, 1), Scale(), true, true},
      {"K", makeDimension(0, 0, 0, 0, 1), Scale(), true, true},
      {"mol", makeDimension(0, 0, 0, 0, 0, 1), Scale(), true, true},
      {"cd", makeDimension(0, 0, 0, 0, 0, 0, 1), Scale(), true, true},
      {"V", voltage, Scale(), true, true},
      {"ohm", resistance, Scale(), true, true},
      {"\xCE\xA9", resistance, Scale(), true, false}, // Ω, U+03A9
      {"S", Dimension() / resistance, Scale(), true, true},
      {"F", makeDimension(4, -2, -1, 2), Scale(), true, true},
      {"Hz", makeDimension(-1, 0, 0, 0), Scale(), true, true},
      {"C", makeDimension(1, 0, 0, 1), Scale(), true, true},
      {"W", makeDimension(-3, 2, 1, 0), Scale(), true, true},
      {"J", makeDimension(-2, 2, 1, 0), Scale(), true, true},
      // The centimetre alone of the centi units: per-area values in
      // physiology are per cm^2 (uF/cm^2, mS/cm^2, uA/cm^2).
      {"cm", makeDimension(0, 1, 0, 0), Scale::powerOfTen(-2), false, true},
  };
  struct Prefix {
    const char *symbol;
    const char *spelling;
    int exp10;
  };
  // Users type micro as u, as the micro sign µ (U+00B5, \xC2\xB5) or as the
  // Greek mu μ (U+03BC, \xCE\xBC); all three print as u.
  const Prefix prefixes[] = {
      {"f", "f", -15}, {"p", "p", -12},       {"n", "n", -9},
      {"u", "u", -6},  {"\xC2\xB5", "u", -6}, {"\xCE\xBC", "u", -6},
      {"m", "m", -3},  {"k", "k", 3},         {"M", "M", 6},
      {"G", "G", 9},
  };

  SymbolTable table;
  auto add = [&table](std::string symbol, std::string spelling, Dimension dim,
                      Scale scale, bool printable, bool coherent) {
    // The first entry for a symbol wins: bare symbols are added before any
    // prefix split, which is what makes "mol" a mole and not milli-"ol".
    if (!table.index.try_emplace(symbol, table.entries.size()).second)
      return;
    table.symbols.push_back(symbol);
    table.entries.push_back({std::move(symbol), std::move(spelling), dim, scale,
                             printable, coherent});
  };
  for (const BaseUnit &base : bases)
    add(base.symbol, base.symbol, base.dim, base.scale, base.printable,
        base.printable && base.scale.isOne());
  for (const BaseUnit &base : bases) {
    if (!base.prefixable)
      continue;
    for (const Prefix &prefix : prefixes) {
      bool canonicalPrefix = llvm::StringRef(prefix.symbol) == prefix.spelling;
      add(std::string(prefix.symbol) + base.symbol,
          std::string(prefix.spelling) + base.symbol, base.dim,
          base.scale * Scale::powerOfTen(prefix.exp10),
          base.printable && canonicalPrefix, false);
    }
  }
  return table;
}

const SymbolTable &symbolTable() {
  static const SymbolTable table = buildSymbolTable();
  return table;
}

const SymbolEntry *findSymbol(llvm::StringRef symbol) {
  const SymbolTable &table = symbolTable();
  auto it = table.index.find(symbol);
  return it == table.index.end() ? nullptr : &table.entries[it->second];
}

/// The preferred printable symbol for exactly this dimension and scale.
const SymbolEntry *findNamedUnit(const Dimension &dim, const Scale &scale) {
  for (const SymbolEntry &entry : symbolTable().entries)
    if (entry.printable && entry.dim == dim && entry.scale == scale)
      return &entry;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Spellings as factor lists
//===----------------------------------------------------------------------===//

/// One factor of a spelling: an atom (a unit symbol, or an opaque
/// parenthesised text) raised to a nonzero power.
struct Factor {
  std::string atom;
  Exponent power;
};
using FactorList = std::vector<Factor>;

/// Multiplies atom^power into `factors`, merging equal atoms so that
/// mV*mV spells "mV^2" and mV/ms*ms spells "mV".
void multiplyFactor(FactorList &factors, llvm::StringRef atom, Exponent power) {
  if (atom == "1" || power == 0)
    return;
  for (auto it = factors.begin(); it != factors.end(); ++it) {
    if (it->atom != atom)
      continue;
    it->power = it->power + power;
    if (it->power == 0)
      factors.erase(it);
    return;
  }
  factors.push_back({atom.str(), power});
}

bool isSpellingOperator(char c) {
  return c == '*' || c == '/' || c == '^' || c == '(' || c == ')' || c == ' ';
}

/// Parses the spellings this file produces: "1", "mV^2", "mS*mV", "1/ms",
/// "mV/(ms*mS)", "ms^0.5", with "(...)" atoms for texts it cannot take
/// apart.
class SpellingParser {
public:
  static bool parse(llvm::StringRef text, FactorList &factors) {
    FactorList result;
    llvm::StringRef rest = text;
    if (rest == "1" || rest.starts_with("1/"))
      rest = rest.drop_front();
    else if (!parseProduct(rest, result, 1))
      return false;
    if (rest.consume_front("/") && !parseDenominator(rest, result))
      return false;
    if (!rest.empty())
      return false;
    factors = std::move(result);
    return true;
  }

private:
  static size_t matchingParen(llvm::StringRef text) {
    int depth = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '(')
        ++depth;
      else if (text[i] == ')' && --depth == 0)
        return i;
    }
    return llvm::StringRef::npos;
  }

  static bool parseFactor(llvm::StringRef &rest, FactorList &factors,
                          int sign) {
    llvm::StringRef atom;
    if (rest.starts_with("(")) {
      size_t close = matchingParen(rest);
      if (close == llvm::StringRef::npos)
        return false;
      atom = rest.take_front(close + 1);
    } else {
      atom = rest.take_until(isSpellingOperator);
    }
    if (atom.empty())
      return false;
    rest = rest.drop_front(atom.size());
    int64_t halves = 2;
    if (rest.consume_front("^")) {
      bool negative = rest.consume_front("-");
      llvm::StringRef digits =
          rest.take_while([](char c) { return c >= '0' && c <= '9'; });
      // Ten digits cover every int and always fit in int64.
      if (digits.empty() || digits.size() > 10)
        return false;
      rest = rest.drop_front(digits.size());
      halves = 2 * std::strtoll(digits.str().c_str(), nullptr, 10);
      if (rest.consume_front(".5"))
        ++halves;
      if (negative)
        halves = -halves;
    }
    // Saturate only after the sign of the side is applied, so that
    // "1/mV^2147483648" reads back as mV^INT_MIN.
    multiplyFactor(factors, atom, Exponent::fromHalves(sign * halves));
    return true;
  }

  static bool parseProduct(llvm::StringRef &rest, FactorList &factors,
                           int sign) {
    if (!parseFactor(rest, factors, sign))
      return false;
    while (rest.consume_front("*"))
      if (!parseFactor(rest, factors, sign))
        return false;
    return true;
  }

  static bool parseDenominator(llvm::StringRef &rest, FactorList &factors) {
    // "(ms*mS)" groups a product; "(1e-3 V)" alone is an opaque atom.
    if (rest.starts_with("(") && matchingParen(rest) == rest.size() - 1) {
      llvm::StringRef inner = rest.drop_front().drop_back();
      FactorList grouped = factors;
      if (parseProduct(inner, grouped, -1) && inner.empty()) {
        factors = std::move(grouped);
        rest = llvm::StringRef();
        return true;
      }
    }
    return parseProduct(rest, factors, -1);
  }
};

FactorList parseSpelling(const std::string &spelling) {
  FactorList factors;
  if (SpellingParser::parse(spelling, factors))
    return factors;
  // Someone else's text: keep it whole, parenthesised where it would not
  // read as one factor.
  bool simple = llvm::StringRef(spelling).find_if(isSpellingOperator) ==
                llvm::StringRef::npos;
  factors.clear();
  multiplyFactor(factors, simple ? spelling : "(" + spelling + ")", 1);
  return factors;
}

std::string renderSpelling(const FactorList &factors) {
  std::string numerator, denominator;
  unsigned denominatorFactors = 0;
  for (const Factor &factor : factors) {
    int64_t halves = factor.power.halves();
    std::string &side = halves > 0 ? numerator : denominator;
    if (!side.empty())
      side += "*";
    side += appendPower(factor.atom, halves > 0 ? halves : -halves);
    if (halves < 0)
      ++denominatorFactors;
  }
  if (denominator.empty())
    return numerator; // "" for no factors: the unit prints by value.
  if (numerator.empty())
    numerator = "1";
  if (denominatorFactors > 1)
    denominator = "(" + denominator + ")";
  return numerator + "/" + denominator;
}

/// The unit a spelling denotes when every atom is a known symbol, so that
/// str() can ignore a spelling that does not match its unit.
bool evaluateSpelling(const std::string &spelling, Dimension &dim,
                      Scale &scale) {
  FactorList factors;
  if (!SpellingParser::parse(spelling, factors))
    return false;
  dim = Dimension();
  scale = Scale();
  for (const Factor &factor : factors) {
    const SymbolEntry *entry = findSymbol(factor.atom);
    if (!entry)
      return false;
    // x^(k/2), for odd k, is the square root of x^k.
    bool half = !factor.power.isWhole();
    int power = saturateToInt(half ? factor.power.halves()
                                   : int64_t(factor.power.whole()));
    std::optional<Dimension> factorDim = entry->dim.pow(power);
    std::optional<Scale> factorScale = entry->scale.pow(power);
    if (half) {
      factorDim = factorDim->sqrt();
      factorScale = factorScale->sqrt();
    }
    if (!factorDim || !factorScale)
      return false;
    dim = dim * *factorDim;
    scale = scale * *factorScale;
  }
  return true;
}

/// "%g" with the fewest digits that read back as the same double.
std::string shortestDecimal(double value) {
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value)
      break;
  }
  return buffer;
}

/// The factor in front of an SI form: "1e-3", "25e-4", or "0.5"; a
/// fraction outside the range of double keeps its parts, "(7/3)e900". A
/// half power of ten is written out: "10^-1.5", "2*10^0.5".
std::string formatScale(const Scale &scale) {
  if (!scale.exponent10().isWhole()) {
    std::string tens = "10^" + scale.exponent10().str();
    Scale rational = Scale::rational(scale.numerator(), scale.denominator());
    return rational.isOne() ? tens : formatScale(rational) + "*" + tens;
  }
  std::string exponent =
      scale.exponent10() == 0 ? "" : "e" + scale.exponent10().str();
  if (scale.denominator() == 1)
    return std::to_string(scale.numerator()) + exponent;
  double value = scale.toDouble();
  if (value != 0 && value != HUGE_VAL)
    return shortestDecimal(value);
  return "(" + std::to_string(scale.numerator()) + "/" +
         std::to_string(scale.denominator()) + ")" + exponent;
}

/// A coherent named unit ("V"), one divided or multiplied by a second
/// ("V/s", "V*s"), else the base form.
std::string siForm(const Dimension &dim) {
  const std::vector<SymbolEntry> &entries = symbolTable().entries;
  for (const SymbolEntry &entry : entries)
    if (entry.coherent && entry.dim == dim)
      return entry.spelling;
  const Dimension time = Dimension::base(BaseQuantity::Time);
  for (const SymbolEntry &entry : entries) {
    // "s/s" or "Hz*s" would only obscure a simpler base form.
    if (!entry.coherent || entry.dim == time || entry.dim == Dimension() / time)
      continue;
    if (entry.dim / time == dim)
      return entry.spelling + "/s";
    if (entry.dim * time == dim)
      return entry.spelling + "*s";
  }
  return baseForm(dim);
}

} // namespace

//===----------------------------------------------------------------------===//
// Unit
//===----------------------------------------------------------------------===//

// An operand without a spelling contributes what it prints as.
static FactorList factorsOf(const Unit &unit, const std::string &spelling) {
  return parseSpelling(spelling.empty() ? unit.str() : spelling);
}

Unit Unit::operator*(const Unit &other) const {
  FactorList factors = factorsOf(*this, spelling);
  for (const Factor &factor : factorsOf(other, other.spelling))
    multiplyFactor(factors, factor.atom, factor.power);
  return Unit(dim * other.dim, scl * other.scl, renderSpelling(factors));
}

Unit Unit::operator/(const Unit &other) const {
  FactorList factors = factorsOf(*this, spelling);
  for (const Factor &factor : factorsOf(other, other.spelling))
    multiplyFactor(factors, factor.atom, -factor.power);
  return Unit(dim / other.dim, scl / other.scl, renderSpelling(factors));
}

Unit Unit::pow(int power) const {
  if (power == 0)
    return Unit();
  FactorList factors = factorsOf(*this, spelling);
  for (Factor &factor : factors)
    factor.power = factor.power * power;
  return Unit(dim.pow(power), scl.pow(power), renderSpelling(factors));
}

std::optional<Unit> Unit::sqrt() const {
  std::optional<Dimension> rootDim = dim.sqrt();
  std::optional<Scale> rootScale = scl.sqrt();
  if (!rootDim || !rootScale)
    return std::nullopt;
  // A spelling whose factors cannot all be halved ("ms^0.5*(1e-4 V)") is
  // dropped; the root then prints by its value.
  FactorList factors = factorsOf(*this, spelling);
  for (Factor &factor : factors) {
    std::optional<Exponent> half = factor.power.half();
    if (!half)
      return Unit(*rootDim, *rootScale);
    factor.power = *half;
  }
  return Unit(*rootDim, *rootScale, renderSpelling(factors));
}

std::optional<Unit> Unit::raisedTo(Exponent power) const {
  if (power.isWhole())
    return pow(power.whole());
  // x^(k/2) for odd k is the root of x^k.
  return pow(saturateToInt(power.halves())).sqrt();
}

std::string Unit::str() const {
  bool useSpelling = !spelling.empty();
  if (useSpelling) {
    Dimension spelledDim;
    Scale spelledScale;
    if (evaluateSpelling(spelling, spelledDim, spelledScale) &&
        (spelledDim != dim || spelledScale != scl))
      useSpelling = false;
  }
  if (useSpelling &&
      (findSymbol(spelling) || spelling.find('/') != std::string::npos))
    return spelling;
  if (dim.isDimensionless() && scl.isOne())
    return "1";
  if (const SymbolEntry *named = findNamedUnit(dim, scl))
    return named->spelling;
  if (useSpelling)
    return spelling;
  if (dim.isDimensionless())
    return formatScale(scl);
  std::string form = siForm(dim);
  return scl.isOne() ? form : formatScale(scl) + " " + form;
}

Scale conversionScale(const Unit &from, const Unit &to) {
  assert(from.sameDimension(to) && "converting between dimensions");
  return from.scale() / to.scale();
}

std::optional<Unit> lookupUnit(llvm::StringRef symbol) {
  const SymbolEntry *entry = findSymbol(symbol);
  if (!entry)
    return std::nullopt;
  return Unit(entry->dim, entry->scale, entry->spelling);
}

const std::vector<std::string> &knownUnitSymbols() {
  return symbolTable().symbols;
}

} // namespace snnc
