#pragma once

#include <QStringList>

namespace baton::test {

/// baton-bench's fleet rows (fleet_bench.cpp), after its DC rows:
///   [--fleet N] [--status-policies M] [--dir DIR]
/// N pairs imported and N policies rotated (default 1000), `status` on M policies (default
/// 10000), 0 to leave a row out; DIR where the workspaces and targets live (default a
/// temporary directory under TMPDIR), removed afterwards.
void runFleetBench(const QStringList &arguments);

} // namespace baton::test
