//===- Connectivity.cpp - Projection connectivity builders ----------------===//
//
// Builders for the source-major connectivity of Connectivity.h. Each checks
// its arguments and the size of the result before allocating anything, then
// fills rows whose random draws come from RandomStream::rowDraw(row, j) so
// that the result does not depend on the order rows are built in.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Connectivity.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace snnc::rt {

namespace {

/// Makes room for `count` targets, asking the kernel to back large arrays
/// with huge pages before they are first written: delivering a spike reads
/// one row at a random place in a (hundreds of MB) target array, and with
/// 4 KiB pages nearly every row is a TLB miss.
void reserveTargets(std::vector<int32_t> &targets, size_t count) {
  targets.reserve(count);
  constexpr size_t kHugePage = size_t(2) << 20;
  size_t bytes = count * sizeof(int32_t);
  if (bytes < 4 * kHugePage)
    return;
  // madvise needs page boundaries: advise the whole pages inside.
  uintptr_t begin = reinterpret_cast<uintptr_t>(targets.data());
  uintptr_t first = (begin + 4095) & ~uintptr_t(4095);
  uintptr_t last = (begin + bytes) & ~uintptr_t(4095);
  if (last > first) // advice only: without it the pages are merely small
    madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
}

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

Status checkPopulation(const char *builder, const char *what, int64_t size) {
  if (size < 0)
    return Status::error(std::string(builder) + ": " + what +
                         " must not be negative, got " + std::to_string(size));
  if (size > kInt32Max)
    return Status::error(std::string(builder) + ": " + what + " of " +
                         std::to_string(size) +
                         " neurons exceeds the int32 index limit of " +
                         std::to_string(kInt32Max));
  return Status::success();
}

Status checkSizes(const char *builder, int64_t numPre, int64_t numPost) {
  Status status = checkPopulation(builder, "numPre", numPre);
  if (!status.ok())
    return status;
  return checkPopulation(builder, "numPost", numPost);
}

std::string formatGiB(int64_t bytes) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.2f GiB",
                double(bytes) / double(int64_t(1) << 30));
  return buffer;
}

/// Rejects a projection of `numSynapses` (already known not to overflow
/// int64: both factors are below 2^31) that the index type or the memory
/// limit cannot hold.
Status checkTotal(const char *builder, int64_t numSynapses, int64_t numPre,
                  const ConnectivityLimits &limits) {
  int64_t maxSynapses = std::min(limits.maxSynapses, kInt32Max);
  if (numSynapses > maxSynapses) {
    const char *why = maxSynapses == kInt32Max ? "the int32 index limit"
                                               : "the configured limit";
    return Status::error(std::string(builder) + ": the projection would have " +
                         std::to_string(numSynapses) + " synapses, more than " +
                         why + " of " + std::to_string(maxSynapses));
  }
  int64_t bytes = 4 * (numSynapses + numPre + 1);
  if (bytes > limits.maxBytes)
    return Status::error(std::string(builder) + ": the projection's " +
                         std::to_string(numSynapses) + " synapses would need " +
                         formatGiB(bytes) + ", more than the memory limit of " +
                         formatGiB(limits.maxBytes));
  return Status::success();
}

Connectivity emptyRows(int64_t numPre, int64_t numPost) {
  Connectivity result;
  result.numPre = int32_t(numPre);
  result.numPost = int32_t(numPost);
  result.rowStart.assign(size_t(numPre) + 1, 0);
  return result;
}

/// Row sizes all equal to `count`: offsets are a multiple table.
void fillUniformRowStarts(Connectivity &result, int64_t count) {
  for (int64_t i = 0; i <= result.numPre; ++i)
    result.rowStart[size_t(i)] = int32_t(i * count);
}

void fillRowsWithReplacement(Connectivity &result, int64_t count,
                             const RandomStream &stream) {
  uint32_t numPost = uint32_t(result.numPost);
  for (int32_t pre = 0; pre < result.numPre; ++pre) {
    int32_t *row = result.targets.data() + result.rowStart[pre];
    for (int64_t j = 0; j < count; ++j)
      row[j] = int32_t(
          stream.uniformInt(RandomStream::rowDraw(pre, uint32_t(j)), numPost));
  }
}

/// Floyd's algorithm: a uniformly random `count`-subset of [0, numPost) in
/// O(count) draws per row. `taken` is a scratch mark per target, cleared
/// again after each row so that it is allocated once.
void fillRowsWithoutReplacement(Connectivity &result, int64_t count,
                                const RandomStream &stream) {
  int64_t numPost = result.numPost;
  std::vector<uint8_t> taken(size_t(numPost), 0);
  for (int32_t pre = 0; pre < result.numPre; ++pre) {
    int32_t *row = result.targets.data() + result.rowStart[pre];
    uint32_t draw = 0;
    for (int64_t candidate = numPost - count; candidate < numPost;
         ++candidate) {
      uint32_t pick = stream.uniformInt(RandomStream::rowDraw(pre, draw++),
                                        uint32_t(candidate + 1));
      int32_t chosen = taken[pick] ? int32_t(candidate) : int32_t(pick);
      taken[size_t(chosen)] = 1;
      *row++ = chosen;
    }
    int32_t *rowBegin = result.targets.data() + result.rowStart[pre];
    std::sort(rowBegin, row);
    for (int32_t *it = rowBegin; it != row; ++it)
      taken[size_t(*it)] = 0;
  }
}

} // namespace

Expected<Connectivity> fixedPerPre(int64_t numPre, int64_t numPost,
                                   int64_t count, const RandomStream &stream,
                                   bool withReplacement,
                                   const ConnectivityLimits &limits) {
  const char *builder = "fixedPerPre";
  Status status = checkSizes(builder, numPre, numPost);
  if (!status.ok())
    return status;
  if (count < 0)
    return Status::error("fixedPerPre: count must not be negative, got " +
                         std::to_string(count));
  if (count > 0 && numPost == 0)
    return Status::error("fixedPerPre: cannot draw " + std::to_string(count) +
                         " targets per source from an empty target "
                         "population");
  if (!withReplacement && count > numPost)
    return Status::error(
        "fixedPerPre: cannot draw " + std::to_string(count) +
        " distinct targets per source without replacement from only " +
        std::to_string(numPost) + " targets");
  // Bounding count first keeps numPre * count far from int64 overflow.
  if (count > kInt32Max)
    return Status::error("fixedPerPre: count of " + std::to_string(count) +
                         " exceeds the int32 index limit");
  status = checkTotal(builder, numPre * count, numPre, limits);
  if (!status.ok())
    return status;

  Connectivity result = emptyRows(numPre, numPost);
  fillUniformRowStarts(result, count);
  reserveTargets(result.targets, size_t(numPre * count));
  result.targets.resize(size_t(numPre * count));
  if (withReplacement)
    fillRowsWithReplacement(result, count, stream);
  else
    fillRowsWithoutReplacement(result, count, stream);
  return result;
}

Expected<Connectivity> fixedPerPost(int64_t numPre, int64_t numPost,
                                    int64_t count, const RandomStream &stream,
                                    const ConnectivityLimits &limits) {
  const char *builder = "fixedPerPost";
  Status status = checkSizes(builder, numPre, numPost);
  if (!status.ok())
    return status;
  if (count < 0)
    return Status::error("fixedPerPost: count must not be negative, got " +
                         std::to_string(count));
  if (count > 0 && numPre == 0)
    return Status::error("fixedPerPost: cannot draw " + std::to_string(count) +
                         " sources per target from an empty source "
                         "population");
  if (count > kInt32Max)
    return Status::error("fixedPerPost: count of " + std::to_string(count) +
                         " exceeds the int32 index limit");
  status = checkTotal(builder, numPost * count, numPre, limits);
  if (!status.ok())
    return status;

  // The draws are target-major but storage is source-major. Rather than
  // keep a temporary copy of every draw, draw twice (draws are pure
  // functions): once to size the rows, once to place the targets.
  Connectivity result = emptyRows(numPre, numPost);
  uint32_t numSources = uint32_t(numPre);
  auto forEachDraw = [&](auto &&visit) {
    for (int32_t post = 0; post < numPost; ++post)
      for (int64_t j = 0; j < count; ++j)
        visit(int32_t(stream.uniformInt(
                  RandomStream::rowDraw(post, uint32_t(j)), numSources)),
              post);
  };
  forEachDraw([&](int32_t pre, int32_t) { ++result.rowStart[pre + 1]; });
  for (int64_t i = 0; i < numPre; ++i)
    result.rowStart[i + 1] += result.rowStart[i];
  reserveTargets(result.targets, size_t(numPost * count));
  result.targets.resize(size_t(numPost * count));
  std::vector<int32_t> cursor(result.rowStart.begin(),
                              result.rowStart.end() - 1);
  forEachDraw([&](int32_t pre, int32_t post) {
    result.targets[size_t(cursor[pre]++)] = post;
  });
  return result;
}

Expected<Connectivity> fixedTotalNumber(int64_t numPre, int64_t numPost,
                                        int64_t total,
                                        const RandomStream &stream,
                                        const ConnectivityLimits &limits) {
  const char *builder = "fixedTotalNumber";
  Status status = checkSizes(builder, numPre, numPost);
  if (!status.ok())
    return status;
  if (total < 0)
    return Status::error("fixedTotalNumber: the number of synapses must not "
                         "be negative, got " +
                         std::to_string(total));
  if (total > 0 && (numPre == 0 || numPost == 0))
    return Status::error("fixedTotalNumber: cannot draw " +
                         std::to_string(total) +
                         " synapses between empty populations");
  status = checkTotal(builder, total, numPre, limits);
  if (!status.ok())
    return status;

  // Synapse k joins source uniformInt(2k) and target uniformInt(2k + 1);
  // stored source-major, each row in draw order. As for fixedPerPost, the
  // draws are made twice rather than kept: once to size the rows, once to
  // place the targets.
  Connectivity result = emptyRows(numPre, numPost);
  auto forEachDraw = [&](auto &&visit) {
    for (int64_t k = 0; k < total; ++k)
      visit(int32_t(stream.uniformInt(2 * uint64_t(k), uint32_t(numPre))),
            int32_t(stream.uniformInt(2 * uint64_t(k) + 1, uint32_t(numPost))));
  };
  forEachDraw([&](int32_t pre, int32_t) { ++result.rowStart[pre + 1]; });
  for (int64_t i = 0; i < numPre; ++i)
    result.rowStart[i + 1] += result.rowStart[i];
  reserveTargets(result.targets, size_t(total));
  result.targets.resize(size_t(total));
  std::vector<int32_t> cursor(result.rowStart.begin(),
                              result.rowStart.end() - 1);
  forEachDraw([&](int32_t pre, int32_t post) {
    result.targets[size_t(cursor[pre]++)] = post;
  });
  return result;
}

Expected<Connectivity> fixedProb(int64_t numPre, int64_t numPost, double p,
                                 const RandomStream &stream,
                                 const ConnectivityLimits &limits) {
  const char *builder = "fixedProb";
  Status status = checkSizes(builder, numPre, numPost);
  if (!status.ok())
    return status;
  if (!(p >= 0.0 && p <= 1.0)) // also rejects NaN
    return Status::error("fixedProb: probability must be in [0, 1], got " +
                         std::to_string(p));
  // The size is random: refuse early when even the expected size is too
  // large, and stop with an error if the draws happen to exceed the limit.
  double expected = p * double(numPre) * double(numPost);
  status = checkTotal(builder, int64_t(std::ceil(expected)), numPre, limits);
  if (!status.ok())
    return status;
  int64_t maxSynapses = std::min(limits.maxSynapses, kInt32Max);
  int64_t maxByBytes = limits.maxBytes / 4 - numPre - 1;
  maxSynapses = std::min(maxSynapses, maxByBytes);

  Connectivity result = emptyRows(numPre, numPost);
  double spread = 5.0 * std::sqrt(expected * (1.0 - p));
  reserveTargets(result.targets, size_t(std::min(double(maxSynapses),
                                                 expected + spread + 16.0)));
  // log(1 - p) without cancellation for small p; used to turn a uniform
  // into the geometric number of pairs skipped before the next synapse.
  double logMiss = std::log1p(-p);
  for (int32_t pre = 0; pre < numPre; ++pre) {
    if (p == 1.0) {
      if (int64_t(result.targets.size()) + numPost > maxSynapses)
        return Status::error("fixedProb: the projection exceeds the limit of " +
                             std::to_string(maxSynapses) + " synapses");
      for (int32_t post = 0; post < numPost; ++post)
        result.targets.push_back(post);
    } else if (p > 0.0) {
      int64_t position = -1;
      for (uint32_t draw = 0;; ++draw) {
        double u = 1.0 - stream.uniformDouble(RandomStream::rowDraw(pre, draw));
        double skip = std::floor(std::log(u) / logMiss);
        if (skip >= double(numPost - 1 - position))
          break;
        position += int64_t(skip) + 1;
        if (int64_t(result.targets.size()) >= maxSynapses)
          return Status::error(
              "fixedProb: the projection drew more than the limit of " +
              std::to_string(maxSynapses) + " synapses");
        result.targets.push_back(int32_t(position));
      }
    }
    result.rowStart[size_t(pre) + 1] = int32_t(result.targets.size());
  }
  return result;
}

Expected<Connectivity> allToAll(int64_t numPre, int64_t numPost,
                                const ConnectivityLimits &limits) {
  const char *builder = "allToAll";
  Status status = checkSizes(builder, numPre, numPost);
  if (!status.ok())
    return status;
  status = checkTotal(builder, numPre * numPost, numPre, limits);
  if (!status.ok())
    return status;
  Connectivity result = emptyRows(numPre, numPost);
  fillUniformRowStarts(result, numPost);
  result.targets.resize(size_t(numPre * numPost));
  for (int64_t pre = 0; pre < numPre; ++pre)
    for (int32_t post = 0; post < numPost; ++post)
      result.targets[size_t(pre * numPost + post)] = post;
  return result;
}

Expected<Connectivity> oneToOne(int64_t numPre, int64_t numPost,
                                const ConnectivityLimits &limits) {
  const char *builder = "oneToOne";
  Status status = checkSizes(builder, numPre, numPost);
  if (!status.ok())
    return status;
  if (numPre != numPost)
    return Status::error(
        "oneToOne: source and target populations must have the same size, "
        "got " +
        std::to_string(numPre) + " and " + std::to_string(numPost));
  status = checkTotal(builder, numPre, numPre, limits);
  if (!status.ok())
    return status;
  Connectivity result = emptyRows(numPre, numPost);
  fillUniformRowStarts(result, 1);
  result.targets.resize(size_t(numPre));
  for (int32_t i = 0; i < numPre; ++i)
    result.targets[size_t(i)] = i;
  return result;
}

Status validate(const Connectivity &connectivity) {
  const Connectivity &c = connectivity;
  if (c.numPre < 0 || c.numPost < 0)
    return Status::error("connectivity: negative population size");
  if (c.rowStart.size() != size_t(c.numPre) + 1)
    return Status::error("connectivity: rowStart has " +
                         std::to_string(c.rowStart.size()) +
                         " entries, expected numPre + 1 = " +
                         std::to_string(int64_t(c.numPre) + 1));
  if (c.rowStart[0] != 0)
    return Status::error("connectivity: rowStart[0] must be 0");
  for (int32_t i = 0; i < c.numPre; ++i)
    if (c.rowStart[size_t(i) + 1] < c.rowStart[size_t(i)])
      return Status::error("connectivity: rowStart decreases at source " +
                           std::to_string(i));
  if (size_t(c.rowStart.back()) != c.targets.size())
    return Status::error("connectivity: rowStart ends at " +
                         std::to_string(c.rowStart.back()) + " but there are " +
                         std::to_string(c.targets.size()) + " targets");
  for (size_t s = 0; s < c.targets.size(); ++s)
    if (c.targets[s] < 0 || c.targets[s] >= c.numPost)
      return Status::error("connectivity: synapse " + std::to_string(s) +
                           " has target " + std::to_string(c.targets[s]) +
                           " outside [0, " + std::to_string(c.numPost) + ")");
  return Status::success();
}

std::vector<int32_t> inDegrees(const Connectivity &connectivity) {
  std::vector<int32_t> degrees(size_t(std::max(connectivity.numPost, 0)), 0);
  for (int32_t target : connectivity.targets)
    if (target >= 0 && target < connectivity.numPost)
      ++degrees[size_t(target)];
  return degrees;
}

namespace {
DegreeStats summarise(const std::vector<int32_t> &degrees) {
  DegreeStats stats;
  if (degrees.empty())
    return stats;
  auto [minIt, maxIt] = std::minmax_element(degrees.begin(), degrees.end());
  stats.min = *minIt;
  stats.max = *maxIt;
  int64_t total = 0;
  for (int32_t degree : degrees)
    total += degree;
  stats.mean = double(total) / double(degrees.size());
  return stats;
}
} // namespace

DegreeStats inDegreeStats(const Connectivity &connectivity) {
  return summarise(inDegrees(connectivity));
}

DegreeStats outDegreeStats(const Connectivity &connectivity) {
  std::vector<int32_t> degrees;
  degrees.reserve(size_t(std::max(connectivity.numPre, 0)));
  for (int32_t i = 0; i < connectivity.numPre; ++i)
    degrees.push_back(connectivity.rowSize(i));
  return summarise(degrees);
}

} // namespace snnc::rt
