// An AsyncWorker that settles a Promise. Shared by every thread-pool SSPI call.
#pragma once
#include <napi.h>

namespace sspi {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  PromiseWorker(Napi::Env env, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

  // When a worker_thread is terminated while a call runs, the completion comes
  // during environment teardown: Node-API calls fail there, and node-addon-api
  // turns that into a C++ throw outside any catch, which kills the process.
  // Nobody is left to receive the result, so end quietly (the SSPI handles were
  // already released on the pool thread, or by the env cleanup hook).
  void OnWorkComplete(Napi::Env env, napi_status status) override {
    try {
      Napi::AsyncWorker::OnWorkComplete(env, status);
    } catch (const Napi::Error&) {
      Destroy();
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

  Napi::Promise::Deferred deferred_;
};

}  // namespace sspi
