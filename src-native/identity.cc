#include "identity.h"

#include <memory>
#include <vector>

#include "buffers.h"
#include "context.h"
#include "errors.h"
#include "strings.h"
// After win.h (via context.h): sddl.h needs windows.h first.
#include <sddl.h>

namespace sspi {
namespace {

struct HandleCloser {
  void operator()(HANDLE h) const {
    if (h) CloseHandle(h);
  }
};
using UniqueToken = std::unique_ptr<void, HandleCloser>;

// Throws the Win32 error of a failed token call as an SspiError-shaped error.
[[noreturn]] void ThrowWin32(Napi::Env env, const char* call, const std::string& package) {
  throw MakeStatusError(env, static_cast<int32_t>(HRESULT_FROM_WIN32(GetLastError())), call, package);
}

std::vector<uint8_t> TokenInfo(Napi::Env env, HANDLE token, TOKEN_INFORMATION_CLASS cls,
                               const std::string& package) {
  DWORD size = 0;
  GetTokenInformation(token, cls, nullptr, 0, &size);
  std::vector<uint8_t> data(size ? size : 1);
  if (!GetTokenInformation(token, cls, data.data(), size, &size))
    ThrowWin32(env, "GetTokenInformation", package);
  return data;
}

Napi::Object SidToJs(Napi::Env env, PSID sid) {
  Napi::Object o = Napi::Object::New(env);
  LPWSTR text = nullptr;
  if (ConvertSidToStringSidW(sid, &text)) {
    o.Set("sid", JsString(env, text));
    LocalFree(text);
  }
  wchar_t name[256], domain[256];
  DWORD nameLen = 256, domainLen = 256;
  SID_NAME_USE use;
  bool found = LookupAccountSidW(nullptr, sid, name, &nameLen, domain, &domainLen, &use);
  // Unresolvable SIDs (logon SIDs, foreign domains) are reported without a name.
  o.Set("name", found ? JsString(env, name) : env.Null());
  o.Set("domain", found ? JsString(env, domain) : env.Null());
  return o;
}

struct ImpersonationGuard {
  CtxtHandle* handle;
  ~ImpersonationGuard() { RevertSecurityContext(handle); }
};

}  // namespace

Napi::Value QueryUser(const Napi::CallbackInfo& info, SecurityContext& context) {
  Napi::Env env = info.Env();
  const char* call = "QuerySecurityContextToken";
  ContextLease lease = context.ClaimEstablished(env, call);
  HANDLE raw = nullptr;
  SECURITY_STATUS status = QuerySecurityContextToken(lease->handle(), &raw);
  UniqueToken token(raw);
  lease.Release();
  if (status != SEC_E_OK) throw MakeStatusError(env, status, call, context.package());

  std::vector<uint8_t> user = TokenInfo(env, token.get(), TokenUser, context.package());
  Napi::Object o = SidToJs(env, reinterpret_cast<TOKEN_USER*>(user.data())->User.Sid);
  std::vector<uint8_t> groups = TokenInfo(env, token.get(), TokenGroups, context.package());
  auto* g = reinterpret_cast<TOKEN_GROUPS*>(groups.data());
  Napi::Array list = Napi::Array::New(env, g->GroupCount);
  for (DWORD i = 0; i < g->GroupCount; i++) {
    Napi::Object group = SidToJs(env, g->Groups[i].Sid);
    group.Set("attributes", Napi::Number::New(env, g->Groups[i].Attributes));
    list.Set(i, group);
  }
  o.Set("groups", list);
  return o;
}

// impersonate(fn): fn runs on this thread as the client; revert happens on every
// path, before control returns to JS, so no impersonated event loop is left.
Napi::Value Impersonate(const Napi::CallbackInfo& info, SecurityContext& context) {
  Napi::Env env = info.Env();
  const char* call = "ImpersonateSecurityContext";
  if (!info[0].IsFunction()) ThrowInvalidArgument(env, call, "impersonate() needs a function");
  ContextLease lease = context.ClaimEstablished(env, call);
  SECURITY_STATUS status = ImpersonateSecurityContext(lease->handle());
  if (status != SEC_E_OK) throw MakeStatusError(env, status, call, context.package());
  Napi::Value result;
  {
    ImpersonationGuard guard{lease->handle()};
    result = info[0].As<Napi::Function>().Call({});
  }
  if (result.IsPromise())
    ThrowInvalidArgument(env, call,
                         "the impersonation callback must be synchronous: it was reverted when it returned");
  return result;
}

// completeAuthToken(buffers)
Napi::Value CompleteToken(const Napi::CallbackInfo& info, SecurityContext& context) {
  Napi::Env env = info.Env();
  const char* call = "CompleteAuthToken";
  BufferList buffers = BufferList::FromJs(env, info[0], call);
  ContextLease lease = context.ClaimEstablished(env, call);
  SECURITY_STATUS status = CompleteAuthToken(lease->handle(), buffers.desc());
  lease.Release();
  Napi::Object o = Napi::Object::New(env);
  o.Set("status", Napi::Number::New(env, static_cast<uint32_t>(status)));
  o.Set("buffers", BufferList::ToJs(env, buffers.Capture(FAILED(status))));
  return o;
}

}  // namespace sspi
