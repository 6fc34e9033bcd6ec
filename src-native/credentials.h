// CredHandle owner and its JS wrapper. Credentials are shared: every context made
// from them keeps them alive, so disposing the JS object while contexts still use
// the handle only drops the wrapper's reference.
#pragma once
#include <napi.h>

#include <memory>
#include <mutex>
#include <string>

#include "handles.h"
#include "instance.h"
#include "schannel_cred.h"

namespace sspi {

// A droppable, thread-safe reference that the env cleanup hook can release.
template <typename T>
class SharedRef : public Closable {
 public:
  explicit SharedRef(std::shared_ptr<T> value) : value_(std::move(value)) {}
  std::shared_ptr<T> get() {
    std::lock_guard<std::mutex> lock(mutex_);
    return value_;
  }
  void Close() override {
    std::shared_ptr<T> dropped;
    std::lock_guard<std::mutex> lock(mutex_);
    dropped.swap(value_);
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<T> value_;
};

class CredentialState {
 public:
  CredentialState(UniqueCredHandle handle, std::u16string package, ULONG maxToken,
                  TimeStamp expiry, std::unique_ptr<ImportedCertificate> certificate = nullptr)
      : certificate_(std::move(certificate)),
        handle_(std::move(handle)),
        package_(std::move(package)),
        maxToken_(maxToken),
        expiry_(expiry) {}

  // SSPI credential handles may be used by several calls at once.
  CredHandle* handle() { return handle_.get(); }
  const std::u16string& package() const { return package_; }
  std::string packageUtf8() const;
  ULONG maxToken() const { return maxToken_; }
  TimeStamp expiry() const { return expiry_; }

 private:
  // Declared first so it is destroyed last: the key must outlive the handle.
  std::unique_ptr<ImportedCertificate> certificate_;
  UniqueCredHandle handle_;
  std::u16string package_;
  ULONG maxToken_;
  TimeStamp expiry_;
};

class Credentials : public Napi::ObjectWrap<Credentials> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object Wrap(Napi::Env env, std::shared_ptr<CredentialState> state);
  static void Register(Napi::Env env, Napi::Object exports);

  explicit Credentials(const Napi::CallbackInfo& info);
  // GC finalizer path: drop the wrapper's reference.
  ~Credentials() override {
    if (ref_) ref_->Close();  // null when the constructor threw
  }
  // Throws ERR_SSPI_DISPOSED after dispose().
  std::shared_ptr<CredentialState> state(Napi::Env env, const char* call) const;
  static Credentials* FromValue(Napi::Value value, const char* call);

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  Napi::Value Package(const Napi::CallbackInfo& info);
  Napi::Value Expiry(const Napi::CallbackInfo& info);
  Napi::Value MaxToken(const Napi::CallbackInfo& info);

  // The wrapper's reference; dispose(), the finalizer and the env cleanup hook
  // drop it. Contexts hold their own, so the handle is freed with the last user.
  std::shared_ptr<SharedRef<CredentialState>> ref_;
};

}  // namespace sspi
