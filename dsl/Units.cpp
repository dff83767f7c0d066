//===- Units.cpp - Physical dimensions and exact unit scales --------------===//
//
// Scales multiply through 128-bit intermediates and are reduced by their gcd,
// so chains of conversions (mS * mV -> uA -> mA) stay exact. Only when a
// reduced numerator or denominator no longer fits in 64 bits is it rounded,
// which keeps the value right to ~18 digits and never invokes undefined
// behaviour. Unit spellings are composed as lists of symbol^exponent factors,
// so products and powers read the way a user would write them ("mV/(ms*mS)").
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Units.h"

#include "llvm/ADT/StringMap.h"

#include <cassert>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace snnc {

namespace {

int saturateToInt(int64_t value) {
  if (value > INT_MAX)
    return INT_MAX;
  if (value < INT_MIN)
    return INT_MIN;
  return static_cast<int>(value);
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

std::string appendPower(std::string symbol, int64_t power) {
  if (power != 1)
    symbol += "^" + std::to_string(power);
  return symbol;
}

/// "kg*m^2/(s^3*A)": positive exponents over negative ones.
std::string baseForm(const Dimension &dim) {
  std::string numerator, denominator;
  unsigned denominatorFactors = 0;
  for (BaseQuantity quantity : basePrintOrder) {
    int exp = dim.exponent(quantity);
    if (exp == 0)
      continue;
    std::string &side = exp > 0 ? numerator : denominator;
    if (!side.empty())
      side += "*";
    side += appendPower(baseSymbols[static_cast<unsigned>(quantity)],
                        exp > 0 ? int64_t(exp) : -int64_t(exp));
    if (exp < 0)
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
// Dimension
//===----------------------------------------------------------------------===//

Dimension Dimension::base(BaseQuantity quantity) {
  Dimension dim;
  dim.exponents[static_cast<unsigned>(quantity)] = 1;
  return dim;
}

bool Dimension::isDimensionless() const {
  for (int exp : exponents)
    if (exp != 0)
      return false;
  return true;
}

// Exponents saturate rather than overflow: only absurd powers reach the
// limits, and they must not be undefined behaviour.
Dimension Dimension::operator*(const Dimension &other) const {
  Dimension result;
  for (unsigned i = 0; i < numBaseQuantities; ++i)
    result.exponents[i] =
        saturateToInt(int64_t(exponents[i]) + other.exponents[i]);
  return result;
}

Dimension Dimension::operator/(const Dimension &other) const {
  Dimension result;
  for (unsigned i = 0; i < numBaseQuantities; ++i)
    result.exponents[i] =
        saturateToInt(int64_t(exponents[i]) - other.exponents[i]);
  return result;
}

Dimension Dimension::pow(int power) const {
  Dimension result;
  for (unsigned i = 0; i < numBaseQuantities; ++i)
    result.exponents[i] = saturateToInt(int64_t(exponents[i]) * power);
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
/// in 126 bits, so no step here can overflow.
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

  static void reduce(U128 &num, U128 &den, int64_t &exp10) {
    U128 g = gcd(num, den);
    num /= g;
    den /= g;
    while (num % 10 == 0) {
      num /= 10;
      ++exp10;
    }
    while (den % 10 == 0) {
      den /= 10;
      --exp10;
    }
  }

  /// num/den * 10^exp10 in normal form. `exp10` is a sum or product of ints,
  /// so it cannot overflow int64 on the way in.
  static Scale make(U128 num, U128 den, int64_t exp10) {
    // Zero has no place in a positive factor; saturate towards it instead.
    if (num == 0) {
      num = 1;
      exp10 = INT_MIN;
    }
    if (den == 0) {
      den = 1;
      exp10 = INT_MAX;
    }
    reduce(num, den, exp10);
    const U128 limit = static_cast<U128>(INT64_MAX);
    if (num > limit || den > limit) {
      // Out of exact range: round to nearest, one decimal digit at a time.
      while (num > limit) {
        num = (num + 5) / 10;
        ++exp10;
      }
      while (den > limit) {
        den = (den + 5) / 10;
        --exp10;
      }
      reduce(num, den, exp10);
    }
    Scale result;
    result.num = static_cast<int64_t>(num);
    result.den = static_cast<int64_t>(den);
    result.exp10 = saturateToInt(exp10);
    return result;
  }

  static U128 magnitude(int64_t value) {
    // Negate in 128 bits so that INT64_MIN has a magnitude too.
    __int128 wide = value;
    return static_cast<U128>(wide < 0 ? -wide : wide);
  }

  /// Strips the powers of ten from an integer, so that two values
  /// x * 10^e can be compared by their parts.
  static void stripTens(U128 &value, int64_t &exp10) {
    while (value != 0 && value % 10 == 0) {
      value /= 10;
      ++exp10;
    }
  }
};

void Scale::normalize() {
  *this = ScaleMath::make(ScaleMath::magnitude(num), ScaleMath::magnitude(den),
                          exp10);
}

Scale Scale::powerOfTen(int exponent10) {
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
                         int64_t(exp10) + other.exp10);
}

Scale Scale::operator/(const Scale &other) const {
  using U128 = ScaleMath::U128;
  return ScaleMath::make(U128(num) * U128(other.den),
                         U128(den) * U128(other.num),
                         int64_t(exp10) - other.exp10);
}

Scale Scale::pow(int power) const {
  int64_t remaining = power;
  Scale base = *this;
  if (remaining < 0) {
    base = Scale() / *this;
    remaining = -remaining;
  }
  // Powers of ten are the common case and need no multiplication at all.
  if (base.num == 1 && base.den == 1)
    return powerOfTen(saturateToInt(int64_t(base.exp10) * remaining));
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

bool Scale::operator==(const Scale &other) const {
  // Normal form is not unique across factors 2 and 5 (1/2 vs 5e-1), so
  // compare num1 * den2 * 10^e1 with num2 * den1 * 10^e2 exactly.
  using U128 = ScaleMath::U128;
  U128 lhs = U128(num) * U128(other.den);
  U128 rhs = U128(other.num) * U128(den);
  int64_t lhsExp = exp10, rhsExp = other.exp10;
  ScaleMath::stripTens(lhs, lhsExp);
  ScaleMath::stripTens(rhs, rhsExp);
  return lhs == rhs && lhsExp == rhsExp;
}

double Scale::toDouble() const {
  // Write num/den as decimal digits and let strtod round once, correctly:
  // powerOfTen(-3) becomes "1e-3", which is exactly the literal 1e-3.
  // Non-terminating quotients get 40 significant digits plus a sticky '1'
  // so that they never look like an exact halfway case.
  using U128 = ScaleMath::U128;
  std::string digits;
  uint64_t quotient = uint64_t(num) / uint64_t(den);
  U128 remainder = uint64_t(num) % uint64_t(den);
  if (quotient != 0)
    digits = std::to_string(quotient);
  int64_t exponent = exp10;
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
  return std::strtod(buffer, nullptr);
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
  int64_t power;
};
using FactorList = std::vector<Factor>;

/// Multiplies atom^power into `factors`, merging equal atoms so that
/// mV*mV spells "mV^2" and mV/ms*ms spells "mV".
void multiplyFactor(FactorList &factors, llvm::StringRef atom, int64_t power) {
  if (atom == "1" || power == 0)
    return;
  for (auto it = factors.begin(); it != factors.end(); ++it) {
    if (it->atom != atom)
      continue;
    it->power = saturateToInt(it->power + power);
    if (it->power == 0)
      factors.erase(it);
    return;
  }
  factors.push_back({atom.str(), saturateToInt(power)});
}

bool isSpellingOperator(char c) {
  return c == '*' || c == '/' || c == '^' || c == '(' || c == ')' || c == ' ';
}

/// Parses the spellings this file produces: "1", "mV^2", "mS*mV", "1/ms",
/// "mV/(ms*mS)", with "(...)" atoms for texts it cannot take apart.
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
    int64_t power = 1;
    if (rest.consume_front("^")) {
      bool negative = rest.consume_front("-");
      llvm::StringRef digits =
          rest.take_while([](char c) { return c >= '0' && c <= '9'; });
      // Ten digits cover every int and always fit in int64.
      if (digits.empty() || digits.size() > 10)
        return false;
      rest = rest.drop_front(digits.size());
      power = std::strtoll(digits.str().c_str(), nullptr, 10);
      if (negative)
        power = -power;
    }
    // Saturate only after the sign of the side is applied, so that
    // "1/mV^2147483648" reads back as mV^INT_MIN.
    multiplyFactor(factors, atom, sign * power);
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
    std::string &side = factor.power > 0 ? numerator : denominator;
    if (!side.empty())
      side += "*";
    side += appendPower(factor.atom,
                        factor.power > 0 ? factor.power : -factor.power);
    if (factor.power < 0)
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
    int power = saturateToInt(factor.power);
    dim = dim * entry->dim.pow(power);
    scale = scale * entry->scale.pow(power);
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
/// fraction outside the range of double keeps its parts, "(7/3)e900".
std::string formatScale(const Scale &scale) {
  std::string exponent =
      scale.exponent10() == 0 ? "" : "e" + std::to_string(scale.exponent10());
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
    factor.power = saturateToInt(factor.power * power);
  return Unit(dim.pow(power), scl.pow(power), renderSpelling(factors));
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
