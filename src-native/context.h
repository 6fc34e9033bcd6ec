// CtxtHandle owner and its JS wrapper. SSPI contexts are not thread-safe, so every
// call claims the context first: a second call while one runs is refused (the TS
// layer queues), and a close while a call runs is deferred until it finishes.
#pragma once
#include <napi.h>

#include <memory>
#include <mutex>
#include <string>

#include "credentials.h"
#include "handles.h"
#include "instance.h"

namespace sspi {

class ContextState : public Closable {
 public:
  ContextState(std::shared_ptr<CredentialState> credentials, bool server)
      : credentials_(std::move(credentials)), server_(server) {}

  enum class Claim { kOk, kClosed, kBusy };
  Claim TryClaim();
  // Ends the claim; performs a close requested meanwhile.
  void Release();
  void Close() override;

  // Only while claimed.
  CtxtHandle* handle() { return handle_.get(); }
  void Adopt(CtxtHandle h, std::shared_ptr<HandleCounters> counters) {
    handle_ = UniqueCtxtHandle(h, std::move(counters));
  }
  CredentialState* credentials() { return credentials_.get(); }
  bool server() const { return server_; }
  bool closed();
  bool busy();

 private:
  void FreeLocked();

  std::mutex mutex_;
  bool busy_ = false;
  bool closeRequested_ = false;
  UniqueCtxtHandle handle_;
  std::shared_ptr<CredentialState> credentials_;
  bool server_;
};

// Holds a claim; releases it when destroyed, so no path can leave a context busy.
class ContextLease {
 public:
  ContextLease() = default;
  explicit ContextLease(std::shared_ptr<ContextState> state) : state_(std::move(state)) {}
  ContextLease(ContextLease&&) = default;
  ContextLease& operator=(ContextLease&& other) {
    Release();
    state_ = std::move(other.state_);
    return *this;
  }
  ~ContextLease() { Release(); }
  ContextState* operator->() { return state_.get(); }
  ContextState& get() { return *state_; }
  void Release() {
    if (state_) std::exchange(state_, nullptr)->Release();
  }

 private:
  std::shared_ptr<ContextState> state_;
};

class SecurityContext : public Napi::ObjectWrap<SecurityContext> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit SecurityContext(const Napi::CallbackInfo& info);
  // GC finalizer path: close now, or when the call in flight finishes.
  ~SecurityContext() override {
    if (state_) state_->Close();  // null when the constructor threw
  }

  // Claims the context for one call, or throws ERR_SSPI_DISPOSED / ERR_SSPI_BUSY.
  ContextLease Claim(Napi::Env env, const char* call);
  // Claim() for calls that need the handle a first accept/initialize created;
  // throws ERR_SSPI_INVALID_ARGUMENT when there is none yet.
  ContextLease ClaimEstablished(Napi::Env env, const char* call);
  const std::string& package() const { return package_; }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info, bool server, bool async);
  Napi::Value AcceptSync(const Napi::CallbackInfo& info);
  Napi::Value AcceptAsync(const Napi::CallbackInfo& info);
  Napi::Value InitializeSync(const Napi::CallbackInfo& info);
  Napi::Value InitializeAsync(const Napi::CallbackInfo& info);
  Napi::Value QueryAttribute(const Napi::CallbackInfo& info);
  Napi::Value MakeSignature(const Napi::CallbackInfo& info);
  Napi::Value VerifySignature(const Napi::CallbackInfo& info);
  Napi::Value Encrypt(const Napi::CallbackInfo& info);
  Napi::Value Decrypt(const Napi::CallbackInfo& info);
  Napi::Value MessageAsync(const Napi::CallbackInfo& info);
  Napi::Value ApplyControl(const Napi::CallbackInfo& info);
  Napi::Value QueryUser(const Napi::CallbackInfo& info);
  Napi::Value Impersonate(const Napi::CallbackInfo& info);
  Napi::Value CompleteToken(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  Napi::Value IsBusy(const Napi::CallbackInfo& info);

  std::shared_ptr<ContextState> state_;
  std::string package_;
};

}  // namespace sspi
