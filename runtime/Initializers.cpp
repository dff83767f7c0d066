//===- Initializers.cpp - Fill state buffers with initial values ----------===//
//
// Templated once over the buffer's element type (float or double) so that
// float and double buffers draw exactly the same double values and differ
// only by the final rounding.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Initializers.h"

#include <cmath>
#include <limits>
#include <string>

namespace snnc::rt {

namespace {

Status checkBuffer(const char *what, const void *out, int64_t n) {
  if (n < 0)
    return Status::error(std::string(what) +
                         ": buffer length must not be negative, got " +
                         std::to_string(n));
  if (n > 0 && out == nullptr)
    return Status::error(std::string(what) + ": null buffer of length " +
                         std::to_string(n));
  return Status::success();
}

Status checkFinite(const char *what, const char *name, double value) {
  if (!std::isfinite(value))
    return Status::error(std::string(what) + ": " + name +
                         " must be finite, got " + std::to_string(value));
  return Status::success();
}

/// Rounds to the buffer's type; outside its range (a double mean of 1e300
/// into a float buffer) that would be undefined behaviour, so refuse.
template <typename T> Status checkRepresentable(const char *what, double v) {
  if (std::fabs(v) > double(std::numeric_limits<T>::max()))
    return Status::error(std::string(what) + ": value " + std::to_string(v) +
                         " does not fit the buffer's element type");
  return Status::success();
}

template <typename T> Status fillConstantImpl(T *out, int64_t n, double value) {
  const char *what = "fillConstant";
  Status status = checkBuffer(what, out, n);
  if (!status.ok())
    return status;
  status = checkFinite(what, "value", value);
  if (!status.ok())
    return status;
  status = checkRepresentable<T>(what, value);
  if (!status.ok())
    return status;
  for (int64_t k = 0; k < n; ++k)
    out[k] = T(value);
  return Status::success();
}

template <typename T>
Status fillNormalImpl(T *out, int64_t n, double mean, double stddev,
                      const RandomStream &stream, uint64_t firstIndex) {
  const char *what = "fillNormal";
  Status status = checkBuffer(what, out, n);
  if (!status.ok())
    return status;
  status = checkFinite(what, "mean", mean);
  if (status.ok())
    status = checkFinite(what, "stddev", stddev);
  if (!status.ok())
    return status;
  if (stddev < 0)
    return Status::error("fillNormal: stddev must not be negative, got " +
                         std::to_string(stddev));
  // Box–Muller never exceeds sqrt(-2 ln 2^-53) = 8.58 standard deviations.
  status = checkRepresentable<T>(what, std::fabs(mean) + 9.0 * stddev);
  if (!status.ok())
    return status;
  int64_t k = 0;
  // An odd start shares its Box–Muller pair with the value before it.
  if (n > 0 && (firstIndex & 1))
    out[k++] = T(mean + stddev * stream.normal(firstIndex));
  for (; k + 1 < n; k += 2) {
    std::pair<double, double> pair =
        stream.normalPair((firstIndex + uint64_t(k)) >> 1);
    out[k] = T(mean + stddev * pair.first);
    out[k + 1] = T(mean + stddev * pair.second);
  }
  if (k < n)
    out[k] = T(mean + stddev * stream.normal(firstIndex + uint64_t(k)));
  return Status::success();
}

template <typename T>
Status fillUniformImpl(T *out, int64_t n, double low, double high,
                       const RandomStream &stream, uint64_t firstIndex) {
  const char *what = "fillUniform";
  Status status = checkBuffer(what, out, n);
  if (!status.ok())
    return status;
  status = checkFinite(what, "low", low);
  if (status.ok())
    status = checkFinite(what, "high", high);
  if (status.ok())
    status = checkRepresentable<T>(what, low);
  if (status.ok())
    status = checkRepresentable<T>(what, high);
  if (!status.ok())
    return status;
  if (!(low <= high))
    return Status::error("fillUniform: low must not exceed high, got [" +
                         std::to_string(low) + ", " + std::to_string(high) +
                         ")");
  double width = high - low;
  if (!std::isfinite(width))
    return Status::error("fillUniform: the range [" + std::to_string(low) +
                         ", " + std::to_string(high) +
                         ") is too wide to represent");
  T highInType = T(high);
  T below = std::nextafter(highInType, T(low));
  for (int64_t k = 0; k < n; ++k) {
    T value = T(low + width * stream.uniformDouble(firstIndex + uint64_t(k)));
    // Rounding to T (or low + width * u in double) can reach `high`.
    out[k] = (value >= highInType && low < high) ? below : value;
  }
  return Status::success();
}

template <typename T>
Status fillImpl(const InitSpec &spec, T *out, int64_t n,
                const RandomStream &stream, uint64_t firstIndex) {
  switch (spec.kind) {
  case InitSpec::Kind::Constant:
    return fillConstantImpl(out, n, spec.first);
  case InitSpec::Kind::Normal:
    return fillNormalImpl(out, n, spec.first, spec.second, stream, firstIndex);
  case InitSpec::Kind::Uniform:
    return fillUniformImpl(out, n, spec.first, spec.second, stream, firstIndex);
  }
  return Status::error("fill: unknown initialiser kind");
}

} // namespace

Status fillConstant(float *out, int64_t n, double value) {
  return fillConstantImpl(out, n, value);
}
Status fillConstant(double *out, int64_t n, double value) {
  return fillConstantImpl(out, n, value);
}

Status fillNormal(float *out, int64_t n, double mean, double stddev,
                  const RandomStream &stream, uint64_t firstIndex) {
  return fillNormalImpl(out, n, mean, stddev, stream, firstIndex);
}
Status fillNormal(double *out, int64_t n, double mean, double stddev,
                  const RandomStream &stream, uint64_t firstIndex) {
  return fillNormalImpl(out, n, mean, stddev, stream, firstIndex);
}

Status fillUniform(float *out, int64_t n, double low, double high,
                   const RandomStream &stream, uint64_t firstIndex) {
  return fillUniformImpl(out, n, low, high, stream, firstIndex);
}
Status fillUniform(double *out, int64_t n, double low, double high,
                   const RandomStream &stream, uint64_t firstIndex) {
  return fillUniformImpl(out, n, low, high, stream, firstIndex);
}

Status fill(const InitSpec &spec, float *out, int64_t n,
            const RandomStream &stream, uint64_t firstIndex) {
  return fillImpl(spec, out, n, stream, firstIndex);
}
Status fill(const InitSpec &spec, double *out, int64_t n,
            const RandomStream &stream, uint64_t firstIndex) {
  return fillImpl(spec, out, n, stream, firstIndex);
}

} // namespace snnc::rt
