// EnumerateSecurityPackages / QuerySecurityPackageInfo.
#pragma once
#include <napi.h>

#include "win.h"

namespace sspi {

Napi::Object PackageInfoObject(Napi::Env env, const SecPkgInfoW* p);
void RegisterPackages(Napi::Env env, Napi::Object exports);

}  // namespace sspi
