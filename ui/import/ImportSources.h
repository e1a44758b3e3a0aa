#pragma once

// Getting things into and out of the app by the clipboard and by dragging: what a drop or a
// paste offers to import, and the PEM an item carries when it is dragged out (into a text
// editor, a terminal, a browser's upload field, or back onto Baton).

#include "store/Workspace.h"
#include "x509/Certificate.h"

#include <QByteArray>
#include <QStringList>

class QMimeData;

namespace baton::ui {

/// Marks drags that start inside Baton. Its payload names the item ("certificate <sha256>",
/// "dc <workspace id>"), so a future drop target inside the window can tell what it got.
inline constexpr char kBatonMimeType[] = "application/x-baton-item";
/// What file managers and browsers call PEM; offered beside text/plain.
inline constexpr char kPemMimeType[] = "application/x-pem-file";

/// What a drop or the clipboard offers to import: local files, else text.
struct ImportSources
{
    QStringList files{}; ///< local paths, in the order offered
    QByteArray text{};   ///< PEM or other text; empty whenever there are files
    bool isEmpty() const { return files.isEmpty() && text.trimmed().isEmpty(); }
};

/// Local files win over text: file managers put the paths in text/plain too, and importing
/// those paths as text would find nothing. Remote URLs are not fetched (nor taken as text).
ImportSources importSourcesFrom(const QMimeData *mime);

/// The drag started inside Baton (it carries kBatonMimeType): dropping it back onto the window
/// must not import what the workspace already holds.
bool isInternalDrag(const QMimeData *mime);

/// Whether a drag is worth accepting as an import: not internal, and offering something.
bool canImport(const QMimeData *mime);

/// The certificate as PEM (text/plain and application/x-pem-file) plus the internal marker.
/// The caller owns the result (QDrag and QClipboard take ownership).
QMimeData *mimeForCertificate(const Certificate &certificate);

/// The DC as a "SERVER/CLIENT DELEGATED CREDENTIAL" PEM block, the form Baton's importer and
/// `batonctl dc verify` read, plus the internal marker. Never its key.
QMimeData *mimeForDc(const DcRecord &dc);

} // namespace baton::ui
