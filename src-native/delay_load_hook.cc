// MinGW builds import Node-API from "node.exe" through a delay-load import
// library. This hook answers that import with the host process itself, so the
// addon loads in any executable that exports Node-API (electron.exe, MyApp.exe),
// as node-gyp's win_delay_load_hook does for MSVC builds (which get that file
// from node-gyp, hence the guard).
#if defined(__MINGW32__)
// clang-format off: delayimp.h needs windows.h first.
#include <windows.h>
#include <delayimp.h>
// clang-format on
#include <string.h>

static FARPROC WINAPI LoadHostModule(unsigned int event, PDelayLoadInfo info) {
  if (event != dliNotePreLoadLibrary) return nullptr;
  if (_stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

// Overrides MinGW's default (null) hook, which lives in its own archive member.
extern "C" {
PfnDliHook __pfnDliNotifyHook2 = LoadHostModule;
}
#endif
