#pragma once

#include <QDateTime>

namespace baton {

/// The only way core code learns the time. Production code passes a SystemClock; tests and
/// `--now` pass a FixedClock, so every expiry decision can be replayed at any instant.
class Clock
{
public:
    virtual ~Clock() = default;
    /// The current instant, in UTC, with whole-second precision (DCs count seconds).
    virtual QDateTime now() const = 0;
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override;
};

class FixedClock final : public Clock
{
public:
    explicit FixedClock(QDateTime instant);
    QDateTime now() const override { return m_instant; }

private:
    QDateTime m_instant;
};

} // namespace baton
