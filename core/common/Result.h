#pragma once

#include <QString>
#include <utility>
#include <variant>

namespace baton {

/// A failure that can be shown to a person as it is: it says what went wrong, where (file,
/// field, byte offset) and, where there is one, what to do about it.
struct Error
{
    QString message;
};

/// Either a value or an Error. Core code returns these instead of throwing so that every
/// caller (CLI, GUI, tests) must decide what a failure means to it.
template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_state); }
    /// The error's message, or an empty string on success (safe in assertion messages, which
    /// are evaluated either way).
    QString errorMessage() const { return ok() ? QString() : error().message; }

private:
    std::variant<T, Error> m_state;
};

/// Success without a value, or an Error.
template <> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }
    QString errorMessage() const { return m_error.message; }

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

/// Prefixes an error with where it happened ("dc.bin: …"), leaving a value untouched.
template <typename T> Result<T> withContext(Result<T> result, const QString &context)
{
    if (result.ok() || context.isEmpty())
        return result;
    return Error{context + QStringLiteral(": ") + result.errorMessage()};
}

} // namespace baton
