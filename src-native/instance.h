// Per-environment state: each Node environment (main thread, every worker_thread)
// gets its own, so nothing here is a static that outlives or crosses environments.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "dispatcher.h"

namespace sspi {

// Counted where handles are created and freed; shared with handle owners that may
// outlive the environment (a thread-pool call finishing after a worker exits).
struct HandleCounters {
  std::atomic<int64_t> credentials{0};
  std::atomic<int64_t> contexts{0};
};

// Something holding SSPI handles that the environment cleanup hook must close.
class Closable {
 public:
  virtual ~Closable() = default;
  // Idempotent; frees now, or when the call in flight finishes.
  virtual void Close() = 0;
};

class Instance {
 public:
  static Instance* Get(Napi::Env env);
  static void Install(Napi::Env env);

  Napi::FunctionReference errorClass;
  Napi::FunctionReference credentialsClass;
  Napi::FunctionReference contextClass;
  std::shared_ptr<HandleCounters> counters = std::make_shared<HandleCounters>();
  std::unique_ptr<Dispatcher> dispatcher;

  void Track(const std::shared_ptr<Closable>& item);
  // Closes every tracked handle: the env cleanup hook, before GC finalizers could run.
  void CloseAll();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Closable>> tracked_;
};

}  // namespace sspi
