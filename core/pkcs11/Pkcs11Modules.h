#pragma once

#include "common/Result.h"

#include <QList>
#include <QString>
#include <p11-kit/pkcs11.h>

namespace baton {

class Pkcs11Uri;

/// PKCS#11 modules loaded and initialized through p11-kit, finalized and released when this
/// owner goes. p11-kit shares a module between the owners in a process (its managed modules),
/// so two owners never finalize each other's module.
class Pkcs11Modules
{
public:
    /// The modules a URI may name a key in: the one at its module-path, else those of p11-kit's
    /// registry (pkcs11.conf, /usr/share/p11-kit/modules), narrowed to its module-name.
    static Result<Pkcs11Modules> forUri(const Pkcs11Uri &uri);
    /// One module by its file name (p11-kit resolves a relative one in its module directory).
    static Result<Pkcs11Modules> load(const QString &modulePath);

    Pkcs11Modules(Pkcs11Modules &&other) noexcept;
    Pkcs11Modules &operator=(Pkcs11Modules &&other) noexcept;
    ~Pkcs11Modules();

    /// The modules to search, in p11-kit's order.
    const QList<CK_FUNCTION_LIST *> &modules() const { return m_selected; }
    /// What the modules are, for an error that found nothing: "softhsm2, opensc-pkcs11".
    QString describe() const;

    /// The slots of `module` that hold a token, at most kMaxSlots of them.
    static Result<QList<CK_SLOT_ID>> slotsWithToken(CK_FUNCTION_LIST *module);
    /// More readers than a machine running Baton has: a bound, not a limit anyone meets.
    static constexpr CK_ULONG kMaxSlots = 256;

private:
    Pkcs11Modules() = default;
    void release();

    CK_FUNCTION_LIST **m_registry = nullptr; ///< from p11_kit_modules_load_and_initialize
    CK_FUNCTION_LIST *m_single = nullptr;    ///< from p11_kit_module_load
    QList<CK_FUNCTION_LIST *> m_selected;
};

} // namespace baton
