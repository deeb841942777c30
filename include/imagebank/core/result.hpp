// Result<T>: a value of type T, or the Status explaining why there is none.
//
// Modelled on absl::StatusOr. Accessing the value of a failed Result is a
// programming error and aborts with the status in the message; check ok()
// first or use the IMAGEBANK_ASSIGN_OR_RETURN macro.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "imagebank/core/status.hpp"

namespace imagebank {

namespace detail {
[[noreturn]] void die_on_bad_result_access(const Status& status);
[[noreturn]] void die_on_ok_status_in_result();
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Status>,
                "Result<Status> is ambiguous; return Status instead");
  static_assert(!std::is_reference_v<T>, "Result<T&> is not supported");

 public:
  // A failed result. Passing an OK status is a programming error.
  Result(Status status) : rep_(std::move(status)) {  // NOLINT: implicit
    if (std::get<0>(rep_).ok()) detail::die_on_ok_status_in_result();
  }
  Result(const T& value) : rep_(std::in_place_index<1>, value) {}  // NOLINT
  Result(T&& value)
      : rep_(std::in_place_index<1>, std::move(value)) {}  // NOLINT
  // Converting construction, e.g. Result<std::unique_ptr<Base>> from a
  // std::unique_ptr<Derived>.
  template <typename U>
  requires(std::is_constructible_v<T, U&&> &&
           !std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, Status> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result>)
      Result(U&& value)  // NOLINT: implicit
      : rep_(std::in_place_index<1>, std::forward<U>(value)) {}

  bool ok() const noexcept { return rep_.index() == 1; }

  // OK when a value is held.
  Status status() const& { return ok() ? Status() : std::get<0>(rep_); }
  Status status() && { return ok() ? Status() : std::move(std::get<0>(rep_)); }

  const T& value() const& {
    check();
    return std::get<1>(rep_);
  }
  T& value() & {
    check();
    return std::get<1>(rep_);
  }
  T&& value() && {
    check();
    return std::move(std::get<1>(rep_));
  }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<1>(rep_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void check() const {
    if (!ok()) detail::die_on_bad_result_access(std::get<0>(rep_));
  }

  std::variant<Status, T> rep_;
};

}  // namespace imagebank

#define IMAGEBANK_CONCAT_INNER_(a, b) a##b
#define IMAGEBANK_CONCAT_(a, b) IMAGEBANK_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is an error.
#define IMAGEBANK_RETURN_IF_ERROR(expr)                                   \
  do {                                                                    \
    ::imagebank::Status imagebank_status_ = ::imagebank::to_status(expr); \
    if (!imagebank_status_.ok()) return imagebank_status_;                \
  } while (false)

// Evaluates `rexpr` (a Result<T>); on error returns its Status from the
// enclosing function, otherwise moves the value into `lhs`, which may be a
// declaration (`auto x`) or an existing variable.
#define IMAGEBANK_ASSIGN_OR_RETURN(lhs, rexpr) \
  IMAGEBANK_ASSIGN_OR_RETURN_IMPL_(            \
      IMAGEBANK_CONCAT_(imagebank_result_, __LINE__), lhs, rexpr)
#define IMAGEBANK_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                     \
  if (!tmp.ok()) return std::move(tmp).status();          \
  lhs = std::move(tmp).value()

namespace imagebank {
inline const Status& to_status(const Status& status) { return status; }
template <typename T>
Status to_status(const Result<T>& result) {
  return result.status();
}
}  // namespace imagebank
