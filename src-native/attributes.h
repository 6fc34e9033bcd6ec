// QueryContextAttributes: each supported attribute becomes a plain JS object;
// strings and memory SSPI allocated are copied and freed here.
#pragma once
#include <napi.h>

#include <string>

#include "win.h"

namespace sspi {

Napi::Value QueryContextAttribute(Napi::Env env, CtxtHandle* handle, uint32_t attribute,
                                  const std::string& package);

}  // namespace sspi
