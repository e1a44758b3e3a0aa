#pragma once

// The fixture of the desktop app's tests: a demo workspace (core populateDemoWorkspace) in a
// temporary directory, on a fixed clock, with a cheap scrypt cost so each test makes its own.

#include "TestPki.h"
#include "session/WorkspaceSession.h"

#include <QTemporaryDir>

namespace baton::test {

inline const QDateTime kDemoNow = utc(2026, 6, 1, 12);
inline constexpr char kDemoPassphrase[] = "demo passphrase";

/// The certificate listed under `name` (CN, else the first DNS name), nullptr when none is.
inline const CertificateSummary *certificateNamed(const ui::WorkspaceSnapshot &snapshot,
                                                  const QString &name)
{
    for (const CertificateSummary &summary : snapshot.certificates) {
        if (summary.name == name)
            return &summary;
    }
    return nullptr;
}

struct DemoSession
{
    QTemporaryDir dir;
    FixedClock clock{kDemoNow};
    ui::WorkspaceSession session{clock};

    DemoSession()
    {
        const Status created = session.create(path(), kDemoPassphrase, true, kFastWork);
        if (!created)
            qFatal("cannot create the demo workspace: %s", qPrintable(created.errorMessage()));
    }
    QString path() const { return dir.filePath(QStringLiteral("demo.baton")); }

    /// The id of the certificate listed under `name`, 0 when there is none.
    qint64 certificateId(const QString &name) const
    {
        const CertificateSummary *summary = certificateNamed(session.snapshot(), name);
        return summary ? summary->id : 0;
    }
};

} // namespace baton::test
