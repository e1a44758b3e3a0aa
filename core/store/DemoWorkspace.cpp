#include "DemoWorkspace.h"

#include "Workspace.h"
#include "crypto/KeyCodec.h"
#include "dc/DcIssuer.h"
#include "import/Importer.h"
#include "pki/DevPki.h"

namespace baton {

namespace {

constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;

ImportedObject certificateObject(const CertificateAndKey &issued)
{
    ImportedObject object;
    object.kind = ImportedKind::Certificate;
    object.location = QStringLiteral("demo");
    object.summary = QStringLiteral("certificate %1").arg(issued.certificate.displayName());
    object.certificate = issued.certificate;
    return object;
}

ImportedObject keyObject(const CertificateAndKey &issued)
{
    ImportedObject object;
    object.kind = ImportedKind::PrivateKey;
    object.location = QStringLiteral("demo");
    object.summary = QStringLiteral("private key of %1").arg(issued.certificate.displayName());
    EVP_PKEY_up_ref(issued.key.get());
    object.privateKey = std::shared_ptr<EVP_PKEY>(issued.key.get(), EVP_PKEY_free);
    return object;
}

/// A DC issued `age` seconds before now, living `lifetime` seconds.
Status addDemoDc(Workspace &workspace, qint64 certificateId, const CertificateAndKey &leaf,
                 DcRole role, const QDateTime &now, qint64 age, qint64 lifetime)
{
    const QDateTime issuedAt = now.addSecs(-age);
    auto issued = issueDelegatedCredential({.certificate = leaf.certificate,
                                            .certificateKey = leaf.key.get(),
                                            .lifetimeSeconds = lifetime,
                                            .role = role,
                                            .now = issuedAt});
    if (!issued)
        return issued.error();
    auto id = workspace.addDc(
        certificateId, role, issued->bytes, issued->generatedKey.get(), issuedAt, issued->expiry,
        QStringLiteral("demo %1 DC for %2").arg(dcRoleName(role), leaf.certificate.displayName()));
    return id ? Status{} : Status{id.error()};
}

} // namespace

Status populateDemoWorkspace(Workspace &workspace, const QDateTime &now)
{
    auto ca = createDevCa({.commonName = QStringLiteral("Baton Demo CA"), .now = now.addDays(-30)});
    if (!ca)
        return ca.error();
    // One certificate with two months left, one ending in ten days (its DCs are shortened).
    auto edge = issueDevLeaf(
        ca->certificate, ca->key.get(),
        {.dnsNames = {QStringLiteral("edge.demo.test"), QStringLiteral("www.demo.test")},
         .ipAddresses = {},
         .days = 90,
         .now = now.addDays(-30)});
    auto api = issueDevLeaf(ca->certificate, ca->key.get(),
                            {.dnsNames = {QStringLiteral("api.demo.test")},
                             .ipAddresses = {},
                             .keySpec = certificateKeySpecByName(u"ed25519"),
                             .days = 20,
                             .client = true,
                             .now = now.addDays(-10)});
    if (!edge || !api)
        return edge ? api.error() : edge.error();
    auto imported = workspace.importObjects(
        {certificateObject(*ca), certificateObject(edge->issued), keyObject(edge->issued),
         certificateObject(api->issued), keyObject(api->issued)},
        now.addDays(-1));
    if (!imported)
        return imported.error();
    auto edgeRecord = workspace.resolveCertificate(QStringLiteral("edge.demo.test"));
    auto apiRecord = workspace.resolveCertificate(QStringLiteral("api.demo.test"));
    if (!edgeRecord || !apiRecord)
        return edgeRecord ? apiRecord.error() : edgeRecord.error();

    struct DemoDc
    {
        qint64 certificateId;
        const CertificateAndKey *leaf;
        DcRole role;
        qint64 age;
        qint64 lifetime;
    };
    const DemoDc dcs[] = {
        {edgeRecord->id, &edge->issued, DcRole::Server, 3 * kDay, kDay},       // expired 2 d ago
        {edgeRecord->id, &edge->issued, DcRole::Server, 30 * kHour, 2 * kDay}, // 18 h left
        {edgeRecord->id, &edge->issued, DcRole::Server, 2 * kHour, 6 * kDay},  // almost a week
        {apiRecord->id, &api->issued, DcRole::Server, 20 * kHour, kDay},       // 4 h left: due
        {apiRecord->id, &api->issued, DcRole::Client, kHour, 12 * kHour},
    };
    for (const DemoDc &dc : dcs) {
        if (auto ok =
                addDemoDc(workspace, dc.certificateId, *dc.leaf, dc.role, now, dc.age, dc.lifetime);
            !ok)
            return ok;
    }
    for (const auto &[id, roles] :
         {std::pair{edgeRecord->id, DcRoles::Server}, std::pair{apiRecord->id, DcRoles::Both}}) {
        if (auto ok = workspace.setPolicy(id, {.roles = roles}, now); !ok)
            return ok.error();
    }
    return {};
}

} // namespace baton
