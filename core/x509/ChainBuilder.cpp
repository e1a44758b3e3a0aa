#include "ChainBuilder.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <openssl/x509_vfy.h>

namespace baton {

namespace {

using X509StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;

void freeX509Stack(STACK_OF(X509) * stack)
{
    sk_X509_pop_free(stack, X509_free);
}
using X509StackPtr = OpenSslPtr<STACK_OF(X509), freeX509Stack>;

/// `parent` issued `child`: the names chain, and where both carry key identifiers they agree.
/// Names alone are not enough: a CA renewed with a new key keeps its name, and only AKI/SKI
/// tell the two apart.
bool issuedBy(const Certificate &child, const Certificate &parent)
{
    if (X509_NAME_cmp(X509_get_issuer_name(child.handle()),
                      X509_get_subject_name(parent.handle())) != 0)
        return false;
    const ASN1_OCTET_STRING *authorityKeyId = X509_get0_authority_key_id(child.handle());
    const ASN1_OCTET_STRING *subjectKeyId = X509_get0_subject_key_id(parent.handle());
    return !authorityKeyId || !subjectKeyId ||
           ASN1_OCTET_STRING_cmp(authorityKeyId, subjectKeyId) == 0;
}

QString describe(const Certificate &certificate)
{
    const QString subject = certificate.subject();
    return subject.isEmpty() ? QStringLiteral("empty subject") : subject;
}

struct VerifyError
{
    int code = X509_V_OK;
    QByteArray certificateDer; ///< empty when OpenSSL named no certificate
};

/// Collects every error instead of stopping at the first, so one report lists the expired
/// intermediate and the untrusted root together.
int collectError(int ok, X509_STORE_CTX *ctx)
{
    if (ok)
        return ok;
    auto *errors = static_cast<QList<VerifyError> *>(X509_STORE_CTX_get_app_data(ctx));
    VerifyError error;
    error.code = X509_STORE_CTX_get_error(ctx);
    if (X509 *current = X509_STORE_CTX_get_current_cert(ctx)) {
        unsigned char *der = nullptr;
        const int length = i2d_X509(current, &der);
        if (length > 0)
            error.certificateDer = QByteArray(reinterpret_cast<const char *>(der), length);
        OPENSSL_free(der);
    }
    const bool seen = std::any_of(errors->cbegin(), errors->cend(), [&](const VerifyError &e) {
        return e.code == error.code && e.certificateDer == error.certificateDer;
    });
    if (!seen)
        errors->append(std::move(error));
    return 1;
}

/// A hint for the errors whose OpenSSL wording leaves the reader guessing what to do.
QString hintFor(int code, const Certificate *certificate)
{
    switch (code) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        if (certificate)
            return QStringLiteral(" (its issuer %1 is neither in the set nor among the trust "
                                  "anchors)")
                .arg(certificate->issuer());
        return {};
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        return QStringLiteral(" (a root that is not among the trust anchors)");
    default:
        return {};
    }
}

} // namespace

ChainReport buildChain(const QList<Certificate> &certificates, const QList<Certificate> &anchors,
                       bool useSystemStore, const QDateTime &at)
{
    ChainReport report;
    QList<Certificate> set;
    QSet<QByteArray> seen;
    for (const Certificate &certificate : certificates) {
        if (set.size() == kMaxChainCertificates) {
            report.problems << QStringLiteral("more than %1 certificates: only the first %1 were "
                                              "considered for the chain")
                                   .arg(kMaxChainCertificates);
            break;
        }
        if (!seen.contains(certificate.der())) {
            seen.insert(certificate.der());
            set.append(certificate);
        }
    }
    if (set.isEmpty()) {
        report.problems << QStringLiteral("no certificates to build a chain from");
        return report;
    }

    // Issuers are looked up by the hash of their subject (OpenSSL's canonical form, the one
    // X509_NAME_cmp compares), never by comparing every pair: a file of thousands of
    // certificates costs linear time. At most kMaxSameNameCandidates certificates of one name
    // are examined per lookup, so even thousands sharing a subject stay linear.
    QHash<unsigned long, QList<qsizetype>> bySubject; // input order within each name
    const auto nameHash = [](const X509_NAME *name) {
        int ok = 0;
        const unsigned long hash = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
        return ok ? hash : 0UL;
    };
    for (qsizetype i = 0; i < set.size(); ++i)
        bySubject[nameHash(X509_get_subject_name(set[i].handle()))].append(i);
    discardOpenSslErrors();
    // Calls `visit` with each certificate of the set that may have issued `child`, in input
    // order; stops when `visit` returns true.
    const auto forEachIssuerOf = [&](const Certificate &child, const auto &visit) {
        const auto found = bySubject.constFind(nameHash(X509_get_issuer_name(child.handle())));
        if (found == bySubject.cend())
            return;
        const QList<qsizetype> &candidates = *found;
        const qsizetype count = std::min(candidates.size(), kMaxSameNameCandidates);
        for (qsizetype k = 0; k < count; ++k) {
            const qsizetype i = candidates[k];
            if (set[i].der() != child.der() && issuedBy(child, set[i]) && visit(i))
                return;
        }
    };

    // The leaf issued nothing in the set. When several did (a leaf and a root whose
    // intermediate is missing), an end-entity certificate beats a CA and a CA beats a
    // self-issued root; then input order decides.
    QList<bool> issuedSomething(set.size(), false);
    for (const Certificate &child : std::as_const(set))
        forEachIssuerOf(child, [&](qsizetype parent) {
            issuedSomething[parent] = true;
            return false;
        });
    const auto rank = [](const Certificate &c) {
        return (c.isCa() ? 1 : 0) + (c.isSelfIssued() ? 2 : 0);
    };
    qsizetype leaf = -1;
    for (qsizetype i = 0; i < set.size(); ++i) {
        if (!issuedSomething[i] && (leaf < 0 || rank(set[i]) < rank(set[leaf])))
            leaf = i;
    }
    if (leaf < 0) // every certificate issued another: a cycle; start anywhere
        leaf = 0;

    QList<bool> used(set.size(), false);
    used[leaf] = true;
    report.ordered.append(set[leaf]);
    while (!report.ordered.last().isSelfIssued()) {
        if (report.ordered.size() == kMaxChainDepth) {
            report.problems << QStringLiteral("the chain is longer than %1 certificates; the "
                                              "rest was not followed")
                                   .arg(kMaxChainDepth);
            break;
        }
        qsizetype parent = -1;
        forEachIssuerOf(report.ordered.last(), [&](qsizetype i) {
            if (used[i])
                return false;
            parent = i;
            return true;
        });
        if (parent < 0)
            break;
        used[parent] = true;
        report.ordered.append(set[parent]);
    }
    for (qsizetype i = 0; i < set.size(); ++i) {
        if (!used[i]) {
            report.unrelated.append(set[i]);
            report.problems << QStringLiteral("%1: not on the chain of certificate 1 (%2); it "
                                              "issued none of its certificates")
                                   .arg(describe(set[i]), describe(report.ordered.first()));
        }
    }

    if (!at.isValid()) {
        report.problems << QStringLiteral("no verification time given; the chain was not "
                                          "verified");
        return report;
    }
    if (anchors.isEmpty() && !useSystemStore)
        report.problems << QStringLiteral("no trust anchors: none given and the system store "
                                          "not used");

    X509StorePtr store(X509_STORE_new());
    X509StackPtr untrusted(sk_X509_new_null());
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!store || !untrusted || !ctx) {
        report.problems << openSslError(QStringLiteral("cannot set up verification")).message;
        return report;
    }
    for (const Certificate &anchor : anchors) {
        // X509_STORE_add_cert takes its own reference; a duplicate anchor is not an error.
        if (!X509_STORE_add_cert(store.get(), anchor.handle()))
            discardOpenSslErrors();
    }
    if (useSystemStore && !X509_STORE_set_default_paths(store.get()))
        report.problems
            << openSslError(QStringLiteral("cannot load the system trust store")).message;
    for (const Certificate &certificate : set) {
        if (!X509_add_cert(untrusted.get(), certificate.handle(), X509_ADD_FLAG_UP_REF)) {
            report.problems << openSslError(QStringLiteral("cannot set up verification")).message;
            return report;
        }
    }
    if (!X509_STORE_CTX_init(ctx.get(), store.get(), report.ordered.first().handle(),
                             untrusted.get())) {
        report.problems << openSslError(QStringLiteral("cannot set up verification")).message;
        return report;
    }
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, time_t(at.toSecsSinceEpoch()));
    // OpenSSL's own search is bounded the same way (its default depth is 100).
    X509_VERIFY_PARAM_set_depth(param, kMaxChainDepth);
    if (!anchors.isEmpty())
        X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    QList<VerifyError> errors;
    X509_STORE_CTX_set_app_data(ctx.get(), &errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), collectError);
    const int verified = X509_verify_cert(ctx.get());
    if (verified < 0)
        report.problems << openSslError(QStringLiteral("verification failed to run")).message;
    discardOpenSslErrors();

    if (STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx.get())) {
        for (int i = 0; i < sk_X509_num(chain); ++i) {
            unsigned char *der = nullptr;
            const int length = i2d_X509(sk_X509_value(chain, i), &der);
            if (length > 0) {
                if (auto certificate = Certificate::fromDer(
                        QByteArrayView(reinterpret_cast<const char *>(der), length)))
                    report.verifiedChain.append(std::move(certificate).value());
            }
            OPENSSL_free(der);
        }
    }

    for (const VerifyError &error : errors) {
        QString who;
        const Certificate *certificate = nullptr;
        for (qsizetype i = 0; i < report.ordered.size() && who.isEmpty(); ++i) {
            if (report.ordered[i].der() == error.certificateDer) {
                certificate = &report.ordered[i];
                who = QStringLiteral("certificate %1 (%2)").arg(i + 1).arg(describe(*certificate));
            }
        }
        for (qsizetype i = 0; i < anchors.size() && who.isEmpty(); ++i) {
            if (anchors[i].der() == error.certificateDer) {
                certificate = &anchors[i];
                who = QStringLiteral("trust anchor (%1)").arg(describe(*certificate));
            }
        }
        for (qsizetype i = 0; i < report.verifiedChain.size() && who.isEmpty(); ++i) {
            if (report.verifiedChain[i].der() == error.certificateDer) {
                certificate = &report.verifiedChain[i];
                who = QStringLiteral("%1 from the system store").arg(describe(*certificate));
            }
        }
        if (who.isEmpty())
            who = QStringLiteral("the chain");
        report.problems << QStringLiteral("%1: %2%3")
                               .arg(who,
                                    QString::fromUtf8(X509_verify_cert_error_string(error.code)),
                                    hintFor(error.code, certificate));
    }
    report.trusted = verified == 1 && errors.isEmpty();
    return report;
}

} // namespace baton
