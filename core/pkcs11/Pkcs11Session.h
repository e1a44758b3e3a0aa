#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <optional>
#include <p11-kit/pkcs11.h>

namespace baton {

/// How every failed C_Login is reported: a token counts wrong PINs and locks after a few, so a
/// caller that signs many times (a rotation) must not try a refused PIN again.
inline constexpr char kTokenLoginFailed[] = "cannot log in to the token";

/// One session with a token, closed when this owner goes (closing a token's last session also
/// logs it out). Every length and count a module returns is bounded by the caller's limit.
class Pkcs11Session
{
public:
    enum class Access
    {
        ReadOnly,  ///< enough to log in, find objects and sign
        ReadWrite, ///< to create objects (the tests' token set-up)
    };

    static Result<Pkcs11Session> open(CK_FUNCTION_LIST *module, CK_SLOT_ID slot,
                                      Access access = Access::ReadOnly);

    Pkcs11Session(Pkcs11Session &&other) noexcept;
    Pkcs11Session &operator=(Pkcs11Session &&other) noexcept;
    ~Pkcs11Session();

    CK_FUNCTION_LIST *module() const { return m_module; }
    CK_SESSION_HANDLE handle() const { return m_handle; }

    /// C_Login as `user`; an application already logged in (another session of the process)
    /// counts as success. The PIN is only passed through, never copied.
    Status login(CK_USER_TYPE user, QByteArrayView pin);

    /// The objects matching `attributes`, at most `limit` of them (a caller that needs exactly
    /// one asks for two, to tell "one" from "several").
    Result<QList<CK_OBJECT_HANDLE>> findObjects(QList<CK_ATTRIBUTE> attributes, int limit) const;

    /// An attribute's value; nullopt when the object has no such attribute or it is sensitive;
    /// an Error when the module fails or the value exceeds `maxLength` bytes.
    Result<std::optional<QByteArray>> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
                                                qsizetype maxLength) const;

    /// C_SignInit + C_Sign of `data`; the signature may be at most `maxLength` bytes.
    Result<QByteArray> sign(CK_OBJECT_HANDLE key, CK_MECHANISM mechanism, QByteArrayView data,
                            qsizetype maxLength) const;

private:
    Pkcs11Session(CK_FUNCTION_LIST *module, CK_SESSION_HANDLE handle)
        : m_module(module), m_handle(handle)
    {}
    void close();

    CK_FUNCTION_LIST *m_module = nullptr;
    CK_SESSION_HANDLE m_handle = CK_INVALID_HANDLE;
};

} // namespace baton
