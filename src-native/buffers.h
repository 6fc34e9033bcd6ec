// SecBufferDesc marshalling. JS buffers are copied in, so a thread-pool call never
// touches JS memory; results are copied out, and pointers SSPI returns are only
// read when they lie inside storage we own or SSPI allocated for us.
#pragma once
#include <napi.h>

#include <cstdint>
#include <vector>

#include "win.h"

namespace sspi {

// A copy of a Buffer/Uint8Array/ArrayBuffer (at most 64 MiB); `what` names it in errors.
std::vector<uint8_t> CopyBytes(Napi::Env env, Napi::Value value, const char* call, const char* what);

// One buffer after an SSPI call, as JS will see it.
struct BufferResult {
  ULONG type = 0;  // SECBUFFER_* including the attribute bits
  ULONG length = 0;
  bool hasData = false;  // false: a count only (MISSING, EXTRA without pointer)
  std::vector<uint8_t> data;
};

class BufferList {
 public:
  // Parses [{ type, data?, size? }, ...]. data is copied; size gives a zeroed buffer.
  static BufferList FromJs(Napi::Env env, Napi::Value value, const char* call);
  // One output buffer of each type, sized for the package's largest token.
  static BufferList Sized(std::initializer_list<ULONG> types, ULONG size);

  BufferList() = default;
  BufferList(BufferList&&) = default;
  BufferList& operator=(BufferList&&) = default;

  size_t size() const { return buffers_.size(); }
  // For *_REQ_ALLOCATE_MEMORY (output lists only): pointers SSPI puts into
  // zero-sized buffers are its allocations, copied and then FreeContextBuffer'd.
  void LeaveAllocationToSspi();
  SecBufferDesc* desc();
  // Copies results out; frees what SSPI allocated. failed: the call failed, so
  // lengths SSPI did not update are stale and read as empty.
  std::vector<BufferResult> Capture(bool failed);

  static Napi::Array ToJs(Napi::Env env, const std::vector<BufferResult>& results);

 private:
  bool Owns(const void* p, ULONG length) const;

  std::vector<std::vector<uint8_t>> storage_;
  std::vector<ULONG> requested_;  // cbBuffer we passed in, per buffer
  std::vector<SecBuffer> buffers_;
  SecBufferDesc desc_{};
  bool sspiAllocates_ = false;
};

}  // namespace sspi
