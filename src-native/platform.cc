// Facts about the host the addon runs in: the build's Node-API version, the
// architecture, and whether the "Windows" is Wine (whose SSPI lacks features).
#include <napi.h>

#include "instance.h"
#include "win.h"

namespace sspi {
namespace {

Napi::Value WineVersion(Napi::Env env) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (!ntdll) return env.Null();
  using GetVersion = const char*(__cdecl*)();
  auto get = reinterpret_cast<GetVersion>(reinterpret_cast<void*>(GetProcAddress(ntdll, "wine_get_version")));
  if (!get) return env.Null();
  return Napi::String::New(env, get());
}

const char* Arch() {
#if defined(_M_ARM64) || defined(__aarch64__)
  return "arm64";
#elif defined(_M_X64) || defined(__x86_64__)
  return "x64";
#else
  return "ia32";
#endif
}

Napi::Value Platform(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  o.Set("arch", Arch());
  o.Set("wineVersion", WineVersion(env));
#if defined(__MINGW32__)
  o.Set("compiler", "mingw-w64 gcc " __VERSION__);
#elif defined(_MSC_VER)
  o.Set("compiler", "msvc " + std::to_string(_MSC_VER));
#endif
  return o;
}

Napi::Value LiveHandles(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& counters = *Instance::Get(env)->counters;
  Napi::Object o = Napi::Object::New(env);
  o.Set("credentials", Napi::Number::New(env, static_cast<double>(counters.credentials.load())));
  o.Set("contexts", Napi::Number::New(env, static_cast<double>(counters.contexts.load())));
  return o;
}

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "setErrorClass expects a constructor");
  Instance::Get(env)->errorClass = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

}  // namespace

void RegisterPlatform(Napi::Env env, Napi::Object exports) {
  exports.Set("platform", Napi::Function::New<Platform>(env));
  exports.Set("liveHandles", Napi::Function::New<LiveHandles>(env));
  exports.Set("setErrorClass", Napi::Function::New<SetErrorClass>(env));
}

}  // namespace sspi
