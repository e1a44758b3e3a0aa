#pragma once

#include "Certificate.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

namespace baton {

/// The most certificates buildChain considers: a file of trust anchors (Mozilla's ~150 roots),
/// a workspace's CA certificates, or a chain file hold far fewer. Beyond it the rest are left
/// out, with a problem saying so, so a hostile file cannot make chain building unbounded.
inline constexpr qsizetype kMaxChainCertificates = 10000;
/// The longest chain followed (leaf included): real chains have 2 to 5 certificates.
inline constexpr qsizetype kMaxChainDepth = 32;
/// How many certificates sharing one subject name are examined as a certificate's issuer: a
/// CA renewed a few times has a few; thousands are a hostile file.
inline constexpr qsizetype kMaxSameNameCandidates = 64;

/// What buildChain found out about a set of certificates.
struct ChainReport
{
    /// The certificates of the set that form the leaf's chain, leaf first, each followed by its
    /// issuer (matched by name and, where both carry them, AKI/SKI).
    QList<Certificate> ordered;
    /// Certificates of the set that are not on the leaf's chain (another leaf, a stray root).
    QList<Certificate> unrelated;
    /// The chain OpenSSL verified, leaf first, including the trust anchor it reached (which may
    /// come from `anchors` or the system store rather than the set). Empty when verification
    /// could not start.
    QList<Certificate> verifiedChain;
    /// Every problem in words, e.g. "certificate 2 (CN=Intermediate): certificate has expired".
    /// Certificates are numbered by their position in `ordered`, leaf = 1.
    QStringList problems;
    /// OpenSSL verified the chain to a trust anchor at the given time without any error.
    /// `problems` may still hold notes that do not touch the chain (an unrelated certificate).
    bool trusted = false;
};

/// Orders `certificates` leaf -> root and verifies the result with OpenSSL at `at` (never the
/// wall clock) against `anchors` and, when `useSystemStore`, the system's trusted roots. Every
/// verification error is collected, not just the first. Any anchor is trusted as given, root or
/// not (X509_V_FLAG_PARTIAL_CHAIN), so pinning an intermediate works.
ChainReport buildChain(const QList<Certificate> &certificates, const QList<Certificate> &anchors,
                       bool useSystemStore, const QDateTime &at);

} // namespace baton
