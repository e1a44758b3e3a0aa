#include "CertificateRequest.h"

#include "X509Names.h"
#include "common/Pem.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>

namespace baton {

namespace {

using X509ReqPtr = OpenSslPtr<X509_REQ, X509_REQ_free>;

bool isRequestLabel(const QString &label)
{
    return label == QLatin1String("CERTIFICATE REQUEST") ||
           label == QLatin1String("NEW CERTIFICATE REQUEST");
}

} // namespace

CertificateRequest::CertificateRequest(X509ReqPtr request, QByteArray der)
    : m_request(request.release(), X509_REQ_free), m_der(std::move(der))
{}

Result<CertificateRequest> CertificateRequest::fromDer(QByteArrayView der)
{
    const auto *cursor = reinterpret_cast<const unsigned char *>(der.data());
    const auto *end = cursor + der.size();
    X509ReqPtr request(d2i_X509_REQ(nullptr, &cursor, long(der.size())));
    if (!request)
        return openSslError(QStringLiteral("not a DER PKCS#10 certificate request"));
    if (cursor != end)
        return Error{QStringLiteral("%1 unexpected bytes after the DER certificate request")
                         .arg(end - cursor)};
    if (!X509_REQ_get0_pubkey(request.get())) {
        return openSslError(QStringLiteral("the certificate request's public key cannot be read"));
    }
    discardOpenSslErrors();
    return CertificateRequest(std::move(request), der.toByteArray());
}

Result<QList<CertificateRequest>> CertificateRequest::readAll(QByteArrayView data)
{
    QList<CertificateRequest> requests;
    if (!containsPem(data)) {
        auto one = fromDer(data);
        if (!one)
            return one.error();
        requests.append(std::move(one).value());
        return requests;
    }
    auto blocks = parsePem(data);
    if (!blocks)
        return blocks.error();
    for (const PemBlock &block : *blocks) {
        if (!isRequestLabel(block.label))
            continue;
        auto request = fromDer(block.der);
        if (!request)
            return Error{QStringLiteral("PEM block '%1' at byte offset %2: %3")
                             .arg(block.label)
                             .arg(block.offset)
                             .arg(request.errorMessage())};
        requests.append(std::move(request).value());
    }
    if (requests.isEmpty())
        return Error{QStringLiteral("no CERTIFICATE REQUEST block in this PEM")};
    return requests;
}

Result<CertificateRequest> CertificateRequest::readFirst(QByteArrayView data)
{
    auto all = readAll(data);
    if (!all)
        return all.error();
    return all->first();
}

QString CertificateRequest::subject() const
{
    return distinguishedNameText(X509_REQ_get_subject_name(m_request.get()));
}

QString CertificateRequest::commonName() const
{
    return commonNameOf(X509_REQ_get_subject_name(m_request.get()));
}

QString CertificateRequest::displayName() const
{
    if (const QString cn = commonName(); !cn.isEmpty())
        return cn;
    if (const QStringList dns = dnsNames(); !dns.isEmpty())
        return dns.first();
    return subject();
}

EVP_PKEY *CertificateRequest::publicKey() const
{
    return X509_REQ_get0_pubkey(m_request.get());
}

bool CertificateRequest::signatureValid() const
{
    EVP_PKEY *key = publicKey();
    const bool valid = key && X509_REQ_verify(m_request.get(), key) == 1;
    // A bad signature is an answer, not an error for whoever calls OpenSSL next.
    discardOpenSslErrors();
    return valid;
}

X509ExtensionStackPtr CertificateRequest::requestedExtensions() const
{
    X509ExtensionStackPtr extensions(X509_REQ_get_extensions(m_request.get()));
    // No extensionRequest attribute is a request for nothing, not a failure: an empty stack
    // spares every caller the null check.
    if (!extensions)
        extensions.reset(sk_X509_EXTENSION_new_null());
    discardOpenSslErrors();
    return extensions;
}

DelegationUsage CertificateRequest::delegationUsageRequested() const
{
    const X509ExtensionStackPtr extensions = requestedExtensions();
    const ASN1_OBJECT *oid = delegationUsageObject();
    const int index = extensions && oid ? X509v3_get_ext_by_OBJ(extensions.get(), oid, -1) : -1;
    return classifyDelegationUsage(index < 0 ? nullptr : X509v3_get_ext(extensions.get(), index));
}

QStringList CertificateRequest::dnsNames() const
{
    QStringList names;
    const X509ExtensionStackPtr extensions = requestedExtensions();
    if (!extensions)
        return names;
    OpenSslPtr<GENERAL_NAMES, GENERAL_NAMES_free> sans(static_cast<GENERAL_NAMES *>(
        X509V3_get_d2i(extensions.get(), NID_subject_alt_name, nullptr, nullptr)));
    discardOpenSslErrors();
    if (!sans)
        return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME *entry = sk_GENERAL_NAME_value(sans.get(), i);
        if (entry->type == GEN_DNS) {
            const ASN1_STRING *dns = entry->d.dNSName;
            names << QString::fromLatin1(reinterpret_cast<const char *>(ASN1_STRING_get0_data(dns)),
                                         ASN1_STRING_length(dns));
        }
    }
    return names;
}

} // namespace baton
