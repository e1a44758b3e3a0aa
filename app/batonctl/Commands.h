#pragma once

#include <QStringList>

namespace baton::cli {

// Each takes the arguments after its command words (argv[0] replaced by the command's name,
// for help texts) and returns the process exit code.
int runDcIssue(const QStringList &arguments);
int runDcVerify(const QStringList &arguments);
int runInspect(const QStringList &arguments);
int runPkiInit(const QStringList &arguments);
int runPkiCert(const QStringList &arguments);
int runCsrNew(const QStringList &arguments);
int runExport(const QStringList &arguments);
int runBundleVerify(const QStringList &arguments);
int runWsInit(const QStringList &arguments);
int runWsImport(const QStringList &arguments);
int runWsList(const QStringList &arguments);
int runWsPasswd(const QStringList &arguments);
int runWsForgetPassphrase(const QStringList &arguments);
int runPolicySet(const QStringList &arguments);
int runTargetAdd(const QStringList &arguments);
int runCertReplace(const QStringList &arguments);
int runStatus(const QStringList &arguments);
int runRotate(const QStringList &arguments);
int runLog(const QStringList &arguments);

} // namespace baton::cli
