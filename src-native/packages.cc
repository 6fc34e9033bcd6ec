#include "packages.h"

#include "errors.h"
#include "handles.h"
#include "strings.h"

namespace sspi {

Napi::Object PackageInfoObject(Napi::Env env, const SecPkgInfoW* p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", JsString(env, p->Name));
  o.Set("comment", JsString(env, p->Comment));
  o.Set("capabilities", Napi::Number::New(env, p->fCapabilities));
  o.Set("version", Napi::Number::New(env, p->wVersion));
  o.Set("rpcId", Napi::Number::New(env, p->wRPCID));
  o.Set("maxToken", Napi::Number::New(env, p->cbMaxToken));
  return o;
}

namespace {

Napi::Value EnumeratePackages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ULONG count = 0;
  PSecPkgInfoW raw = nullptr;
  SECURITY_STATUS status = EnumerateSecurityPackagesW(&count, &raw);
  UniqueContextBuffer<SecPkgInfoW> packages(raw);
  if (status != SEC_E_OK) throw MakeStatusError(env, status, "EnumerateSecurityPackages", "");
  Napi::Array array = Napi::Array::New(env, count);
  for (ULONG i = 0; i < count; i++) array.Set(i, PackageInfoObject(env, &raw[i]));
  return array;
}

Napi::Value QueryPackageInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* call = "QuerySecurityPackageInfo";
  std::u16string name = RequiredString(env, info[0], call, "package");
  PSecPkgInfoW raw = nullptr;
  SECURITY_STATUS status = QuerySecurityPackageInfoW(Wide(name), &raw);
  UniqueContextBuffer<SecPkgInfoW> package(raw);
  if (status != SEC_E_OK) throw MakeStatusError(env, status, call, Utf8(name));
  return PackageInfoObject(env, raw);
}

}  // namespace

void RegisterPackages(Napi::Env env, Napi::Object exports) {
  exports.Set("enumeratePackages", Napi::Function::New<EnumeratePackages>(env));
  exports.Set("queryPackageInfo", Napi::Function::New<QueryPackageInfo>(env));
}

}  // namespace sspi
