//===- Random.h - Counter-based random numbers (Philox4x32-10) --*- C++ -*-===//
//
// Every random number snnc uses (connectivity, initial state, noise) is a
// pure function of (seed, stream id, draw index), computed by the
// Philox4x32-10 bijection of Salmon et al., "Parallel random numbers: as easy
// as 1, 2, 3" (SC 2011). There is no hidden generator state, so a draw can be
// recomputed anywhere: a GPU kernel, another thread, a later slice of the
// same buffer. That is what makes a run reproducible across targets.
//
// Layout, which compiled code (CPU or GPU) must replicate exactly:
//   key     = (seed & 0xffffffff, seed >> 32)
//   counter = (draw & 0xffffffff, draw >> 32,
//              streamId & 0xffffffff, streamId >> 32)
// Draw `draw` of a stream is the 128-bit block philox4x32(counter, key),
// words w0..w3. Each kind of value uses one whole block (simple to replicate,
// and wasteful only in a way nobody measures); see each function for which
// words it reads.
//
// Uniforms and integers are bit-identical on every target. Normals go
// through log/sqrt/cos/sin in double precision; libraries may differ in the
// last ulp of a double, which almost never survives rounding to float.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_RANDOM_H
#define SNNC_RUNTIME_RANDOM_H

#include <array>
#include <cstdint>
#include <utility>

namespace snnc::rt {

/// Four 32-bit words: a Philox counter or an output block.
using PhiloxBlock = std::array<uint32_t, 4>;
/// The two 32-bit words of a Philox4x32 key.
using PhiloxKey = std::array<uint32_t, 2>;

namespace philox_detail {
constexpr uint32_t kMultiplier0 = 0xD2511F53u;
constexpr uint32_t kMultiplier1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u; // golden ratio
constexpr uint32_t kWeyl1 = 0xBB67AE85u; // sqrt(3) - 1

constexpr PhiloxBlock round(const PhiloxBlock &c, const PhiloxKey &k) {
  uint64_t product0 = uint64_t(kMultiplier0) * c[0];
  uint64_t product1 = uint64_t(kMultiplier1) * c[2];
  uint32_t hi0 = uint32_t(product0 >> 32), lo0 = uint32_t(product0);
  uint32_t hi1 = uint32_t(product1 >> 32), lo1 = uint32_t(product1);
  return {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}
} // namespace philox_detail

/// The Philox4x32-10 bijection: ten rounds, the key bumped between rounds.
/// Inline and constexpr so that fill loops vectorise and tests can check the
/// known-answer vectors at compile time.
constexpr PhiloxBlock philox4x32(PhiloxBlock counter, PhiloxKey key) {
  counter = philox_detail::round(counter, key);
  for (int r = 1; r < 10; ++r) {
    key[0] += philox_detail::kWeyl0;
    key[1] += philox_detail::kWeyl1;
    counter = philox_detail::round(counter, key);
  }
  return counter;
}

/// A float in [0, 1) from the top 24 bits of `bits`: every value is an exact
/// multiple of 2^-24, so the result never rounds up to 1.
constexpr float uniformFloatFromBits(uint32_t bits) {
  return float(bits >> 8) * (1.0f / 16777216.0f);
}

/// A double in [0, 1) with 53 random bits: 27 from `high`, 26 from `low`.
constexpr double uniformDoubleFromBits(uint32_t high, uint32_t low) {
  uint64_t mantissa = (uint64_t(high >> 5) << 26) | (low >> 6);
  return double(mantissa) * (1.0 / 9007199254740992.0);
}

/// One stream of random numbers, identified by (seed, streamId). Cheap to
/// copy; every accessor is const and pure.
class RandomStream {
public:
  RandomStream(uint64_t seed, uint64_t streamId)
      : seedValue(seed), stream(streamId) {}

  uint64_t seed() const { return seedValue; }
  uint64_t streamId() const { return stream; }

  /// The raw block of draw `draw`.
  PhiloxBlock block(uint64_t draw) const {
    return philox4x32({uint32_t(draw), uint32_t(draw >> 32), uint32_t(stream),
                       uint32_t(stream >> 32)},
                      {uint32_t(seedValue), uint32_t(seedValue >> 32)});
  }

  /// Word w0 of draw `draw`.
  uint32_t bits32(uint64_t draw) const { return block(draw)[0]; }

  /// Uniform in [0, 1), 24-bit resolution, from w0.
  float uniformFloat(uint64_t draw) const {
    return uniformFloatFromBits(block(draw)[0]);
  }

  /// Uniform in [0, 1), 53-bit resolution, from (w0, w1).
  double uniformDouble(uint64_t draw) const {
    PhiloxBlock words = block(draw);
    return uniformDoubleFromBits(words[0], words[1]);
  }

  /// Both outputs of Box–Muller on block `pairIndex`: u1 = 1 - U(w0, w1) in
  /// (0, 1] (so log never sees 0), u2 = U(w2, w3); returns
  /// (r cos 2 pi u2, r sin 2 pi u2) with r = sqrt(-2 ln u1).
  std::pair<double, double> normalPair(uint64_t pairIndex) const;

  /// Standard normal number `index`: output index % 2 of
  /// normalPair(index / 2), so no Box–Muller output is thrown away and
  /// every index is still a pure function.
  double normal(uint64_t index) const {
    std::pair<double, double> pair = normalPair(index >> 1);
    return (index & 1) ? pair.second : pair.first;
  }

  /// Uniform integer in [0, n) for 0 < n < 2^32 (returns 0 for n == 0).
  /// Lemire's multiply-shift on 64 random bits (w0:w1) with his rejection
  /// test; a rejected attempt retries with (w2:w3). Rejection happens with
  /// probability below n / 2^64 per attempt, so the (biased) fallback after
  /// two rejections has probability below 2^-64 and is irrelevant.
  uint32_t uniformInt(uint64_t draw, uint32_t n) const;

  /// The draw index of draw `j` of row `row` when each row of a structure
  /// (a connectivity row, say) owns its own range of draws: row in the high
  /// 32 bits, j in the low. Rows can then be built in any order or in
  /// parallel and still give identical results.
  static constexpr uint64_t rowDraw(uint32_t row, uint32_t j) {
    return (uint64_t(row) << 32) | j;
  }

private:
  uint64_t seedValue;
  uint64_t stream;
};

//===----------------------------------------------------------------------===//
// Draws made during a run
//===----------------------------------------------------------------------===//
//
// rand() and randn() in a neuron's expressions draw one block per call
// site, neuron and step, computed in the program itself (CPU or GPU):
//   key     = (seed & 0xffffffff, seed >> 32)
//   counter = (neuron, step & 0xffffffff, step >> 32,
//              0x80000000 | population << 12 | site)
// `neuron` is the index within its population, `site` the call's number in
// its neuron model (each call in the text is one site; a `let` read twice
// is one draw). The set top bit keeps these counters apart from the
// initialisation streams, whose last word is 1 to 4. The spike condition
// evaluated on the initial state draws as step 2^64 - 1 (step -1).
//
// From the block, in the working precision:
//   rand():  float: uniformFloatFromBits(w0); double: uniformDoubleFromBits(w0,
//   w1) randn(): Box-Muller on the same uniforms of w0 (u1, taken as 1 - u so
//            that it is in (0, 1]) and of w2 (u2; double: w2, w3):
//            sqrt(-2 log u1) * cos(2 pi u2), each operation rounded to the
//            working precision.

/// The most draw sites a neuron model may have, and the most populations a
/// model with draws may have.
constexpr uint32_t kMaxDrawSites = 1u << 12;
constexpr uint32_t kMaxDrawPopulations = 1u << 19;

/// The counter of a run-time draw (see above).
constexpr PhiloxBlock stepDrawCounter(uint32_t population, uint32_t site,
                                      uint64_t step, uint32_t neuron) {
  return {neuron, uint32_t(step), uint32_t(step >> 32),
          0x80000000u | (population << 12) | site};
}

/// The key words of a seed, as the program reads them from its
/// `random_key` buffer.
constexpr PhiloxKey philoxKey(uint64_t seed) {
  return {uint32_t(seed), uint32_t(seed >> 32)};
}

} // namespace snnc::rt

#endif // SNNC_RUNTIME_RANDOM_H
