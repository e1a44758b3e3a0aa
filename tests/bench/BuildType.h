#pragma once

// What a benchmark says about the build it runs in. BATON_BUILD_TYPE comes from CMake.

#include <cstdio>
#include <cstring>

/// Figures from an unoptimized build are not what users get: say so before printing any.
inline void warnIfUnoptimized()
{
    if (std::strcmp(BATON_BUILD_TYPE, "Release") != 0 &&
        std::strcmp(BATON_BUILD_TYPE, "RelWithDebInfo") != 0)
        std::printf("WARNING: a %s build, not optimized; packages are built RelWithDebInfo "
                    "(cmake --preset ci). These figures overstate what users see.\n",
                    BATON_BUILD_TYPE);
}
