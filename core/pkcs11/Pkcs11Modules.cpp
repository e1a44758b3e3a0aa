#include "Pkcs11Modules.h"

#include "Pkcs11Error.h"
#include "Pkcs11Uri.h"
#include "common/FileIo.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cstdlib>
#include <p11-kit/p11-kit.h>
#include <utility>

namespace baton {

namespace {

/// p11-kit hands out malloc'd strings.
QString takeString(char *text)
{
    const QString copy = QString::fromUtf8(text);
    std::free(text);
    return copy;
}

QString p11KitMessage()
{
    const char *message = p11_kit_message();
    return message ? QString::fromUtf8(message) : QStringLiteral("no reason given");
}

} // namespace

Result<Pkcs11Modules> Pkcs11Modules::load(const QString &modulePath)
{
    Pkcs11Modules loaded;
    // Managed (flags 0): p11-kit reference-counts C_Initialize/C_Finalize per process, so a
    // module another part of the process uses is not finalized under it.
    loaded.m_single = p11_kit_module_load(QFile::encodeName(modulePath).constData(), 0);
    if (!loaded.m_single)
        return Error{QStringLiteral("cannot load the PKCS#11 module %1: %2")
                         .arg(modulePath, p11KitMessage())};
    if (const CK_RV rv = p11_kit_module_initialize(loaded.m_single); rv != CKR_OK) {
        p11_kit_module_release(std::exchange(loaded.m_single, nullptr));
        return pkcs11Error(
            QStringLiteral("cannot initialize the PKCS#11 module %1").arg(modulePath), rv);
    }
    loaded.m_selected = {loaded.m_single};
    return loaded;
}

Result<Pkcs11Modules> Pkcs11Modules::forUri(const Pkcs11Uri &uri)
{
    const QString path = uri.modulePath();
    if (!path.isEmpty()) {
        // Loading a module runs its code, as whoever signs: root, from the rotation timer. A URI
        // comes from a workspace or a command line, so the module it names is trusted as ssh
        // trusts a file: nobody but its owner (the caller or root) can have changed it. A bare
        // name is p11-kit's to find in its own module directory; a relative path could climb out.
        if (QDir::isAbsolutePath(path)) {
            if (!QFileInfo::exists(path))
                return Error{
                    QStringLiteral("cannot load the PKCS#11 module %1: no such file").arg(path)};
            if (auto trusted = checkNobodyElseCanWrite(path, QStringLiteral("PKCS#11 module"),
                                                       TrustedOwner::CallerOrRoot);
                !trusted)
                return trusted.error();
            // The file checked is the one loaded: a symlink on the way, in a directory another
            // user can write, could otherwise be pointed elsewhere between the check and the
            // load. Nobody else can change the canonical path's directories (just checked).
            return load(QFileInfo(path).canonicalFilePath());
        }
        if (path.contains(QLatin1Char('/')))
            return Error{QStringLiteral("module-path must be absolute, or a bare file name "
                                        "p11-kit finds in its module directory")};
        return load(path);
    }
    Pkcs11Modules loaded;
    loaded.m_registry = p11_kit_modules_load_and_initialize(0);
    if (!loaded.m_registry)
        return Error{QStringLiteral("cannot load the PKCS#11 modules p11-kit knows: %1")
                         .arg(p11KitMessage())};
    const QString name = uri.moduleName();
    for (CK_FUNCTION_LIST **module = loaded.m_registry; *module; ++module) {
        if (name.isEmpty() || takeString(p11_kit_module_get_name(*module)) == name)
            loaded.m_selected << *module;
    }
    if (loaded.m_selected.isEmpty())
        return Error{QStringLiteral("%1: p11-kit has no module named %2 (it has: %3); see "
                                    "`p11-kit list-modules`")
                         .arg(uri.text(), name, loaded.describe())};
    return loaded;
}

Pkcs11Modules::Pkcs11Modules(Pkcs11Modules &&other) noexcept
    : m_registry(std::exchange(other.m_registry, nullptr)),
      m_single(std::exchange(other.m_single, nullptr)), m_selected(std::move(other.m_selected))
{}

Pkcs11Modules &Pkcs11Modules::operator=(Pkcs11Modules &&other) noexcept
{
    if (this != &other) {
        release();
        m_registry = std::exchange(other.m_registry, nullptr);
        m_single = std::exchange(other.m_single, nullptr);
        m_selected = std::move(other.m_selected);
    }
    return *this;
}

Pkcs11Modules::~Pkcs11Modules()
{
    release();
}

void Pkcs11Modules::release()
{
    if (m_registry)
        p11_kit_modules_finalize_and_release(std::exchange(m_registry, nullptr));
    if (m_single) {
        p11_kit_module_finalize(m_single);
        p11_kit_module_release(std::exchange(m_single, nullptr));
    }
    m_selected.clear();
}

Result<QList<CK_SLOT_ID>> Pkcs11Modules::slotsWithToken(CK_FUNCTION_LIST *module)
{
    CK_ULONG count = 0;
    if (const CK_RV rv = module->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK)
        return pkcs11Error(QStringLiteral("cannot list the slots of a PKCS#11 module"), rv);
    if (count > kMaxSlots)
        return Error{QStringLiteral("a PKCS#11 module reports %1 slots with a token; at most %2 "
                                    "are searched")
                         .arg(count)
                         .arg(kMaxSlots)};
    QList<CK_SLOT_ID> slotIds(static_cast<qsizetype>(count));
    // A token inserted between the two calls makes the list longer than asked for: the module
    // answers CKR_BUFFER_TOO_SMALL, reported as such.
    if (const CK_RV rv = module->C_GetSlotList(CK_TRUE, slotIds.data(), &count); rv != CKR_OK)
        return pkcs11Error(QStringLiteral("cannot list the slots of a PKCS#11 module"), rv);
    slotIds.resize(static_cast<qsizetype>(qMin(count, CK_ULONG(slotIds.size()))));
    return slotIds;
}

QString Pkcs11Modules::describe() const
{
    QStringList names;
    if (m_single)
        names << takeString(p11_kit_module_get_filename(m_single));
    for (CK_FUNCTION_LIST **module = m_registry; module && *module; ++module)
        names << takeString(p11_kit_module_get_name(*module));
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

} // namespace baton
