#include "instance.h"

namespace sspi {

Instance* Instance::Get(Napi::Env env) { return env.GetInstanceData<Instance>(); }

void Instance::Install(Napi::Env env) {
  auto* instance = new Instance();
  instance->dispatcher = std::make_unique<Dispatcher>(env);
  env.SetInstanceData<Instance>(instance);
  // Runs at environment teardown (process exit, worker termination) before the
  // instance data is finalized; ObjectWrap finalizers may run later or not at all.
  // Calls still running finish first (their handles are then freed by CloseAll's
  // deferred close), queued ones are dropped.
  napi_add_env_cleanup_hook(
      env,
      [](void* data) {
        auto* self = static_cast<Instance*>(data);
        self->dispatcher->Shutdown();
        self->CloseAll();
      },
      instance);
}

void Instance::Track(const std::shared_ptr<Closable>& item) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Prune dead entries when the list doubles, so tracking stays O(1) amortised.
  if (tracked_.size() >= 64 && tracked_.size() == tracked_.capacity()) {
    std::vector<std::weak_ptr<Closable>> live;
    for (auto& weak : tracked_)
      if (!weak.expired()) live.push_back(weak);
    tracked_.swap(live);
  }
  tracked_.push_back(item);
}

void Instance::CloseAll() {
  std::vector<std::weak_ptr<Closable>> items;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    items.swap(tracked_);
  }
  for (auto& weak : items)
    if (auto item = weak.lock()) item->Close();
}

}  // namespace sspi
