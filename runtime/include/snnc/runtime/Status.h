//===- Status.h - Error reporting without exceptions ------------*- C++ -*-===//
//
// The runtime is built with -fno-exceptions and must never abort on bad
// input (a model file can ask for a negative population or an impossible
// connection count). Every fallible runtime call therefore returns a Status
// (success or an error message) or an Expected<T> (a value or an error).
// Both are [[nodiscard]] so that a forgotten check is a compile warning,
// which -Werror turns into an error.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_STATUS_H
#define SNNC_RUNTIME_STATUS_H

#include <optional>
#include <string>
#include <utility>

namespace snnc::rt {

/// Success, or an error with a human-readable message.
class [[nodiscard]] Status {
public:
  /// A default-constructed Status is a success.
  Status() = default;

  static Status success() { return Status(); }
  /// An error; an empty message is replaced so that errors never print blank.
  static Status error(std::string message) {
    Status status;
    status.failed = true;
    status.text =
        message.empty() ? "unknown runtime error" : std::move(message);
    return status;
  }

  bool ok() const { return !failed; }
  /// The error message; empty for a success.
  const std::string &message() const { return text; }

private:
  bool failed = false;
  std::string text;
};

/// A value of type T, or the error Status explaining why there is none.
///
/// Accessing the value of an error is a programming mistake; it is not
/// checked (so that the fast path stays free) beyond what std::optional does.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : storage(std::move(value)) {}
  /// Builds an error. An ok() Status carries no value to return, so it is
  /// turned into an error rather than producing an empty success.
  Expected(Status error)
      : errorStatus(error.ok() ? Status::error("internal error: Expected "
                                               "built from a success Status")
                               : std::move(error)) {}

  bool ok() const { return storage.has_value(); }
  /// Success when a value is held, the error otherwise.
  const Status &status() const { return errorStatus; }
  const std::string &message() const { return errorStatus.message(); }

  T &value() & { return *storage; }
  const T &value() const & { return *storage; }
  T &operator*() & { return *storage; }
  const T &operator*() const & { return *storage; }
  T *operator->() { return &*storage; }
  const T *operator->() const { return &*storage; }
  /// Moves the value out (the Expected is left holding a moved-from T).
  T take() { return std::move(*storage); }

private:
  std::optional<T> storage;
  Status errorStatus;
};

} // namespace snnc::rt

#endif // SNNC_RUNTIME_STATUS_H
