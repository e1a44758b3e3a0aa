# nss_peer: an independent NSS-based TLS 1.3 peer for delegated-credential
# interop tests (see nss_peer.cpp). Include from tests/interop/CMakeLists.txt.
find_package(PkgConfig REQUIRED)
pkg_check_modules(NSS REQUIRED IMPORTED_TARGET nss)
add_executable(nss_peer ${CMAKE_CURRENT_LIST_DIR}/nss_peer.cpp)
target_link_libraries(nss_peer PRIVATE PkgConfig::NSS)
