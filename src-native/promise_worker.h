// A thread-pool SSPI call that settles a Promise. Shared by every async call.
// Runs on the environment's Dispatcher (dispatcher.h), not on libuv's pool.
#pragma once
#include <napi.h>

#include <string>

namespace sspi {

class PromiseWorker {
 public:
  virtual ~PromiseWorker() = default;
  PromiseWorker(const PromiseWorker&) = delete;
  PromiseWorker& operator=(const PromiseWorker&) = delete;

  Napi::Promise Promise() { return deferred_.Promise(); }
  // Hands the worker to the environment's dispatcher, which owns it from here.
  void Queue();

  // On a dispatcher thread. Must not touch JS.
  virtual void Execute() = 0;
  // On the JS thread, inside a callback scope: settle deferred_.
  virtual void OnOK() = 0;

  // Dispatcher use: Execute() with exceptions caught; then OnOK() or a rejection.
  void Run() noexcept;
  void Complete() noexcept;

 protected:
  PromiseWorker(Napi::Env env, const char* name) : env_(env), name_(name), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Env Env() const { return env_; }

  Napi::Env env_;
  const char* name_;
  Napi::Promise::Deferred deferred_;

 private:
  std::string failure_;
};

}  // namespace sspi
