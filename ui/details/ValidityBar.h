#pragma once

#include <QDateTime>
#include <QWidget>

namespace baton::ui {

/// A certificate's or DC's validity period as a bar: the elapsed part filled, the remaining
/// part open, a mark at now. Read at a glance where a date pair needs arithmetic.
class ValidityBar : public QWidget
{
    Q_OBJECT

public:
    explicit ValidityBar(QWidget *parent = nullptr);

    /// An invalid range shows an empty bar.
    void setPeriod(const QDateTime &start, const QDateTime &end, const QDateTime &now);
    /// How much of the period has passed at now, clamped to [0, 1]; 0 for no period.
    double elapsedFraction() const;
    /// "30 d elapsed, 60 d remaining", also the accessible description.
    QString summary() const { return m_summary; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QDateTime m_start;
    QDateTime m_end;
    QDateTime m_now;
    QString m_summary;
};

} // namespace baton::ui
