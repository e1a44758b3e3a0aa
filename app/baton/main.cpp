// baton: the desktop workbench for TLS delegated credentials.

#include "import/ImportSources.h"
#include "main/MainWindow.h"
#include "session/WorkspaceSession.h"

#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Baton"));
    QApplication::setOrganizationName(QStringLiteral("Baton"));
    QApplication::setApplicationVersion(QStringLiteral(BATON_VERSION));
    // Matches the window to its .desktop file and icon under Wayland (packaging/desktop).
    QGuiApplication::setDesktopFileName(QStringLiteral("dev.baton.Baton"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/baton.svg")));

    baton::ui::MainWindow window;
    // The default workspace when there is one; the first screen offers to make one otherwise.
    const QString path = baton::Workspace::defaultPath();
    if (QFileInfo::exists(path)) {
        if (const baton::Status opened = window.session()->open(path); !opened)
            QMessageBox::warning(&window, QObject::tr("Open workspace"), opened.errorMessage());
    }
    window.show();
    // `baton FILE...` (a double-click in a file manager) opens the files in the import preview.
    const QStringList files = QApplication::arguments().mid(1);
    if (!files.isEmpty())
        QTimer::singleShot(0, &window,
                           [&window, files] { window.importSources({.files = files}); });
    return app.exec();
}
