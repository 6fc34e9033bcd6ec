#include "errors.h"

#include "instance.h"

namespace sspi {
namespace {

constexpr uint32_t kSecEInvalidParameter = 0x8009035D;

Napi::Error Construct(Napi::Env env, const std::string& message, Napi::Object details) {
  Instance* instance = Instance::Get(env);
  if (instance && !instance->errorClass.IsEmpty()) {
    Napi::Value error = instance->errorClass.New({Napi::String::New(env, message), details});
    return Napi::Error(env, error);
  }
  // Only before the TS layer registered its class: still carry the fields.
  Napi::Error error = Napi::Error::New(env, message);
  for (const auto& key : {"code", "status", "call", "package"})
    if (details.Has(key)) error.Value().Set(key, details.Get(key));
  return error;
}

}  // namespace

Napi::Error MakeError(Napi::Env env, const std::string& code, uint32_t status,
                      const std::string& call, const std::string& message) {
  Napi::Object details = Napi::Object::New(env);
  details.Set("code", code);
  details.Set("status", Napi::Number::New(env, status));
  details.Set("call", call);
  return Construct(env, message, details);
}

Napi::Error MakeStatusError(Napi::Env env, int32_t status, const std::string& call,
                            const std::string& package) {
  Napi::Object details = Napi::Object::New(env);
  details.Set("status", Napi::Number::New(env, static_cast<uint32_t>(status)));
  details.Set("call", call);
  if (!package.empty()) details.Set("package", package);
  return Construct(env, "", details);
}

void ThrowInvalidArgument(Napi::Env env, const std::string& call, const std::string& message) {
  throw MakeError(env, kInvalidArgument, kSecEInvalidParameter, call, message);
}

}  // namespace sspi
