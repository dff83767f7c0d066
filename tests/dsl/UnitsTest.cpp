//===- UnitsTest.cpp - Tests for dimensions, scales and unit symbols ------===//
//
// Pins down the behaviour the rest of snnc relies on: which symbols parse to
// what, that unit algebra is exact (a chain of conversions never drifts),
// how units print in diagnostics, and that absurd inputs stay well defined.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Units.h"

#include "gtest/gtest.h"

#include <climits>
#include <cmath>
#include <set>

using namespace snnc;

namespace {

Unit unit(llvm::StringRef symbol) {
  std::optional<Unit> result = lookupUnit(symbol);
  EXPECT_TRUE(result.has_value()) << "unknown symbol " << symbol.str();
  return result.value_or(Unit());
}

Dimension dim(int s, int m, int kg, int a) {
  return Dimension::base(BaseQuantity::Time).pow(s) *
         Dimension::base(BaseQuantity::Length).pow(m) *
         Dimension::base(BaseQuantity::Mass).pow(kg) *
         Dimension::base(BaseQuantity::Current).pow(a);
}

const Dimension time = Dimension::base(BaseQuantity::Time);
const Dimension voltage = dim(-3, 2, 1, -1);

//===----------------------------------------------------------------------===//
// Lookup
//===----------------------------------------------------------------------===//

TEST(UnitLookupTest, BaseSymbolsHaveTheirSIDimensionAtScaleOne) {
  EXPECT_EQ(unit("s").dimension(), time);
  EXPECT_EQ(unit("m").dimension(), Dimension::base(BaseQuantity::Length));
  EXPECT_EQ(unit("kg").dimension(), Dimension::base(BaseQuantity::Mass));
  EXPECT_EQ(unit("A").dimension(), Dimension::base(BaseQuantity::Current));
  EXPECT_EQ(unit("K").dimension(), Dimension::base(BaseQuantity::Temperature));
  EXPECT_EQ(unit("mol").dimension(), Dimension::base(BaseQuantity::Amount));
  EXPECT_EQ(unit("cd").dimension(), Dimension::base(BaseQuantity::Luminosity));
  for (const char *symbol : {"s", "m", "kg", "A", "K", "mol", "cd", "V", "S",
                             "ohm", "F", "Hz", "C", "W", "J"})
    EXPECT_TRUE(unit(symbol).scale().isOne()) << symbol;
}

// Per-area values in physiology are per cm^2; centi is not a prefix of
// anything else (cV, cS would only hide typos).
TEST(UnitLookupTest, TheCentimetreIsOneHundredthOfTheMetre) {
  EXPECT_EQ(unit("cm").dimension(), Dimension::base(BaseQuantity::Length));
  EXPECT_EQ(unit("cm").scale(), Scale::powerOfTen(-2));
  EXPECT_FALSE(lookupUnit("cV"));
  EXPECT_FALSE(lookupUnit("mcm"));
}

TEST(UnitLookupTest, GramIsOneThousandthOfTheKilogram) {
  EXPECT_EQ(unit("g").dimension(), Dimension::base(BaseQuantity::Mass));
  EXPECT_EQ(unit("g").scale(), Scale::powerOfTen(-3));
  EXPECT_EQ(unit("mg").scale(), Scale::powerOfTen(-6));
  EXPECT_EQ(unit("kg"), unit("g") * Unit(Dimension(), Scale::powerOfTen(3)));
}

TEST(UnitLookupTest, EveryPrefixScalesByItsPowerOfTen) {
  const std::pair<const char *, int> prefixes[] = {
      {"f", -15}, {"p", -12}, {"n", -9}, {"u", -6},
      {"m", -3},  {"k", 3},   {"M", 6},  {"G", 9}};
  for (const auto &[prefix, exp10] : prefixes) {
    Unit volts = unit(std::string(prefix) + "V");
    EXPECT_EQ(volts.dimension(), voltage) << prefix;
    EXPECT_EQ(volts.scale(), Scale::powerOfTen(exp10)) << prefix;
    Unit amps = unit(std::string(prefix) + "A");
    EXPECT_EQ(amps.scale(), Scale::powerOfTen(exp10)) << prefix;
  }
}

TEST(UnitLookupTest, PrefixesApplyToEveryPrefixableSymbol) {
  for (const char *base : {"s", "m", "g", "A", "K", "mol", "cd", "V", "S",
                           "ohm", "\u03A9", "F", "Hz", "C", "W", "J"}) {
    std::optional<Unit> bare = lookupUnit(base);
    std::optional<Unit> kilo = lookupUnit(std::string("k") + base);
    ASSERT_TRUE(bare && kilo) << base;
    EXPECT_EQ(conversionScale(*kilo, *bare), Scale::powerOfTen(3)) << base;
  }
}

TEST(UnitLookupTest, BothMicroSignsMeanMicro) {
  Unit micro = unit("\u00B5A"); // U+00B5 MICRO SIGN
  Unit mu = unit("\u03BCA");    // U+03BC GREEK SMALL LETTER MU
  EXPECT_EQ(micro, unit("uA"));
  EXPECT_EQ(mu, unit("uA"));
  EXPECT_EQ(micro.scale(), Scale::powerOfTen(-6));
  EXPECT_EQ(unit("\u00B5S"), unit("uS"));
  EXPECT_EQ(unit("\u03BCs"), unit("us"));
}

TEST(UnitLookupTest, MicroSignsAreSpelledAsU) {
  EXPECT_EQ(unit("\u00B5A").str(), "uA");
  EXPECT_EQ(unit("\u03BCF").str(), "uF");
}

TEST(UnitLookupTest, OhmAndOmegaAreTheSameUnit) {
  EXPECT_EQ(unit("ohm"), unit("\u03A9"));
  EXPECT_EQ(unit("kohm"), unit("k\u03A9"));
  EXPECT_EQ(unit("M\u03A9").scale(), Scale::powerOfTen(6));
  EXPECT_EQ(unit("M\u03A9").dimension(), unit("ohm").dimension());
}

TEST(UnitLookupTest, ExactSymbolsWinOverPrefixSplits) {
  EXPECT_EQ(unit("m").dimension(), Dimension::base(BaseQuantity::Length));
  EXPECT_TRUE(unit("m").scale().isOne());
  EXPECT_EQ(unit("mol").dimension(), Dimension::base(BaseQuantity::Amount));
  EXPECT_TRUE(unit("mol").scale().isOne());
  EXPECT_EQ(unit("cd").dimension(), Dimension::base(BaseQuantity::Luminosity));
  EXPECT_EQ(unit("Hz").dimension(), time.pow(-1));
  EXPECT_TRUE(unit("Hz").scale().isOne());
}

TEST(UnitLookupTest, CaseSelectsBetweenSimilarPrefixedSymbols) {
  // ms is a millisecond, mS a millisiemens, Ms a megasecond.
  EXPECT_EQ(unit("ms").dimension(), time);
  EXPECT_EQ(unit("ms").scale(), Scale::powerOfTen(-3));
  EXPECT_EQ(unit("mS").dimension(), unit("S").dimension());
  EXPECT_EQ(unit("mS").scale(), Scale::powerOfTen(-3));
  EXPECT_EQ(unit("Ms").dimension(), time);
  EXPECT_EQ(unit("Ms").scale(), Scale::powerOfTen(6));
  EXPECT_EQ(unit("mm").dimension(), Dimension::base(BaseQuantity::Length));
  EXPECT_EQ(unit("mmol").scale(), Scale::powerOfTen(-3));
  EXPECT_EQ(unit("mmol").dimension(), Dimension::base(BaseQuantity::Amount));
}

TEST(UnitLookupTest, KilogramIsExactAndUnprefixable) {
  EXPECT_TRUE(unit("kg").scale().isOne());
  EXPECT_FALSE(lookupUnit("mkg"));
  EXPECT_FALSE(lookupUnit("kkg"));
}

TEST(UnitLookupTest, UnknownSymbolsAreRejected) {
  EXPECT_FALSE(lookupUnit("mv")); // case matters: V, not v
  EXPECT_FALSE(lookupUnit("xx"));
  EXPECT_FALSE(lookupUnit(""));
  EXPECT_FALSE(lookupUnit("Ohm"));
  EXPECT_FALSE(lookupUnit("k"));   // a prefix alone
  EXPECT_FALSE(lookupUnit("mV ")); // no trimming
  EXPECT_FALSE(lookupUnit("mV/ms"));
}

TEST(UnitLookupTest, DoublePrefixesAreRejected) {
  EXPECT_FALSE(lookupUnit("mmV"));
  EXPECT_FALSE(lookupUnit("kms"));
  EXPECT_FALSE(lookupUnit("u\u00B5A"));
}

TEST(UnitLookupTest, SpellingIsTheSymbolAsWritten) {
  EXPECT_EQ(unit("ms").str(), "ms");
  EXPECT_EQ(unit("kohm").str(), "kohm");
  EXPECT_EQ(unit("M\u03A9").str(), "M\u03A9");
  EXPECT_EQ(unit("mS").str(), "mS");
}

TEST(UnitLookupTest, KnownSymbolsAreExactlyTheAcceptedOnes) {
  const std::vector<std::string> &symbols = knownUnitSymbols();
  EXPECT_EQ(&symbols, &knownUnitSymbols()) << "built once";
  std::set<std::string> unique(symbols.begin(), symbols.end());
  EXPECT_EQ(unique.size(), symbols.size()) << "no duplicates";
  for (const std::string &symbol : symbols)
    EXPECT_TRUE(lookupUnit(symbol)) << symbol;
  for (const char *symbol :
       {"s", "ms", "mV", "uA", "\u00B5A", "\u03BCA", "kohm", "M\u03A9", "Hz",
        "kHz", "mol", "cd", "kg", "mg", "nF", "pC", "GW", "fJ"})
    EXPECT_TRUE(unique.count(symbol)) << symbol;
  EXPECT_FALSE(unique.count("mkg"));
  // 16 prefixable symbols * (1 + 10 prefixes) + "kg" ("kg" from g is
  // merged) + "cm".
  EXPECT_EQ(symbols.size(), 16u * 11u + 1u - 1u + 1u);
  EXPECT_TRUE(unique.count("cm"));
}

TEST(UnitLookupTest, KnownSymbolsListBareSymbolsFirst) {
  const std::vector<std::string> &symbols = knownUnitSymbols();
  ASSERT_GE(symbols.size(), 2u);
  EXPECT_EQ(symbols[0], "s");
  EXPECT_EQ(symbols[1], "m");
}

//===----------------------------------------------------------------------===//
// Dimension algebra
//===----------------------------------------------------------------------===//

TEST(DimensionTest, DerivedUnitsComposeFromEachOther) {
  EXPECT_EQ(unit("V") / unit("A"), unit("ohm"));
  EXPECT_EQ(unit("S"), unit("ohm").pow(-1));
  EXPECT_EQ(Unit() / unit("ohm"), unit("S"));
  EXPECT_EQ(unit("A") * unit("s"), unit("C"));
  EXPECT_EQ(unit("V") * unit("A"), unit("W"));
  EXPECT_EQ(unit("W") * unit("s"), unit("J"));
  EXPECT_EQ(unit("Hz"), unit("s").pow(-1));
  EXPECT_EQ(unit("F") * unit("V"), unit("C"));
  EXPECT_EQ(unit("S") * unit("V"), unit("A"));
}

TEST(DimensionTest, PowAndDivisionAreInverse) {
  Dimension d = voltage.pow(3) / voltage.pow(2);
  EXPECT_EQ(d, voltage);
  EXPECT_TRUE((voltage / voltage).isDimensionless());
  EXPECT_TRUE(voltage.pow(0).isDimensionless());
  EXPECT_EQ(voltage.pow(-1) * voltage, Dimension::dimensionless());
}

TEST(DimensionTest, ExponentsReadBackPerQuantity) {
  EXPECT_EQ(voltage.exponent(BaseQuantity::Mass), 1);
  EXPECT_EQ(voltage.exponent(BaseQuantity::Length), 2);
  EXPECT_EQ(voltage.exponent(BaseQuantity::Time), -3);
  EXPECT_EQ(voltage.exponent(BaseQuantity::Current), -1);
  EXPECT_EQ(voltage.exponent(BaseQuantity::Amount), 0);
}

TEST(DimensionTest, DescribeUsesCommonNames) {
  EXPECT_EQ(Dimension().describe(), "dimensionless");
  EXPECT_EQ(unit("ms").dimension().describe(), "time");
  EXPECT_EQ(unit("Hz").dimension().describe(), "frequency");
  EXPECT_EQ(unit("m").dimension().describe(), "length");
  EXPECT_EQ(unit("g").dimension().describe(), "mass");
  EXPECT_EQ(unit("A").dimension().describe(), "current");
  EXPECT_EQ(unit("mV").dimension().describe(), "voltage");
  EXPECT_EQ(unit("ohm").dimension().describe(), "resistance");
  EXPECT_EQ(unit("mS").dimension().describe(), "conductance");
  EXPECT_EQ(unit("pF").dimension().describe(), "capacitance");
  EXPECT_EQ(unit("C").dimension().describe(), "charge");
  EXPECT_EQ(unit("K").dimension().describe(), "temperature");
  EXPECT_EQ(unit("mol").dimension().describe(), "amount");
  EXPECT_EQ(unit("W").dimension().describe(), "power");
  EXPECT_EQ(unit("J").dimension().describe(), "energy");
}

TEST(DimensionTest, DescribeFallsBackToBaseForm) {
  EXPECT_EQ((voltage / time).describe(), "kg*m^2/(s^4*A)");
  EXPECT_EQ(time.pow(-2).describe(), "1/s^2");
  EXPECT_EQ(time.pow(2).describe(), "s^2");
  EXPECT_EQ(voltage.pow(2).describe(), "kg^2*m^4/(s^6*A^2)");
  EXPECT_EQ((unit("m").dimension() / time).describe(), "m/s");
}

TEST(DimensionTest, HugeExponentsSaturateInsteadOfOverflowing) {
  Dimension big = time.pow(INT_MAX);
  EXPECT_EQ(big.exponent(BaseQuantity::Time), INT_MAX);
  EXPECT_EQ((big * big).exponent(BaseQuantity::Time), INT_MAX);
  EXPECT_EQ(time.pow(INT_MIN).exponent(BaseQuantity::Time), INT_MIN);
  EXPECT_EQ((time.pow(INT_MIN) / big).exponent(BaseQuantity::Time), INT_MIN);
  EXPECT_EQ(big.pow(-2).exponent(BaseQuantity::Time), INT_MIN);
}

//===----------------------------------------------------------------------===//
// Scale
//===----------------------------------------------------------------------===//

TEST(ScaleTest, DefaultIsOne) {
  Scale one;
  EXPECT_TRUE(one.isOne());
  EXPECT_EQ(one.numerator(), 1);
  EXPECT_EQ(one.denominator(), 1);
  EXPECT_EQ(one.exponent10(), 0);
  EXPECT_EQ(one.toDouble(), 1.0);
}

TEST(ScaleTest, NormalizeMovesTensIntoTheExponent) {
  EXPECT_EQ(Scale::rational(10, 1), Scale::powerOfTen(1));
  Scale s = Scale::rational(3000, 7);
  EXPECT_EQ(s.numerator(), 3);
  EXPECT_EQ(s.denominator(), 7);
  EXPECT_EQ(s.exponent10(), 3);
  Scale t = Scale::rational(1, 100);
  EXPECT_EQ(t.numerator(), 1);
  EXPECT_EQ(t.denominator(), 1);
  EXPECT_EQ(t.exponent10(), -2);
}

TEST(ScaleTest, NormalizeReducesToLowestTerms) {
  Scale half = Scale::rational(3, 6);
  EXPECT_EQ(half, Scale::rational(1, 2));
  EXPECT_EQ(half.numerator(), 1);
  EXPECT_EQ(half.denominator(), 2);
  EXPECT_EQ(Scale::rational(6, 6), Scale());
  EXPECT_TRUE(Scale::rational(7, 7).isOne());
}

TEST(ScaleTest, EqualityComparesValuesAcrossTwosAndFives) {
  // 1/2 and 5e-1 are the same number with different parts.
  EXPECT_EQ(Scale::rational(1, 2),
            Scale::rational(5, 1) * Scale::powerOfTen(-1));
  EXPECT_EQ(Scale::rational(1, 4),
            Scale::rational(25, 1) * Scale::powerOfTen(-2));
  EXPECT_NE(Scale::rational(1, 3),
            Scale::rational(3, 1) * Scale::powerOfTen(-1));
  EXPECT_NE(Scale::powerOfTen(1), Scale::powerOfTen(-1));
}

TEST(ScaleTest, SignsAreDropped) {
  EXPECT_EQ(Scale::rational(-3, 6), Scale::rational(1, 2));
  EXPECT_EQ(Scale::rational(3, -6), Scale::rational(1, 2));
  EXPECT_EQ(Scale::rational(INT64_MIN, INT64_MIN), Scale());
  EXPECT_EQ(Scale::rational(INT64_MIN, 1).toDouble(), 9223372036854775808.0);
}

TEST(ScaleTest, ZeroSaturatesInsteadOfDividingByZero) {
  EXPECT_EQ(Scale::rational(0, 1).exponent10(), INT_MIN);
  EXPECT_EQ(Scale::rational(1, 0).exponent10(), INT_MAX);
  EXPECT_EQ(Scale::rational(0, 1).toDouble(), 0.0);
}

TEST(ScaleTest, MultiplicationAndDivisionAreExact) {
  Scale third = Scale::rational(1, 3);
  EXPECT_EQ(third * Scale::rational(3, 1), Scale());
  EXPECT_EQ(third / third, Scale());
  EXPECT_EQ(Scale::powerOfTen(-3) * Scale::powerOfTen(-3),
            Scale::powerOfTen(-6));
  EXPECT_EQ(Scale::powerOfTen(-3) / Scale::powerOfTen(-6),
            Scale::powerOfTen(3));
  EXPECT_EQ(Scale::rational(2, 3) * Scale::rational(15, 4),
            Scale::rational(5, 2));
}

TEST(ScaleTest, PowHandlesNegativeAndZeroPowers) {
  EXPECT_EQ(Scale::powerOfTen(-3).pow(-2), Scale::powerOfTen(6));
  EXPECT_EQ(Scale::rational(2, 3).pow(-3), Scale::rational(27, 8));
  EXPECT_EQ(Scale::rational(2, 3).pow(3), Scale::rational(8, 27));
  EXPECT_TRUE(Scale::rational(2, 3).pow(0).isOne());
  EXPECT_EQ(Scale::rational(7, 3).pow(1), Scale::rational(7, 3));
}

TEST(ScaleTest, PowIsExactWhileItFits) {
  // 3^39 < 2^63.
  Scale big = Scale::rational(3, 1).pow(39);
  EXPECT_EQ(big.numerator(), 4052555153018976267LL);
  EXPECT_EQ(big.denominator(), 1);
  EXPECT_EQ(big / Scale::rational(3, 1).pow(38), Scale::rational(3, 1));
}

TEST(ScaleTest, ToDoubleIsCorrectlyRounded) {
  EXPECT_EQ(Scale::powerOfTen(-3).toDouble(), 1e-3);
  EXPECT_EQ(Scale::powerOfTen(-6).toDouble(), 1e-6);
  EXPECT_EQ(Scale::powerOfTen(-9).toDouble(), 1e-9);
  EXPECT_EQ(Scale::powerOfTen(-15).toDouble(), 1e-15);
  EXPECT_EQ(Scale::powerOfTen(3).toDouble(), 1e3);
  EXPECT_EQ(Scale::powerOfTen(22).toDouble(), 1e22);
  EXPECT_EQ(Scale::powerOfTen(-300).toDouble(), 1e-300);
  EXPECT_EQ(Scale::rational(1, 3).toDouble(), 1.0 / 3.0);
  EXPECT_EQ(Scale::rational(2, 3).toDouble(), 2.0 / 3.0);
  EXPECT_EQ(Scale::rational(1, 7).toDouble(), 1.0 / 7.0);
  EXPECT_EQ(Scale::rational(1, 2).toDouble(), 0.5);
  // The compiler rounds this literal correctly; 3e-4 / 7.0 would round
  // twice.
  EXPECT_EQ((Scale::rational(3, 7) * Scale::powerOfTen(-4)).toDouble(),
            4.2857142857142857142857142857142857e-5);
  EXPECT_EQ(Scale::rational(INT64_MAX, 1).toDouble(), 9223372036854775807.0);
}

TEST(ScaleTest, ToDoubleOfOutOfRangeExponentsIsInfOrZero) {
  EXPECT_EQ(Scale::powerOfTen(INT_MAX).toDouble(), HUGE_VAL);
  EXPECT_EQ(Scale::powerOfTen(INT_MIN).toDouble(), 0.0);
}

TEST(ScaleTest, HugePowersSaturateWithoutCrashing) {
  Scale tens = Scale::powerOfTen(10).pow(INT_MAX);
  EXPECT_EQ(tens.exponent10(), INT_MAX);
  EXPECT_EQ(Scale::powerOfTen(10).pow(INT_MIN).exponent10(), INT_MIN);
  EXPECT_EQ((tens * tens).exponent10(), INT_MAX);
  EXPECT_EQ(Scale::powerOfTen(INT_MIN).pow(-1).exponent10(), INT_MAX);

  // Past 64 bits the parts are rounded but stay positive and in range.
  Scale thirds = Scale::rational(1, 3).pow(1000);
  EXPECT_GT(thirds.denominator(), 0);
  EXPECT_GT(thirds.numerator(), 0);
  Scale huge = Scale::rational(7, 3).pow(INT_MAX);
  EXPECT_GT(huge.numerator(), 0);
  EXPECT_GT(huge.denominator(), 0);
  Scale hugeInverse = Scale::rational(7, 3).pow(INT_MIN);
  EXPECT_GT(hugeInverse.numerator(), 0);
  EXPECT_GT(hugeInverse.denominator(), 0);
  Scale product = Scale::rational(INT64_MAX, 1) * Scale::rational(INT64_MAX, 1);
  EXPECT_GT(product.numerator(), 0);
}

TEST(ScaleTest, RoundingPastSixtyFourBitsKeepsTheValue) {
  // (2^62 + 1)^2 needs 125 bits; the rounded result is still right to
  // double precision.
  Scale big = Scale::rational((int64_t(1) << 62) + 1, 1);
  double expected = 4611686018427387905.0 * 4611686018427387905.0;
  EXPECT_DOUBLE_EQ((big * big).toDouble(), expected);
  Scale small = Scale::rational(1, (int64_t(1) << 62) + 1);
  EXPECT_DOUBLE_EQ((small * small).toDouble(), 1.0 / expected);
  Scale third = Scale::rational(1, 3).pow(60);
  EXPECT_NEAR(third.toDouble() / std::pow(1.0 / 3.0, 60), 1.0, 1e-12);
}

//===----------------------------------------------------------------------===//
// Unit algebra and conversions
//===----------------------------------------------------------------------===//

TEST(UnitAlgebraTest, ConductanceTimesVoltageIsCurrent) {
  EXPECT_EQ(unit("mS") * unit("mV"), unit("uA"));
  EXPECT_EQ(unit("nS") * unit("mV"), unit("pA"));
  EXPECT_EQ(unit("ohm") * unit("mA"), unit("mV"));
  EXPECT_EQ(unit("Mohm") * unit("nA"), unit("mV"));
  EXPECT_EQ(unit("mV") / unit("kohm"), unit("uA"));
  EXPECT_EQ(unit("pF") * unit("mV") / unit("ms"), unit("pA"));
}

TEST(UnitAlgebraTest, ConversionChainIsExact) {
  Unit current = unit("mS") * unit("mV");
  Scale toMicro = conversionScale(current, unit("uA"));
  EXPECT_TRUE(toMicro.isOne());
  Scale toMilli = conversionScale(unit("uA"), unit("mA"));
  EXPECT_EQ(toMilli, Scale::powerOfTen(-3));
  EXPECT_EQ(toMicro * toMilli, Scale::powerOfTen(-3));
  EXPECT_EQ(conversionScale(current, unit("mA")), Scale::powerOfTen(-3));
  EXPECT_EQ(conversionScale(unit("uA"), unit("mA")).toDouble(), 1e-3);
  EXPECT_EQ(conversionScale(unit("ms"), unit("s")).toDouble(), 1e-3);
  EXPECT_EQ(conversionScale(unit("s"), unit("ms")).toDouble(), 1e3);
}

TEST(UnitAlgebraTest, ThousandAlternatingConversionsReturnToOne) {
  Scale total;
  Unit ua = unit("uA"), ma = unit("mA"), na = unit("nA");
  for (int i = 0; i < 1000; ++i) {
    total = total * conversionScale(ua, ma);
    total = total * conversionScale(ma, na);
    total = total * conversionScale(na, ua);
  }
  EXPECT_TRUE(total.isOne());

  Scale walk;
  for (int i = 0; i < 1000; ++i)
    walk = walk * (i % 2 ? Scale::rational(3, 7) : Scale::rational(7, 3));
  EXPECT_TRUE(walk.isOne());

  Scale drift;
  for (int i = 0; i < 1000; ++i)
    drift = drift * conversionScale(ua, ma);
  EXPECT_EQ(drift, Scale::powerOfTen(-3000));
  for (int i = 0; i < 1000; ++i)
    drift = drift * conversionScale(ma, ua);
  EXPECT_TRUE(drift.isOne());
}

TEST(UnitAlgebraTest, PowComposesDimensionAndScale) {
  Unit mv2 = unit("mV").pow(2);
  EXPECT_EQ(mv2.dimension(), voltage.pow(2));
  EXPECT_EQ(mv2.scale(), Scale::powerOfTen(-6));
  EXPECT_EQ(unit("ms").pow(-1), unit("kHz"));
  EXPECT_EQ(unit("ms").pow(0), Unit());
}

TEST(UnitAlgebraTest, EqualityIgnoresSpelling) {
  EXPECT_EQ(unit("ohm"), unit("\u03A9"));
  EXPECT_EQ(unit("uA"), Unit(unit("A").dimension(), Scale::powerOfTen(-6)));
  EXPECT_NE(unit("mA"), unit("uA"));
  EXPECT_NE(unit("ms"), unit("mm"));
  EXPECT_TRUE(unit("ms").sameDimension(unit("Ms")));
  EXPECT_FALSE(unit("ms").sameDimension(unit("mS")));
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

TEST(UnitStrTest, ExactNamedUnitWinsOverAProduct) {
  EXPECT_EQ((unit("mS") * unit("mV")).str(), "uA");
  EXPECT_EQ((unit("ohm") * unit("mA")).str(), "mV");
  EXPECT_EQ((unit("A") * unit("s")).str(), "C");
  EXPECT_EQ((unit("V") * unit("A")).str(), "W");
  EXPECT_EQ((unit("mA") * unit("ks")).str(), "C");
  EXPECT_EQ((unit("\u00B5S") * unit("Mohm")).str(), "1") << "1e-6 * 1e6";
}

TEST(UnitStrTest, ComposedSpellingWithSlashIsKept) {
  EXPECT_EQ((unit("mV") / unit("ms")).str(), "mV/ms");
  EXPECT_EQ((Unit() / unit("ms")).str(), "1/ms");
  EXPECT_EQ(unit("ms").pow(-1).str(), "1/ms");
  // Kept even though V/A is exactly ohm: it was written that way.
  EXPECT_EQ((unit("V") / unit("A")).str(), "V/A");
  EXPECT_EQ((unit("mV") / (unit("ms") * unit("mS"))).str(), "mV/(ms*mS)");
  EXPECT_EQ((unit("mV") / unit("ms") / unit("mS")).str(), "mV/(ms*mS)");
}

TEST(UnitStrTest, UnspelledUnitsPrintTheirTableName) {
  Dimension frequency = time.pow(-1);
  EXPECT_EQ(Unit(frequency, Scale::powerOfTen(3)).str(), "kHz");
  EXPECT_EQ(Unit(frequency, Scale()).str(), "Hz");
  EXPECT_EQ(Unit(voltage, Scale::powerOfTen(-3)).str(), "mV");
  EXPECT_EQ(Unit(unit("ohm").dimension(), Scale::powerOfTen(6)).str(), "Mohm");
  EXPECT_EQ(Unit(unit("A").dimension(), Scale::powerOfTen(-6)).str(), "uA");
  EXPECT_EQ(Unit(Dimension::base(BaseQuantity::Mass), Scale()).str(), "kg");
  EXPECT_EQ(
      Unit(Dimension::base(BaseQuantity::Mass), Scale::powerOfTen(-3)).str(),
      "g");
  EXPECT_EQ(
      Unit(Dimension::base(BaseQuantity::Mass), Scale::powerOfTen(-6)).str(),
      "mg");
}

TEST(UnitStrTest, ProductsWithoutANamePrintComposed) {
  EXPECT_EQ(unit("mV").pow(2).str(), "mV^2");
  EXPECT_EQ((unit("mV") * unit("mV")).str(), "mV^2");
  EXPECT_EQ((unit("mV") * unit("ms")).str(), "mV*ms");
  EXPECT_EQ((unit("mV") / unit("ms")).pow(2).str(), "mV^2/ms^2");
  EXPECT_EQ((unit("mV") / unit("ms")).pow(-1).str(), "ms/mV");
}

TEST(UnitStrTest, CancelledFactorsDisappearFromTheSpelling) {
  EXPECT_EQ((unit("mV") / unit("ms") * unit("ms")).str(), "mV");
  EXPECT_EQ((unit("ms") / unit("ms")).str(), "1");
  EXPECT_EQ((unit("mV") * unit("ms") / unit("mV")).str(), "ms");
}

TEST(UnitStrTest, DimensionlessPrintsOneOrItsFactor) {
  EXPECT_EQ(Unit().str(), "1");
  EXPECT_EQ(Unit::dimensionless().str(), "1");
  EXPECT_EQ((unit("ms") * unit("kHz")).str(), "1");
  EXPECT_EQ(Unit(Dimension(), Scale::powerOfTen(-3)).str(), "1e-3");
  EXPECT_EQ(Unit(Dimension(), Scale::rational(1, 2)).str(), "0.5");
  EXPECT_EQ(Unit(Dimension(), Scale::rational(25, 1)).str(), "25");
}

TEST(UnitStrTest, UnnamedScalesFallBackToSIFormWithFactor) {
  EXPECT_EQ(Unit(voltage / time, Scale::powerOfTen(-3)).str(), "1e-3 V/s");
  EXPECT_EQ(Unit(voltage / time, Scale()).str(), "V/s");
  EXPECT_EQ(Unit(voltage, Scale::powerOfTen(-4)).str(), "1e-4 V");
  EXPECT_EQ(Unit(time.pow(-2), Scale()).str(), "1/s^2");
  EXPECT_EQ(Unit(voltage.pow(2), Scale::powerOfTen(2)).str(),
            "1e2 kg^2*m^4/(s^6*A^2)");
}

TEST(UnitStrTest, SingleSymbolSpellingIsPrintedAsWritten) {
  EXPECT_EQ(unit("ms").str(), "ms");
  EXPECT_EQ(unit("\u03A9").str(), "\u03A9");
  // The unspelled resistance prefers the ASCII name.
  EXPECT_EQ(Unit(unit("ohm").dimension(), Scale()).str(), "ohm");
}

TEST(UnitStrTest, ContradictorySpellingIsIgnored) {
  Unit wrong(voltage, Scale::powerOfTen(-3), "ms");
  EXPECT_EQ(wrong.str(), "mV");
  Unit wrongRatio(voltage, Scale::powerOfTen(-3), "mV/ms");
  EXPECT_EQ(wrongRatio.str(), "mV");
}

TEST(UnitStrTest, UnspelledOperandsContributeTheirStr) {
  Unit mv(voltage, Scale::powerOfTen(-3));
  EXPECT_EQ((mv / unit("ms")).str(), "mV/ms");
  Unit odd(voltage, Scale::powerOfTen(-4));
  EXPECT_EQ((odd / unit("ms")).str(), "(1e-4 V)/ms");
  EXPECT_EQ((Unit() * unit("mV")).str(), "mV");
}

TEST(UnitStrTest, HugePowersPrintWithoutCrashing) {
  Unit big = unit("mV").pow(INT_MAX);
  EXPECT_FALSE(big.str().empty());
  Unit tiny = unit("mV").pow(INT_MIN);
  EXPECT_FALSE(tiny.str().empty());
  EXPECT_FALSE((big * big).str().empty());
  EXPECT_FALSE((tiny / big).str().empty());
  // Saturated exponents still read back as exponents, not opaque text.
  EXPECT_EQ(big.str(), "mV^2147483647");
  EXPECT_EQ(tiny.str(), "1/mV^2147483648");
}

TEST(UnitStrTest, FactorsBeyondDoubleRangeKeepTheirParts) {
  Scale huge = Scale::rational(7, 3) * Scale::powerOfTen(900);
  EXPECT_EQ(Unit(voltage, huge).str(), "(7/3)e900 V");
  EXPECT_EQ(Unit(voltage, Scale::powerOfTen(900)).str(), "1e900 V");
}

//===----------------------------------------------------------------------===//
// Half exponents: square roots, as white noise (s^-0.5) needs them
//===----------------------------------------------------------------------===//

Exponent half(int halves) { return Exponent::fromHalves(halves); }

Unit root(const Unit &u) {
  std::optional<Unit> result = u.sqrt();
  EXPECT_TRUE(result.has_value()) << "no root of " << u.str();
  return result.value_or(Unit());
}

TEST(ExponentTest, WholeAndHalfExponentsAreExactAndPrintAsDecimals) {
  EXPECT_EQ(Exponent(3).halves(), 6);
  EXPECT_TRUE(Exponent(-2).isWhole());
  EXPECT_FALSE(half(-1).isWhole());
  EXPECT_EQ(half(1) + half(1), Exponent(1));
  EXPECT_EQ(half(3) - Exponent(2), half(-1));
  EXPECT_EQ(half(3) * 2, Exponent(3));
  EXPECT_EQ(Exponent(3).str(), "3");
  EXPECT_EQ(Exponent(-2).str(), "-2");
  EXPECT_EQ(half(1).str(), "0.5");
  EXPECT_EQ(half(-1).str(), "-0.5");
  EXPECT_EQ(half(-3).str(), "-1.5");
  EXPECT_DOUBLE_EQ(half(-3).value(), -1.5);
}

TEST(ExponentTest, QuartersAreNotExponents) {
  EXPECT_EQ(half(1).times(Exponent(2)), std::optional<Exponent>(Exponent(1)));
  EXPECT_EQ(half(3).times(half(-2)), std::optional<Exponent>(half(-3)));
  EXPECT_FALSE(half(1).times(half(1)).has_value());
  EXPECT_EQ(Exponent(1).half(), std::optional<Exponent>(half(1)));
  EXPECT_EQ(Exponent(-4).half(), std::optional<Exponent>(Exponent(-2)));
  EXPECT_FALSE(half(1).half().has_value());
}

TEST(ExponentTest, HalfExponentsSaturateLikeWholeOnes) {
  EXPECT_EQ(Exponent(INT_MAX) + half(1), Exponent(INT_MAX));
  EXPECT_EQ(Exponent(INT_MIN) * 2, Exponent(INT_MIN));
  EXPECT_EQ(Exponent(INT_MIN) * -1, Exponent(INT_MAX));
  EXPECT_EQ(Exponent(INT_MAX).times(Exponent(INT_MAX)),
            std::optional<Exponent>(Exponent(INT_MAX)));
}

TEST(DimensionTest, SqrtHalvesEveryExponent) {
  std::optional<Dimension> rootTime = time.sqrt();
  ASSERT_TRUE(rootTime.has_value());
  EXPECT_EQ(rootTime->exponent(BaseQuantity::Time), half(1));
  EXPECT_TRUE(rootTime->hasHalfExponents());
  EXPECT_EQ(*rootTime * *rootTime, time);
  EXPECT_EQ(voltage.pow(2).sqrt(), std::optional<Dimension>(voltage));
  EXPECT_FALSE(voltage.pow(2).sqrt()->hasHalfExponents());
  EXPECT_EQ(time.pow(-1).sqrt()->exponent(BaseQuantity::Time), half(-1));
  // The root of s^0.5 would be s^0.25.
  EXPECT_FALSE(rootTime->sqrt().has_value());
  EXPECT_TRUE(Dimension().sqrt()->isDimensionless());
}

TEST(DimensionTest, HalfExponentsDescribeInBaseForm) {
  EXPECT_EQ(time.sqrt()->describe(), "s^0.5");
  EXPECT_EQ(time.pow(-1).sqrt()->describe(), "1/s^0.5");
  EXPECT_EQ((voltage / *time.sqrt()).describe(), "kg*m^2/(s^3.5*A)");
  EXPECT_EQ(voltage.sqrt()->describe(), "kg^0.5*m/(s^1.5*A^0.5)");
}

TEST(ScaleTest, SqrtOfAPowerOfTenMayHaveAHalfExponent) {
  // sqrt(ms): 10^-1.5 s^0.5, exact as a unit.
  std::optional<Scale> milli = Scale::powerOfTen(-3).sqrt();
  ASSERT_TRUE(milli.has_value());
  EXPECT_EQ(milli->exponent10(), half(-3));
  EXPECT_EQ(milli->numerator(), 1);
  EXPECT_EQ(milli->denominator(), 1);
  EXPECT_EQ(*milli * *milli, Scale::powerOfTen(-3));
  EXPECT_EQ(Scale::powerOfTen(-6).sqrt(),
            std::optional<Scale>(Scale::powerOfTen(-3)));
  EXPECT_EQ(Scale::powerOfTen(3).sqrt()->exponent10(), half(3));
  // A half power of ten has no root in halves.
  EXPECT_FALSE(milli->sqrt().has_value());
}

TEST(ScaleTest, SqrtOfARationalNeedsASquare) {
  EXPECT_EQ(Scale::rational(4, 9).sqrt(),
            std::optional<Scale>(Scale::rational(2, 3)));
  // 2/5 is 4 * 10^-1 (the normal form hides a ten), so its root is
  // 2 * 10^-0.5.
  std::optional<Scale> twoFifths = Scale::rational(2, 5).sqrt();
  ASSERT_TRUE(twoFifths.has_value());
  EXPECT_EQ(*twoFifths * *twoFifths, Scale::rational(2, 5));
  EXPECT_EQ(*twoFifths, Scale::rational(2, 1) * Scale::powerOfTen(half(-1)));
  EXPECT_EQ((Scale::rational(9, 1) * Scale::powerOfTen(-5)).sqrt(),
            std::optional<Scale>(Scale::rational(3, 1) *
                                 Scale::powerOfTen(half(-5))));
  // Irrational roots are refused rather than rounded.
  EXPECT_FALSE(Scale::rational(2, 1).sqrt().has_value());
  EXPECT_FALSE(Scale::rational(1, 3).sqrt().has_value());
  EXPECT_FALSE(Scale::rational(60, 1).sqrt().has_value()) << "a minute";
  EXPECT_TRUE(Scale::rational(3600, 1).sqrt().has_value()) << "an hour";
}

TEST(ScaleTest, HalfPowersOfTenCompareByValue) {
  Scale rootTen = Scale::powerOfTen(half(1));
  EXPECT_EQ(rootTen * rootTen, Scale::powerOfTen(1));
  EXPECT_NE(rootTen, Scale::powerOfTen(1));
  EXPECT_NE(rootTen, Scale::rational(316227766, 100000000));
  EXPECT_NE(Scale::powerOfTen(half(1)), Scale::powerOfTen(half(3)));
  EXPECT_EQ(Scale::rational(5, 1) * Scale::powerOfTen(half(-1)),
            Scale::rational(1, 2) * Scale::powerOfTen(half(1)));
  EXPECT_EQ(rootTen.pow(3), Scale::powerOfTen(half(3)));
  EXPECT_EQ(rootTen.pow(-2), Scale::powerOfTen(-1));
}

TEST(ScaleTest, HalfPowersOfTenBecomeDoublesOnce) {
  EXPECT_EQ(Scale::powerOfTen(half(1)).toDouble(), std::sqrt(10.0));
  EXPECT_EQ(Scale::powerOfTen(half(3)).toDouble(), std::sqrt(1000.0));
  EXPECT_DOUBLE_EQ(Scale::powerOfTen(half(-3)).toDouble(),
                   1 / std::sqrt(1000.0));
  EXPECT_DOUBLE_EQ(
      (Scale::rational(3, 1) * Scale::powerOfTen(half(-7))).toDouble(),
      3 * std::pow(10.0, -3.5));
}

TEST(UnitSqrtTest, SqrtOfMillisecondIsExact) {
  Unit ms = unit("ms");
  Unit rootMs = root(ms);
  EXPECT_EQ(rootMs.dimension(), *time.sqrt());
  EXPECT_EQ(rootMs.scale(), Scale::powerOfTen(half(-3)));
  EXPECT_EQ(rootMs.str(), "ms^0.5");
  EXPECT_EQ(rootMs * rootMs, ms);
  EXPECT_EQ((rootMs * rootMs).str(), "ms");
  EXPECT_EQ(rootMs.pow(2), ms);
}

TEST(UnitSqrtTest, SqrtOfInverseMillisecondPrintsAsAQuotient) {
  Unit perMs = Unit() / unit("ms");
  Unit rootPerMs = root(perMs);
  EXPECT_EQ(rootPerMs.str(), "1/ms^0.5");
  EXPECT_EQ(rootPerMs.dimension(), *time.pow(-1).sqrt());
  EXPECT_EQ(rootPerMs.scale(), Scale::powerOfTen(half(3)));
  EXPECT_EQ(root(unit("ms").pow(-1)).str(), "1/ms^0.5");
  EXPECT_EQ(root(unit("kHz")).str(), "kHz^0.5");
}

TEST(UnitSqrtTest, ProductsReturnToWholeExponents) {
  Unit rootPerMs = root(Unit() / unit("ms"));
  Unit rootMs = root(unit("ms"));
  Unit pure = rootPerMs * rootMs;
  EXPECT_TRUE(pure.isDimensionless());
  EXPECT_TRUE(pure.scale().isOne());
  EXPECT_EQ(pure.str(), "1");
  // The noise term of dv/dt = ... + sigma * sqrt(2 / tau) * xi.
  Unit noise = unit("mV") * rootPerMs;
  EXPECT_EQ(noise.str(), "mV/ms^0.5");
  EXPECT_EQ(noise * root(Unit() / unit("ms")), unit("mV") / unit("ms"));
  EXPECT_EQ((noise * rootPerMs).str(), "mV/ms");
  EXPECT_EQ(noise.pow(2).str(), "mV^2/ms");
  EXPECT_EQ((noise * root(Unit() / unit("s"))).str(), "mV/(ms^0.5*s^0.5)");
  EXPECT_EQ(root(unit("mV").pow(2) / unit("ms")).str(), "mV/ms^0.5");
}

TEST(UnitSqrtTest, ConversionBetweenRootsIsTheRootOfTheConversion) {
  Unit rootMs = root(unit("ms")), rootS = root(unit("s"));
  EXPECT_EQ(conversionScale(rootS, rootMs).toDouble(), std::sqrt(1000.0));
  EXPECT_DOUBLE_EQ(conversionScale(rootMs, rootS).toDouble(),
                   1 / std::sqrt(1000.0));
  Unit rootPerMs = root(Unit() / unit("ms"));
  Unit rootPerS = root(Unit() / unit("s"));
  EXPECT_EQ(conversionScale(rootPerMs, rootPerS).toDouble(), std::sqrt(1000.0));
  // Back to whole exponents, the conversion is exact again.
  EXPECT_EQ(conversionScale(rootMs * rootMs, rootS * rootS),
            Scale::powerOfTen(-3));
}

TEST(UnitSqrtTest, RootsThatAreNoUnitAreRefused) {
  // A minute is 60 s, and sqrt(60) is irrational.
  Unit minute(time, Scale::rational(60, 1));
  EXPECT_FALSE(minute.sqrt().has_value());
  Unit hour(time, Scale::rational(3600, 1));
  ASSERT_TRUE(hour.sqrt().has_value());
  EXPECT_EQ(conversionScale(*hour.sqrt(), root(unit("s"))),
            Scale::rational(60, 1));
  // s^0.25 is no dimension.
  EXPECT_FALSE(root(unit("ms")).sqrt().has_value());
}

TEST(UnitSqrtTest, HalfPowersAreRootsOfOddPowers) {
  Unit ms = unit("ms");
  EXPECT_EQ(ms.raisedTo(half(3)), std::optional<Unit>(root(ms.pow(3))));
  EXPECT_EQ(ms.raisedTo(half(3))->str(), "ms^1.5");
  EXPECT_EQ(ms.raisedTo(half(-1))->str(), "1/ms^0.5");
  EXPECT_EQ(ms.raisedTo(2)->str(), ms.pow(2).str());
  EXPECT_EQ(ms.raisedTo(-1)->str(), "1/ms");
  EXPECT_FALSE(root(ms).raisedTo(half(1)).has_value());
  EXPECT_EQ(root(ms).raisedTo(half(-2))->str(), "1/ms^0.5");
}

TEST(UnitSqrtTest, UnspelledHalfUnitsPrintInSIFormWithAFactor) {
  EXPECT_EQ(Unit(*time.sqrt(), Scale()).str(), "s^0.5");
  EXPECT_EQ(Unit(*time.sqrt(), Scale::powerOfTen(half(-3))).str(),
            "10^-1.5 s^0.5");
  EXPECT_EQ(
      Unit(*time.sqrt(), Scale::rational(3, 1) * Scale::powerOfTen(half(-3)))
          .str(),
      "3*10^-1.5 s^0.5");
  // A spelling that does not match is ignored, as with whole exponents.
  EXPECT_EQ(Unit(*time.sqrt(), Scale(), "ms^0.5").str(), "s^0.5");
  EXPECT_EQ(Unit(*time.sqrt(), Scale::powerOfTen(half(-3)), "ms^0.5").str(),
            "ms^0.5");
}

} // namespace
