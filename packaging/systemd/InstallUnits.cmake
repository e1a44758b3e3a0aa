# Installs baton-rotate.service and .timer; run by `cmake --install` (install(SCRIPT)).
# The service names batonctl by its absolute path, which depends on the prefix given at
# install time (`cmake --install --prefix`, or /usr when CPack stages a package), not the one
# configured: so the unit is written here, not at configure time.
# Set by the install(CODE) before this script: BATON_UNIT_SOURCE_DIR, BATON_UNIT_BINARY_DIR,
# BATON_INSTALL_BINDIR.

if(IS_ABSOLUTE "${BATON_INSTALL_BINDIR}")
    set(BATONCTL "${BATON_INSTALL_BINDIR}/batonctl")
else()
    set(BATONCTL "${CMAKE_INSTALL_PREFIX}/${BATON_INSTALL_BINDIR}/batonctl")
endif()
# As a word of ExecStart=: a prefix may hold spaces, quotes, "%" (a specifier) or "$" (a
# variable); /usr/bin/batonctl stays as it is.
string(REPLACE "%" "%%" BATONCTL "${BATONCTL}")
string(REPLACE "$" "$$" BATONCTL "${BATONCTL}")
if(BATONCTL MATCHES "[ \t\"'\\]")
    string(REPLACE "\\" "\\\\" BATONCTL "${BATONCTL}")
    string(REPLACE "\"" "\\\"" BATONCTL "${BATONCTL}")
    set(BATONCTL "\"${BATONCTL}\"")
endif()
configure_file("${BATON_UNIT_SOURCE_DIR}/baton-rotate.service.in"
               "${BATON_UNIT_BINARY_DIR}/baton-rotate.service" @ONLY)

# lib/systemd/system under the prefix: /usr/lib/systemd/system in the package, which systemd
# reads (and which is /lib/systemd/system on Debian 12's merged /usr). Under another prefix
# the units stay there, for `systemctl link`.
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${BATON_UNIT_BINARY_DIR}/baton-rotate.service"
           "${BATON_UNIT_SOURCE_DIR}/baton-rotate.timer")
