#pragma once

// What the extension decoders share: turning OpenSSL's ASN.1 values into plain text.

#include "Asn1Dump.h"
#include "crypto/OpenSsl.h"
#include "x509/CertificateModel.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <initializer_list>

namespace baton::extensions {

ModelField field(const QString &label, const QString &value, QList<ModelField> children = {});
QString yesNo(bool value);

QByteArray asn1StringBytes(const ASN1_STRING *string);
/// Any ASN.1 string type as Unicode text; colon hex when it has no text form.
QString asn1StringText(const ASN1_STRING *string);
QString asn1IntegerDecimal(const ASN1_INTEGER *integer);
/// "0C67AF…": the form serial numbers are shown in.
QString asn1IntegerHex(const ASN1_INTEGER *integer);
/// An ANY value as readably as its type allows: text, number, OID, or its DER in hex.
QString asn1TypeText(const ASN1_TYPE *value);

QString oidDotted(const ASN1_OBJECT *object);
/// OpenSSL's short name for an OID ("serverAuth", "msUPN"), or one Baton adds for OIDs OpenSSL
/// 3.0 does not know ("organization-validated", "DelegationUsage"); empty when none knows it.
QString oidShortName(const QString &dotted);
/// "2.23.140.1.2.2 (organization-validated)", or just the dotted form.
QString oidWithName(const ASN1_OBJECT *object);
/// The short name, or the dotted form when there is none.
QString oidNameOrDotted(const ASN1_OBJECT *object);

/// "192.0.2.1", "2001:db8::1" (RFC 5952); with a mask (name constraints) "10.0.0.0/8".
QString ipAddressText(QByteArrayView bytes);
/// RFC 2253 order and escaping, non-ASCII kept as UTF-8 rather than \XX escapes.
QString nameText(const X509_NAME *name);
/// One field per attribute, in encoding order: "C" = "US", "CN" = "example.com".
QList<ModelField> nameEntryFields(const X509_NAME *name);

QString generalNameKind(const GENERAL_NAME *name);
QString generalNameText(const GENERAL_NAME *name);
ModelField generalNameField(const GENERAL_NAME *name);
QList<ModelField> generalNameFields(const GENERAL_NAMES *names);
/// The names' values joined with ", ", for a one-line summary.
QString generalNamesSummary(const GENERAL_NAMES *names);

/// The names of the set bits of a named-bit BIT STRING, bit 0 first; unnamed bits as "bit N".
QStringList setBitNames(const ASN1_BIT_STRING *bits, std::initializer_list<const char *> names);

QByteArray extensionValue(const X509_EXTENSION *extension);

/// The extension's value decoded by OpenSSL's method for its OID, or null. A value with bytes
/// after it counts as undecodable: X509V3_EXT_d2i would ignore them, and a rendering that hid
/// them would show a certificate strict verifiers reject as if it were fine.
template <typename T, void (*Free)(T *)>
OpenSslPtr<T, Free> decodeExtension(const X509_EXTENSION *extension)
{
    if (!derElementProblem(extensionValue(extension)).isEmpty())
        return {};
    // OpenSSL 3.0 declares X509V3_EXT_d2i without const, though it only reads.
    OpenSslPtr<T, Free> value(
        static_cast<T *>(X509V3_EXT_d2i(const_cast<X509_EXTENSION *>(extension))));
    if (!value)
        discardOpenSslErrors();
    return value;
}

} // namespace baton::extensions
