#pragma once

// The `$`-separated records both vaults store (KeyVault.h's wrapped workspace key, LegacyVault.h's
// passphrase verifier) share their version and scrypt fields and the code that reads them
// (VaultSupport.h): the refusals of those fields, one list for both records' tests.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QTest>

namespace baton::test {

/// The stored record with field `index` (0 is the scheme) replaced by `value`.
inline QByteArray withField(const QByteArray &stored, int index, const QByteArray &value)
{
    QList<QByteArray> fields = stored.split('$');
    fields[index] = value;
    return fields.join('$');
}

/// Rows (QByteArray record, QString error) for the version (field 1) and scrypt N, r and p
/// (fields 2 to 4). `good` holds N=1024, r=8, p=1; every error starts with `prefix`.
inline void addSharedRecordFieldRows(const QByteArray &good, const QString &prefix)
{
    QTest::newRow("unknown version")
        << withField(good, 1, "2")
        << prefix + u"unsupported version \"2\" (this Baton reads version 1)"_qs;
    QTest::newRow("N hexadecimal")
        << withField(good, 2, "0x400") << prefix + u"N \"0x400\" is not a decimal number"_qs;
    QTest::newRow("N leading zero")
        << withField(good, 2, "01024") << prefix + u"N \"01024\" is not a decimal number"_qs;
    QTest::newRow("N signed") << withField(good, 2, "+1024")
                              << prefix + u"N \"+1024\" is not a decimal number"_qs;
    QTest::newRow("N empty") << withField(good, 2, "")
                             << prefix + u"N \"\" is not a decimal number"_qs;
    QTest::newRow("N overflows 64 bits")
        << withField(good, 2, "99999999999999999999")
        << prefix + u"N \"99999999999999999999\" is not a decimal number"_qs;
    QTest::newRow("N not a power of two")
        << withField(good, 2, "1000")
        << prefix + u"scrypt N must be a power of two of at least 2, not 1000"_qs;
    QTest::newRow("N 2^40") << withField(good, 2, "1099511627776")
                            << prefix + u"scrypt N=1099511627776, r=8, p=1 is more work "
                                        u"(N*r*p) than Baton's limit of 16777216"_qs;
    QTest::newRow("r 0") << withField(good, 3, "0") << prefix + u"scrypt r must be at least 1"_qs;
    QTest::newRow("r beyond 32 bits")
        << withField(good, 3, "4294967296")
        << prefix + u"r \"4294967296\" is not a 32-bit decimal number"_qs;
    QTest::newRow("p 0") << withField(good, 4, "0") << prefix + u"scrypt p must be at least 1"_qs;
    QTest::newRow("p huge") << withField(good, 4, "1000000")
                            << prefix + u"scrypt N=1024, r=8, p=1000000 is more work (N*r*p) "
                                        u"than Baton's limit of 16777216"_qs;
}

} // namespace baton::test
