// baton: the desktop workbench for TLS delegated credentials.

#include "main/MainWindow.h"

#include <QApplication>
#include <QIcon>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Baton"));
    QApplication::setOrganizationName(QStringLiteral("Baton"));
    QApplication::setApplicationVersion(QStringLiteral(BATON_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/baton.svg")));

    baton::ui::MainWindow window;
    window.show();
    return app.exec();
}
