#include "SoftHsm.h"

#include "common/FileIo.h"
#include "pkcs11/Pkcs11Error.h"
#include "pkcs11/Pkcs11Session.h"

#include <QDir>
#include <QFileInfo>
#include <QList>
#include <QUrl>
#include <utility>

namespace baton::test {

namespace {

// CKA_EC_PARAMS: the DER OID of each curve.
const QByteArray kP256 = QByteArray::fromHex("06082a8648ce3d030107");
const QByteArray kP384 = QByteArray::fromHex("06052b81040022");
const QByteArray kP521 = QByteArray::fromHex("06052b81040023");
const QByteArray kEd25519 = QByteArray::fromHex("06032b6570");

CK_BBOOL yes = CK_TRUE;
CK_BBOOL no = CK_FALSE;

CK_ATTRIBUTE bytesAttribute(CK_ATTRIBUTE_TYPE type, const QByteArray &bytes)
{
    // PKCS#11 templates take non-const pointers to values they only read.
    return {type, const_cast<char *>(bytes.constData()), CK_ULONG(bytes.size())};
}

/// A token label as PKCS#11 stores it: 32 bytes, blank-padded.
QByteArray paddedLabel(const QString &label)
{
    return label.toUtf8().leftJustified(32, ' ', true);
}

} // namespace

QString SoftHsm::modulePath()
{
    const QString path = QStringLiteral("/usr/lib/softhsm/libsofthsm2.so");
    return QFileInfo::exists(path) ? path : QString();
}

QByteArray SoftHsm::userPin()
{
    return QByteArrayLiteral("test-user-pin-1234");
}

QByteArray SoftHsm::soPin()
{
    return QByteArrayLiteral("test-so-pin-5678");
}

Result<std::unique_ptr<SoftHsm>> SoftHsm::start()
{
    if (modulePath().isEmpty())
        return Error{QStringLiteral("softhsm2 is not installed")};
    static bool started = false;
    if (std::exchange(started, true))
        return Error{QStringLiteral("SoftHSM was already started in this process")};
    std::unique_ptr<SoftHsm> softHsm(new SoftHsm);
    if (!softHsm->m_dir.isValid())
        return Error{QStringLiteral("no temporary directory")};
    const QString tokens = softHsm->m_dir.filePath(QStringLiteral("tokens"));
    const QString config = softHsm->m_dir.filePath(QStringLiteral("softhsm2.conf"));
    const QByteArray text = "directories.tokendir = " + QFile::encodeName(tokens) +
                            "\nobjectstore.backend = file\nlog.level = ERROR\n"
                            "slots.removable = false\n";
    if (!QDir().mkpath(tokens))
        return Error{QStringLiteral("cannot create %1").arg(tokens)};
    if (auto written = writeFileAtomically(config, text, 0600, Overwrite::Refuse); !written)
        return written.error();
    // Before the module is loaded: SoftHSM reads it in C_Initialize. Processes the test starts
    // (batonctl) inherit it.
    qputenv("SOFTHSM2_CONF", QFile::encodeName(config));
    auto module = Pkcs11Modules::load(modulePath());
    if (!module)
        return module.error();
    softHsm->m_module.emplace(std::move(module).value());
    return softHsm;
}

Result<unsigned long> SoftHsm::slotOf(const QString &token) const
{
    CK_FUNCTION_LIST *module = m_module->modules().first();
    auto slotIds = Pkcs11Modules::slotsWithToken(module);
    if (!slotIds)
        return slotIds.error();
    for (const CK_SLOT_ID slot : *slotIds) {
        CK_TOKEN_INFO info{};
        if (module->C_GetTokenInfo(slot, &info) != CKR_OK)
            continue;
        const bool initialized = info.flags & CKF_TOKEN_INITIALIZED;
        // An empty name asks for SoftHSM's free slot, where a new token is initialized.
        if (token.isEmpty() ? !initialized
                            : initialized && pkcs11Text(info.label, sizeof info.label) == token)
            return slot;
    }
    return Error{QStringLiteral("no SoftHSM slot holds %1")
                     .arg(token.isEmpty() ? QStringLiteral("a free token") : token)};
}

Status SoftHsm::createToken(const QString &label)
{
    auto slot = slotOf(QString());
    if (!slot)
        return slot.error();
    CK_FUNCTION_LIST *module = m_module->modules().first();
    QByteArray so = soPin();
    QByteArray padded = paddedLabel(label);
    if (const CK_RV rv = module->C_InitToken(*slot, reinterpret_cast<CK_UTF8CHAR *>(so.data()),
                                             CK_ULONG(so.size()),
                                             reinterpret_cast<CK_UTF8CHAR *>(padded.data()));
        rv != CKR_OK)
        return pkcs11Error(QStringLiteral("C_InitToken"), rv);
    auto initialized = slotOf(label);
    if (!initialized)
        return initialized.error();
    auto session = Pkcs11Session::open(module, *initialized, Pkcs11Session::Access::ReadWrite);
    if (!session)
        return session.error();
    if (auto loggedIn = session->login(CKU_SO, so); !loggedIn)
        return loggedIn;
    QByteArray user = userPin();
    if (const CK_RV rv = module->C_InitPIN(
            session->handle(), reinterpret_cast<CK_UTF8CHAR *>(user.data()), CK_ULONG(user.size()));
        rv != CKR_OK)
        return pkcs11Error(QStringLiteral("C_InitPIN"), rv);
    return {};
}

Status SoftHsm::generateKeyPair(const QString &token, const QString &algorithm,
                                const QString &objectLabel, const QByteArray &id)
{
    auto session = userSession(token, Pkcs11Session::Access::ReadWrite);
    if (!session)
        return session.error();
    CK_FUNCTION_LIST *module = session->module();
    const QByteArray label = objectLabel.toUtf8();
    CK_ULONG modulusBits = 2048;
    const QByteArray exponent = QByteArray::fromHex("010001");
    QList<CK_ATTRIBUTE> publicTemplate{{CKA_TOKEN, &yes, sizeof yes},
                                       {CKA_VERIFY, &yes, sizeof yes},
                                       bytesAttribute(CKA_LABEL, label),
                                       bytesAttribute(CKA_ID, id)};
    // The key never leaves the token: sensitive, not extractable, stored on it, private.
    QList<CK_ATTRIBUTE> privateTemplate{
        {CKA_TOKEN, &yes, sizeof yes},     {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_SIGN, &yes, sizeof yes},      bytesAttribute(CKA_LABEL, label),
        bytesAttribute(CKA_ID, id)};
    CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    if (algorithm == u"rsa-2048"_qs) {
        mechanism.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
        publicTemplate << CK_ATTRIBUTE{CKA_MODULUS_BITS, &modulusBits, sizeof modulusBits}
                       << bytesAttribute(CKA_PUBLIC_EXPONENT, exponent);
    } else if (algorithm == u"ed25519"_qs) {
        mechanism.mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;
        publicTemplate << bytesAttribute(CKA_EC_PARAMS, kEd25519);
    } else if (algorithm == u"ecdsa-p256"_qs) {
        publicTemplate << bytesAttribute(CKA_EC_PARAMS, kP256);
    } else if (algorithm == u"ecdsa-p384"_qs) {
        publicTemplate << bytesAttribute(CKA_EC_PARAMS, kP384);
    } else if (algorithm == u"ecdsa-p521"_qs) {
        publicTemplate << bytesAttribute(CKA_EC_PARAMS, kP521);
    } else {
        return Error{QStringLiteral("no token key algorithm %1").arg(algorithm)};
    }
    CK_OBJECT_HANDLE publicKey = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE privateKey = CK_INVALID_HANDLE;
    if (const CK_RV rv = module->C_GenerateKeyPair(
            session->handle(), &mechanism, publicTemplate.data(), CK_ULONG(publicTemplate.size()),
            privateTemplate.data(), CK_ULONG(privateTemplate.size()), &publicKey, &privateKey);
        rv != CKR_OK)
        return pkcs11Error(QStringLiteral("C_GenerateKeyPair (%1)").arg(algorithm), rv);
    return {};
}

Status SoftHsm::removePublicKey(const QString &token, const QString &objectLabel)
{
    auto session = userSession(token, Pkcs11Session::Access::ReadWrite);
    if (!session)
        return session.error();
    CK_OBJECT_CLASS publicClass = CKO_PUBLIC_KEY;
    const QByteArray label = objectLabel.toUtf8();
    auto found = session->findObjects(
        {{CKA_CLASS, &publicClass, sizeof publicClass}, bytesAttribute(CKA_LABEL, label)}, 2);
    if (!found)
        return found.error();
    for (const CK_OBJECT_HANDLE object : *found) {
        if (const CK_RV rv = session->module()->C_DestroyObject(session->handle(), object);
            rv != CKR_OK)
            return pkcs11Error(QStringLiteral("C_DestroyObject"), rv);
    }
    return {};
}

Result<Pkcs11Session> SoftHsm::userSession(const QString &token, Pkcs11Session::Access access)
{
    auto slot = slotOf(token);
    if (!slot)
        return slot.error();
    auto session = Pkcs11Session::open(m_module->modules().first(), *slot, access);
    if (!session)
        return session.error();
    if (auto loggedIn = session->login(CKU_USER, userPin()); !loggedIn)
        return loggedIn.error();
    return session;
}

Result<bool> SoftHsm::privateKeyFlag(const QString &token, const QString &objectLabel,
                                     unsigned long attribute)
{
    auto session = userSession(token, Pkcs11Session::Access::ReadOnly);
    if (!session)
        return session.error();
    CK_OBJECT_CLASS privateClass = CKO_PRIVATE_KEY;
    const QByteArray label = objectLabel.toUtf8();
    auto found = session->findObjects(
        {{CKA_CLASS, &privateClass, sizeof privateClass}, bytesAttribute(CKA_LABEL, label)}, 2);
    if (!found)
        return found.error();
    if (found->size() != 1)
        return Error{
            QStringLiteral("%1 private keys labelled %2").arg(found->size()).arg(objectLabel)};
    auto value = session->attribute(found->first(), attribute, sizeof(CK_BBOOL));
    if (!value)
        return value.error();
    if (!*value || (*value)->size() != 1)
        return Error{QStringLiteral("the key has no attribute 0x%1").arg(attribute, 0, 16)};
    return (*value)->at(0) == char(CK_TRUE);
}

QString SoftHsm::uri(const QString &token, const QString &objectLabel)
{
    const auto escape = [](const QString &value, const QByteArray &keep = {}) {
        return QString::fromLatin1(QUrl::toPercentEncoding(value, keep));
    };
    return QStringLiteral("pkcs11:token=%1;object=%2?module-path=%3")
        .arg(escape(token), escape(objectLabel), escape(modulePath(), "/"));
}

} // namespace baton::test
