// The per-environment thread pool for async SSPI calls.
//
// Why not Napi::AsyncWorker (libuv's pool): each call there costs an async
// resource, an async_hooks init and a pool wake-up on the JS thread, ~20 µs
// under Wine, and all completions of a burst are settled in one tick; 256
// concurrent accepts held the event loop for ~10 ms. Here a submission is a
// queue push (a thread is woken only when one is idle), completions reach the
// JS thread through one thread-safe function, and at most kBatch of them are
// settled before the loop runs again (timers, I/O): further batches follow
// through setImmediate, because Node drains up to 1000 queued calls of a
// thread-safe function in one go.
#pragma once
#include <napi.h>

#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "promise_worker.h"
#include "win.h"

namespace sspi {

class Dispatcher {
 public:
  explicit Dispatcher(Napi::Env env);
  ~Dispatcher();

  // JS thread.
  void Submit(std::unique_ptr<PromiseWorker> job);
  // Environment teardown: lets running calls finish, joins the threads, drops
  // queued and undelivered jobs (their leases release their contexts).
  void Shutdown();

 private:
  static constexpr size_t kBatch = 32;

  void Loop();
  void Delivered();  // JS thread: settle up to kBatch completions
  static void CallJs(napi_env env, napi_value, void* context, void*);
  static Napi::Value DeliverMore(const Napi::CallbackInfo& info);

  Napi::Env env_;
  napi_threadsafe_function tsfn_ = nullptr;
  Napi::AsyncContext asyncContext_;
  Napi::FunctionReference setImmediate_;
  Napi::FunctionReference deliverMore_;
  const size_t threadLimit_;
  // Win32 SRW lock and condition variable, not std::mutex/condition_variable:
  // MinGW's winpthreads builds those on events, a wineserver round trip per
  // wait and wake under Wine; these are futex-based there and native on Windows.
  SRWLOCK lock_ = SRWLOCK_INIT;
  CONDITION_VARIABLE wake_ = CONDITION_VARIABLE_INIT;
  std::deque<std::unique_ptr<PromiseWorker>> queued_;
  std::deque<std::unique_ptr<PromiseWorker>> done_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
  bool deliveryPending_ = false;
  size_t inFlight_ = 0;  // JS thread only: submitted and not yet settled
};

}  // namespace sspi
