#include "dispatcher.h"

#include <cstdlib>

#include "instance.h"

namespace sspi {

void PromiseWorker::Queue() { Instance::Get(env_)->dispatcher->Submit(std::unique_ptr<PromiseWorker>(this)); }

void PromiseWorker::Run() noexcept {
  try {
    Execute();
  } catch (const std::exception& e) {
    failure_ = e.what();
  } catch (...) {
    failure_ = "unknown native exception";
  }
}

void PromiseWorker::Complete() noexcept {
  try {
    if (!failure_.empty()) {
      deferred_.Reject(Napi::Error::New(env_, std::string(name_) + ": " + failure_).Value());
      return;
    }
    OnOK();
  } catch (const Napi::Error& e) {
    // Building the result threw (a typed error from the marshalling): reject with it.
    try {
      deferred_.Reject(e.Value());
    } catch (const Napi::Error&) {
      // The environment is going away: nobody is left to tell.
    }
  }
}

// CPU-bound SSPI calls on every core would take the JS thread's core too, and
// its event loop would stall: leave it one (1 thread on 2 cores, at most 4).
// SSPI_NATIVE_THREADS overrides (1..64).
static size_t ThreadLimit() {
  // GetEnvironmentVariable, not getenv: MSVC's /sdl makes getenv's C4996 an error.
  char v[16];
  DWORD len = GetEnvironmentVariableA("SSPI_NATIVE_THREADS", v, sizeof v);
  if (len > 0 && len < sizeof v) {
    long n = std::strtol(v, nullptr, 10);
    if (n >= 1 && n <= 64) return static_cast<size_t>(n);
  }
  unsigned cores = std::thread::hardware_concurrency();
  return cores <= 2 ? 1 : cores - 1 < 4 ? cores - 1 : 4;
}

Dispatcher::Dispatcher(Napi::Env env) : env_(env), asyncContext_(env, "sspi:call"), threadLimit_(ThreadLimit()) {
  napi_value name = Napi::String::New(env, "sspi:completions");
  napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, this, CallJs, &tsfn_);
  // Idle, the pool must not keep the process alive; Submit() refs it while calls run.
  napi_unref_threadsafe_function(env, tsfn_);
  setImmediate_ = Napi::Persistent(env.Global().Get("setImmediate").As<Napi::Function>());
  deliverMore_ = Napi::Persistent(Napi::Function::New(env, DeliverMore, "sspiDeliverMore", this));
}

Napi::Value Dispatcher::DeliverMore(const Napi::CallbackInfo& info) {
  static_cast<Dispatcher*>(info.Data())->Delivered();
  return info.Env().Undefined();
}

Dispatcher::~Dispatcher() { Shutdown(); }

namespace {
// Scoped exclusive hold of an SRW lock.
class Hold {
 public:
  explicit Hold(SRWLOCK* lock) : lock_(lock) { AcquireSRWLockExclusive(lock_); }
  ~Hold() { ReleaseSRWLockExclusive(lock_); }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;

 private:
  SRWLOCK* lock_;
};
}  // namespace

void Dispatcher::Submit(std::unique_ptr<PromiseWorker> job) {
  bool wake = false;
  {
    Hold hold(&lock_);
    // After Shutdown (environment teardown) nothing runs or settles any more,
    // and no thread may be started that nobody would join.
    if (stopping_) return;
    if (inFlight_++ == 0) napi_ref_threadsafe_function(env_, tsfn_);
    queued_.push_back(std::move(job));
    if (threads_.size() < threadLimit_ && idle_ == 0) {
      threads_.emplace_back([this] { Loop(); });
    } else {
      wake = idle_ > 0;
    }
  }
  if (wake) WakeConditionVariable(&wake_);
}

void Dispatcher::Loop() {
  AcquireSRWLockExclusive(&lock_);
  for (;;) {
    while (!stopping_ && queued_.empty()) {
      idle_++;
      SleepConditionVariableSRW(&wake_, &lock_, INFINITE, 0);
      idle_--;
    }
    if (stopping_) break;
    std::unique_ptr<PromiseWorker> job = std::move(queued_.front());
    queued_.pop_front();
    ReleaseSRWLockExclusive(&lock_);
    job->Run();
    AcquireSRWLockExclusive(&lock_);
    done_.push_back(std::move(job));
    if (!deliveryPending_ && !stopping_) {
      deliveryPending_ = true;
      // Outside the lock: waking the loop is a system call (a wineserver
      // round trip under Wine), and the JS thread may be waiting to submit.
      ReleaseSRWLockExclusive(&lock_);
      // Non-blocking: the queue is unbounded; only fails when the function is closing.
      napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
      AcquireSRWLockExclusive(&lock_);
    }
  }
  ReleaseSRWLockExclusive(&lock_);
}

void Dispatcher::CallJs(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;  // the function is being torn down
  try {
    static_cast<Dispatcher*>(context)->Delivered();
  } catch (const Napi::Error&) {
    // Scopes cannot open while the environment terminates: nobody is left to tell.
  }
}

void Dispatcher::Delivered() {
  std::deque<std::unique_ptr<PromiseWorker>> batch;
  bool more;
  {
    Hold hold(&lock_);
    while (!done_.empty() && batch.size() < kBatch) {
      batch.push_back(std::move(done_.front()));
      done_.pop_front();
    }
    more = !done_.empty();
    // With more left, stay "pending" and ask for another turn below, so the
    // event loop runs between batches.
    deliveryPending_ = more;
  }
  {
    Napi::HandleScope scope(env_);
    // Closing the outermost callback scope runs the microtasks the settlements queued.
    Napi::CallbackScope callbackScope(env_, asyncContext_);
    for (auto& job : batch) job->Complete();
  }
  inFlight_ -= batch.size();
  batch.clear();
  // Not the thread-safe function again: Node would run that call in this same
  // turn. An immediate runs after the poll phase, and timers before the next.
  if (more) {
    Napi::HandleScope scope(env_);
    setImmediate_.Call({deliverMore_.Value()});
  }
  if (inFlight_ == 0) napi_unref_threadsafe_function(env_, tsfn_);
}

void Dispatcher::Shutdown() {
  std::vector<std::thread> threads;
  {
    Hold hold(&lock_);
    if (stopping_) return;
    stopping_ = true;
    threads.swap(threads_);
  }
  WakeAllConditionVariable(&wake_);
  for (auto& t : threads) t.join();
  // Destroyed outside the lock: a job's lease may free SSPI handles.
  std::deque<std::unique_ptr<PromiseWorker>> queued, done;
  {
    Hold hold(&lock_);
    queued.swap(queued_);
    done.swap(done_);
  }
}

}  // namespace sspi
