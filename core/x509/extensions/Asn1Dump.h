#pragma once

#include <QByteArrayView>
#include <QString>

namespace baton::extensions {

/// An indented, readable listing of DER ("SEQUENCE", "  OBJECT IDENTIFIER 2.5.29.37
/// (extendedKeyUsage)", …). Safe on any input: depth, output and hex previews are bounded, every
/// length is checked against the bytes that are really there, and a malformed element ends the
/// listing with a line that says what is wrong and where.
QString dumpDer(QByteArrayView der);

/// Empty when `der` is exactly one complete DER element; otherwise why not, in plain words
/// ("2 unexpected bytes after the value", "the value is empty", …).
QString derElementProblem(QByteArrayView der);

/// The dotted form of an OBJECT IDENTIFIER's content octets ("2.5.29.19"), or an empty string
/// when they are not a valid, minimally encoded one.
QString oidFromDer(QByteArrayView content);

} // namespace baton::extensions
