#pragma once

// Hand-editing a bundle.tar.gz, for the tests that build broken and hostile archives: gzip in
// and out, and the ustar checksum to redo after a header was changed.

#include <QByteArray>

namespace baton::test {

/// `data` as a gzip stream (best compression: a bomb stays small).
QByteArray gzipped(const QByteArray &data);

/// The first 4 MiB that a gzip stream expands to: more than any archive a test edits.
QByteArray gunzipped(const QByteArray &data);

/// Recomputes the checksum of the ustar header at byte `header` after a test edited it.
void fixTarChecksum(QByteArray &tar, qsizetype header);

} // namespace baton::test
