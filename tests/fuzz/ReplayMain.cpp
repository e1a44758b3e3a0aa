// The fuzz targets without libFuzzer: every file named (or found under a directory named) on
// the command line goes once through LLVMFuzzerTestOneInput, the same entry point a fuzzing
// campaign drives. CTest runs this over the generated seeds and the committed regression
// inputs, so the normal gcc builds (and their ASan/UBSan build) prove old findings stay fixed.

#include "FuzzSupport.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <algorithm>
#include <cstdio>

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    QStringList files;
    for (int i = 1; i < argc; ++i) {
        const QString path = QFile::decodeName(argv[i]);
        const QFileInfo info(path);
        if (info.isDir()) {
            QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << it.next();
        } else if (info.exists()) {
            files << path;
        } else {
            // A target without regression inputs yet has no directory for them.
            std::fprintf(stderr, "replay: %s: not there, skipped\n", argv[i]);
        }
    }
    std::sort(files.begin(), files.end());
    QElapsedTimer timer;
    timer.start();
    for (const QString &path : std::as_const(files)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "replay: %s: cannot read\n", qPrintable(path));
            return 2;
        }
        const QByteArray data = file.readAll();
        // Named before the call: a crash or a broken invariant aborts, and the last line
        // printed says which input did it.
        std::fprintf(stderr, "replay: %s\n", qPrintable(path));
        std::fflush(stderr);
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(data.constData()),
                               size_t(data.size()));
    }
    std::printf("replayed %lld inputs in %lld ms\n", static_cast<long long>(files.size()),
                static_cast<long long>(timer.elapsed()));
    return files.isEmpty() ? 1 : 0;
}
