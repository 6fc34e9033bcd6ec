#include "credentials.h"

#include "errors.h"
#include "promise_worker.h"
#include "schannel_cred.h"
#include "strings.h"

namespace sspi {
namespace {

struct AcquireArgs {
  std::u16string package;
  ULONG use = 0;
  bool hasPrincipal = false;
  std::u16string principal;
  bool hasIdentity = false;
  std::u16string user, domain, password;
  SchannelOptions schannel;

  AcquireArgs() = default;
  AcquireArgs(AcquireArgs&&) = default;
  ~AcquireArgs() { Wipe(password); }
};

struct AcquireResult {
  SECURITY_STATUS status = SEC_E_OK;
  const char* call = "AcquireCredentialsHandle";
  std::string libraryCode;  // the library refused before SSPI; message says why
  std::string message;
  std::shared_ptr<CredentialState> state;
};

AcquireArgs ParseAcquireArgs(const Napi::CallbackInfo& info, const char* call) {
  Napi::Env env = info.Env();
  AcquireArgs a;
  a.package = RequiredString(env, info[0], call, "package");
  a.use = RequiredUint32(env, info[1], call, "use");
  if (a.use == 0 || (a.use & ~0x3u) != 0)
    ThrowInvalidArgument(env, call, "use must be INBOUND (1), OUTBOUND (2) or BOTH (3)");
  a.hasPrincipal = OptionalString(env, info[2], call, "principal", &a.principal);
  bool hasUser = OptionalString(env, info[3], call, "user", &a.user);
  bool hasDomain = OptionalString(env, info[4], call, "domain", &a.domain);
  bool hasPassword = OptionalString(env, info[5], call, "password", &a.password);
  a.hasIdentity = hasUser || hasDomain || hasPassword;
  a.schannel = ParseSchannelOptions(env, info[6], call);
  if (a.schannel.present && a.hasIdentity)
    ThrowInvalidArgument(env, call, "schannel options and user/domain/password exclude each other");
  return a;
}

// Runs on any thread.
AcquireResult Acquire(AcquireArgs& a, std::shared_ptr<HandleCounters> counters) {
  AcquireResult r;
  SEC_WINNT_AUTH_IDENTITY_W identity{};
  if (a.hasIdentity) {
    identity.User = reinterpret_cast<unsigned short*>(a.user.empty() ? nullptr : Wide(a.user));
    identity.UserLength = static_cast<unsigned long>(a.user.size());
    identity.Domain = reinterpret_cast<unsigned short*>(a.domain.empty() ? nullptr : Wide(a.domain));
    identity.DomainLength = static_cast<unsigned long>(a.domain.size());
    identity.Password =
        reinterpret_cast<unsigned short*>(a.password.empty() ? nullptr : Wide(a.password));
    identity.PasswordLength = static_cast<unsigned long>(a.password.size());
    identity.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
  }
  CredHandle handle{};
  TimeStamp expiry{};
  std::unique_ptr<ImportedCertificate> certificate;
  if (a.schannel.present) {
    SchannelAcquireResult s = AcquireSchannel(a.schannel, Wide(a.package), a.use,
                                              a.hasPrincipal ? Wide(a.principal) : nullptr,
                                              &handle, &expiry);
    r.status = s.status;
    r.call = s.call;
    r.libraryCode = std::move(s.libraryCode);
    r.message = std::move(s.message);
    certificate = std::move(s.certificate);
  } else {
    r.status = AcquireCredentialsHandleW(a.hasPrincipal ? Wide(a.principal) : nullptr,
                                         Wide(a.package), a.use, nullptr,
                                         a.hasIdentity ? &identity : nullptr, nullptr, nullptr,
                                         &handle, &expiry);
  }
  Wipe(a.password);
  if (r.status != SEC_E_OK) return r;
  UniqueCredHandle owned(handle, std::move(counters));
  PSecPkgInfoW raw = nullptr;
  SECURITY_STATUS s = QuerySecurityPackageInfoW(Wide(a.package), &raw);
  UniqueContextBuffer<SecPkgInfoW> info(raw);
  if (s != SEC_E_OK) {
    r.status = s;
    r.call = "QuerySecurityPackageInfo";
    return r;
  }
  r.state = std::make_shared<CredentialState>(std::move(owned), a.package, info->cbMaxToken, expiry,
                                              std::move(certificate));
  return r;
}

Napi::Value Finish(Napi::Env env, AcquireResult& r, const std::u16string& package) {
  if (!r.libraryCode.empty())
    throw MakeError(env, r.libraryCode, static_cast<uint32_t>(r.status), r.call, r.message);
  if (r.status != SEC_E_OK) throw MakeStatusError(env, r.status, r.call, Utf8(package));
  return Credentials::Wrap(env, std::move(r.state));
}

class AcquireWorker : public PromiseWorker {
 public:
  AcquireWorker(Napi::Env env, AcquireArgs args)
      : PromiseWorker(env, "sspi:AcquireCredentialsHandle"),
        args_(std::move(args)),
        counters_(Instance::Get(env)->counters) {}
  void Execute() override { result_ = Acquire(args_, counters_); }
  void OnOK() override {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(Finish(env, result_, args_.package));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  AcquireArgs args_;
  std::shared_ptr<HandleCounters> counters_;
  AcquireResult result_;
};

Napi::Value AcquireSync(const Napi::CallbackInfo& info) {
  AcquireArgs args = ParseAcquireArgs(info, "AcquireCredentialsHandle");
  AcquireResult r = Acquire(args, Instance::Get(info.Env())->counters);
  return Finish(info.Env(), r, args.package);
}

Napi::Value AcquireAsync(const Napi::CallbackInfo& info) {
  auto* worker = new AcquireWorker(info.Env(), ParseAcquireArgs(info, "AcquireCredentialsHandle"));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

std::string CredentialState::packageUtf8() const { return Utf8(package_); }

Napi::Function Credentials::Define(Napi::Env env) {
  return DefineClass(env, "NativeCredentials",
                     {
                         InstanceMethod<&Credentials::Dispose>("dispose"),
                         InstanceAccessor<&Credentials::IsDisposed>("disposed"),
                         InstanceAccessor<&Credentials::Package>("package"),
                         InstanceAccessor<&Credentials::Expiry>("expiry"),
                         InstanceAccessor<&Credentials::MaxToken>("maxToken"),
                     });
}

void Credentials::Register(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = Define(env);
  Instance::Get(env)->credentialsClass = Napi::Persistent(cls);
  exports.Set("NativeCredentials", cls);
  exports.Set("acquireCredentialsSync", Napi::Function::New<AcquireSync>(env));
  exports.Set("acquireCredentials", Napi::Function::New<AcquireAsync>(env));
}

Napi::Object Credentials::Wrap(Napi::Env env, std::shared_ptr<CredentialState> state) {
  auto* holder = new std::shared_ptr<CredentialState>(std::move(state));
  auto external = Napi::External<std::shared_ptr<CredentialState>>::New(
      env, holder, [](Napi::Env, std::shared_ptr<CredentialState>* p) { delete p; });
  return Instance::Get(env)->credentialsClass.New({external});
}

Credentials::Credentials(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Credentials>(info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsExternal())
    throw MakeError(env, kInvalidArgument, 0x8009035D, "AcquireCredentialsHandle",
                    "NativeCredentials are created by acquireCredentials(), not by new");
  auto* state = info[0].As<Napi::External<std::shared_ptr<CredentialState>>>().Data();
  // Move out: the External lives until GC, and must not keep the handle alive.
  if (!*state) ThrowInvalidArgument(env, "AcquireCredentialsHandle", "credentials already wrapped");
  ref_ = std::make_shared<SharedRef<CredentialState>>(std::move(*state));
  Instance::Get(env)->Track(ref_);
}

std::shared_ptr<CredentialState> Credentials::state(Napi::Env env, const char* call) const {
  auto s = ref_->get();
  if (!s) throw MakeError(env, kDisposed, 0x80090301, call, "credentials have been disposed");
  return s;
}

Credentials* Credentials::FromValue(Napi::Value value, const char* call) {
  Napi::Env env = value.Env();
  Instance* instance = Instance::Get(env);
  if (!value.IsObject() ||
      !value.As<Napi::Object>().InstanceOf(instance->credentialsClass.Value()))
    ThrowInvalidArgument(env, call, "credentials must be a NativeCredentials object");
  return Napi::ObjectWrap<Credentials>::Unwrap(value.As<Napi::Object>());
}

Napi::Value Credentials::Dispose(const Napi::CallbackInfo& info) {
  ref_->Close();
  return info.Env().Undefined();
}

Napi::Value Credentials::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !ref_->get());
}

Napi::Value Credentials::Package(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), state(info.Env(), "package")->packageUtf8());
}

Napi::Value Credentials::Expiry(const Napi::CallbackInfo& info) {
  return JsTime(info.Env(), state(info.Env(), "expiry")->expiry());
}

Napi::Value Credentials::MaxToken(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), state(info.Env(), "maxToken")->maxToken());
}

}  // namespace sspi
