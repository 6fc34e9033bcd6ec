#include <napi.h>

#include "context.h"
#include "credentials.h"
#include "instance.h"
#include "packages.h"

namespace sspi {
void RegisterPlatform(Napi::Env env, Napi::Object exports);
}  // namespace sspi

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  sspi::Instance::Install(env);
  sspi::RegisterPlatform(env, exports);
  sspi::RegisterPackages(env, exports);
  sspi::Credentials::Register(env, exports);
  sspi::SecurityContext::Register(env, exports);
  return exports;
}

NODE_API_MODULE(sspi_native, Init)
