// Move-only owners for SSPI handles. A handle is freed exactly once, by Reset()
// or the destructor; copies are impossible, moves leave the source empty.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

#include "instance.h"
#include "win.h"

namespace sspi {

template <typename Traits>
class UniqueSspiHandle {
 public:
  using Handle = typename Traits::Handle;

  UniqueSspiHandle() = default;
  UniqueSspiHandle(Handle handle, std::shared_ptr<HandleCounters> counters)
      : handle_(handle), valid_(true), counters_(std::move(counters)) {
    ++Traits::Counter(*counters_);
  }
  UniqueSspiHandle(const UniqueSspiHandle&) = delete;
  UniqueSspiHandle& operator=(const UniqueSspiHandle&) = delete;
  UniqueSspiHandle(UniqueSspiHandle&& other) noexcept { *this = std::move(other); }
  UniqueSspiHandle& operator=(UniqueSspiHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = other.handle_;
      valid_ = std::exchange(other.valid_, false);
      counters_ = std::move(other.counters_);
    }
    return *this;
  }
  ~UniqueSspiHandle() { Reset(); }

  bool valid() const { return valid_; }
  Handle* get() { return valid_ ? &handle_ : nullptr; }

  void Reset() {
    if (!valid_) return;
    valid_ = false;
    Traits::Free(&handle_);
    --Traits::Counter(*counters_);
  }

 private:
  Handle handle_{};
  bool valid_ = false;
  std::shared_ptr<HandleCounters> counters_;
};

struct CredentialTraits {
  using Handle = CredHandle;
  static void Free(CredHandle* h) { FreeCredentialsHandle(h); }
  static std::atomic<int64_t>& Counter(HandleCounters& c) { return c.credentials; }
};

struct ContextTraits {
  using Handle = CtxtHandle;
  static void Free(CtxtHandle* h) { DeleteSecurityContext(h); }
  static std::atomic<int64_t>& Counter(HandleCounters& c) { return c.contexts; }
};

using UniqueCredHandle = UniqueSspiHandle<CredentialTraits>;
using UniqueCtxtHandle = UniqueSspiHandle<ContextTraits>;

// Memory SSPI allocated for us (FreeContextBuffer).
struct ContextBufferDeleter {
  void operator()(void* p) const {
    if (p) FreeContextBuffer(p);
  }
};
template <typename T>
using UniqueContextBuffer = std::unique_ptr<T, ContextBufferDeleter>;

}  // namespace sspi
