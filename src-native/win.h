// Windows + SSPI headers in one place, so every file sees the same macros.
#pragma once
#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <security.h>
#include <sspi.h>
// SCH_CREDENTIALS/TLS_PARAMETERS are behind this macro and need UNICODE_STRING.
#ifndef SCHANNEL_USE_BLACKLISTS
#define SCHANNEL_USE_BLACKLISTS
#endif
#include <subauth.h>
#include <schannel.h>
