# Debian 12's xsimd 8.1 exports a target that links "xtl" although xtl is an
# optional dependency that Debian does not install with it. When no xtl target
# exists, drop that link so that consumers do not fail with "cannot find -lxtl".
if(TARGET xsimd AND NOT TARGET xtl)
  get_target_property(_qsim_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
  if(_qsim_xsimd_links)
    list(REMOVE_ITEM _qsim_xsimd_links xtl)
    set_target_properties(xsimd PROPERTIES INTERFACE_LINK_LIBRARIES "${_qsim_xsimd_links}")
  endif()
  unset(_qsim_xsimd_links)
endif()
