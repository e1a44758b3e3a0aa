#pragma once

// Every bound the bundle readers (`bundle verify`, the tar.gz, Kubernetes Secret, manifest and
// bundle directory readers) apply to what they read, in one place. A bundle is a DC, its key,
// a certificate chain and a manifest: a handful of files of a few KiB each. Every number below
// is far above that and far below what would let a hostile file cost real time or memory; each
// is checked before the count or size it bounds is used (allocated, read, hashed or looped
// over), so the work of verifying any input is at most linear in kMaxBundleTotalSize.

#include <QtGlobal>

namespace baton {

/// One file of a bundle (a directory member, a tar member, a decoded Secret data value, the
/// manifest). A chain of ten RSA-4096 certificates is ~20 KiB in PEM; 1 MiB is 50 times that.
inline constexpr qint64 kMaxBundleMemberSize = 1 << 20;

/// A file `bundle verify` reads as a whole bundle (a .tar.gz, a Secret manifest, a Fizz PEM):
/// the same bound, since it holds the same few files (base64 inflates them by a third).
inline constexpr qint64 kMaxBundleFileSize = 1 << 20;

/// Files in a generation, members in an archive, data entries in a Secret, entries in a
/// manifest. Profiles write 2 to 6; 64 leaves room for files an operator adds beside them.
inline constexpr qsizetype kMaxBundleMembers = 64;

/// All members together, after decompression: bounds a gzip bomb (whatever its ratio, since the
/// decompressor stops here) and the total SHA-256 work, as each member is hashed once.
inline constexpr qint64 kMaxBundleTotalSize = 8 << 20;

/// The tar stream may exceed its members by its headers and padding (1 KiB per member at most,
/// plus the end-of-archive record): the expanded archive is bounded by the same total.
inline constexpr qsizetype kMaxTarExpandedSize = kMaxBundleTotalSize;

/// Labels and annotations of a Secret: Baton writes 4; kubectl adds a couple. Each is also
/// bounded by the manifest's size; the count bounds the map inserts.
inline constexpr qsizetype kMaxSecretMetadataEntries = 256;

// Nesting needs no number of its own: the YAML reader keeps a stack only for the mappings it
// reads (metadata.labels is the deepest, 2) and skips everything else by indentation; JSON
// nesting is bounded by QJsonDocument's parser (1024 levels) within kMaxBundleFileSize.

} // namespace baton
