# `cmake --install BUILD --prefix P`: libspotauth for other programs. Installs the library layers
# (core, http, spotify, store, and the compiled Asio/Beast they share) as static libraries, the
# headers their public interface needs under include/spotauth/, a CMake package
# (find_package(spotauth CONFIG) → spotauth::spotauth, spotauth::store, ...) and pkg-config files
# (spotauth, spotauth-store). The server, the stand-in Spotify and the CLI stay out: they are the
# program, not the library. docs/library.md describes the result.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# spotauth::spotauth: what a program that signs users in and calls the Web API links.
add_library(spotauth_library INTERFACE)
target_link_libraries(spotauth_library INTERFACE spotauth_core spotauth_http spotauth_spotify)
set_target_properties(spotauth_library PROPERTIES EXPORT_NAME spotauth)
foreach(layer boost core http spotify store)
  set_target_properties(spotauth_${layer} PROPERTIES EXPORT_NAME ${layer})
endforeach()
set_target_properties(spotauth_boost PROPERTIES EXPORT_NAME asio_beast)

install(TARGETS spotauth_boost spotauth_core spotauth_http spotauth_spotify spotauth_store
                spotauth_library
        EXPORT spotauthTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/spotauth)

# Headers: every public header of core/ and store/; of http/ the client side; of spotify/ all
# but the wire helpers the two clients share internally.
file(GLOB core_headers ${CMAKE_SOURCE_DIR}/src/core/*.h)
file(GLOB store_headers ${CMAKE_SOURCE_DIR}/src/store/*.h)
set(http_headers client.h beast_http_client.h upstream_connection.h forward_proxy.h request_url.h message.h preset_fields.h loopback.h)
list(TRANSFORM http_headers PREPEND ${CMAKE_SOURCE_DIR}/src/http/)
set(spotify_headers accounts.h api.h token_file.h fresh_token_file.h)
list(TRANSFORM spotify_headers PREPEND ${CMAKE_SOURCE_DIR}/src/spotify/)
set(include_dir ${CMAKE_INSTALL_INCLUDEDIR}/spotauth)
install(FILES ${core_headers} DESTINATION ${include_dir}/core)
install(FILES ${http_headers} DESTINATION ${include_dir}/http)
install(FILES ${spotify_headers} DESTINATION ${include_dir}/spotify)
install(FILES ${store_headers} DESTINATION ${include_dir}/store)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/spotauth)
install(EXPORT spotauthTargets NAMESPACE spotauth:: DESTINATION ${config_dir})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/spotauthConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/spotauthConfig.cmake
                              INSTALL_DESTINATION ${config_dir})
# 0.x: a new minor version may change the interface.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/spotauthConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/spotauthConfig.cmake
              ${CMAKE_BINARY_DIR}/spotauthConfigVersion.cmake
        DESTINATION ${config_dir})

# pkg-config files that work wherever the prefix is moved: the prefix is found from the file.
file(RELATIVE_PATH SPOTAUTH_PC_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" SPOTAUTH_PC_PREFIX "${SPOTAUTH_PC_PREFIX}")
foreach(pc spotauth spotauth-store)
  configure_file(${CMAKE_SOURCE_DIR}/cmake/${pc}.pc.in ${CMAKE_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
