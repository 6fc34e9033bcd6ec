#include "buffers.h"

#include <algorithm>
#include <cstring>

#include "errors.h"
#include "handles.h"

namespace sspi {
namespace {

constexpr uint32_t kMaxBuffers = 64;
// Far above any SSPI token or TLS record; stops a typo from allocating gigabytes.
constexpr uint32_t kMaxBufferBytes = 64u * 1024 * 1024;

}  // namespace

std::vector<uint8_t> CopyBytes(Napi::Env env, Napi::Value value, const char* call, const char* what) {
  if (!value.IsTypedArray() && !value.IsArrayBuffer())
    ThrowInvalidArgument(env, call, std::string(what) + " must be a Buffer, Uint8Array or ArrayBuffer");
  const uint8_t* bytes;
  size_t length;
  if (value.IsArrayBuffer()) {
    auto ab = value.As<Napi::ArrayBuffer>();
    bytes = static_cast<const uint8_t*>(ab.Data());
    length = ab.ByteLength();
  } else {
    auto ta = value.As<Napi::TypedArray>();
    bytes = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    length = ta.ByteLength();
  }
  if (length > kMaxBufferBytes) ThrowInvalidArgument(env, call, std::string(what) + " is too large");
  return std::vector<uint8_t>(bytes, bytes + length);
}

BufferList BufferList::FromJs(Napi::Env env, Napi::Value value, const char* call) {
  if (!value.IsArray()) ThrowInvalidArgument(env, call, "buffers must be an array");
  auto array = value.As<Napi::Array>();
  if (array.Length() > kMaxBuffers)
    ThrowInvalidArgument(env, call, "too many buffers (at most 64)");
  BufferList list;
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsObject()) ThrowInvalidArgument(env, call, "each buffer must be an object");
    auto object = item.As<Napi::Object>();
    Napi::Value type = object.Get("type");
    if (!type.IsNumber()) ThrowInvalidArgument(env, call, "buffer.type must be a number");
    double typeNumber = type.As<Napi::Number>().DoubleValue();
    // JS `TYPE | READONLY` is a negative int32; accept it as the same 32 bits.
    if (!(typeNumber >= -2147483648.0 && typeNumber <= 4294967295.0) ||
        typeNumber != static_cast<double>(static_cast<int64_t>(typeNumber)))
      ThrowInvalidArgument(env, call, "buffer.type must be a 32-bit integer");
    int64_t typeValue = static_cast<int64_t>(typeNumber) & 0xFFFFFFFFLL;
    std::vector<uint8_t> bytes;
    ULONG sized = 0;
    Napi::Value data = object.Get("data");
    Napi::Value size = object.Get("size");
    if (!data.IsUndefined() && !data.IsNull()) {
      bytes = CopyBytes(env, data, call, "buffer data");
    } else if (!size.IsUndefined()) {
      if (!size.IsNumber()) ThrowInvalidArgument(env, call, "buffer.size must be a number");
      double n = size.As<Napi::Number>().DoubleValue();
      if (!(n >= 0 && n <= kMaxBufferBytes) || n != static_cast<uint32_t>(n))
        ThrowInvalidArgument(env, call, "buffer.size must be an integer from 0 to 64 MiB");
      sized = static_cast<ULONG>(n);  // allocated by desc(), on the thread that calls SSPI
    }
    ULONG requested = bytes.empty() ? sized : static_cast<ULONG>(bytes.size());
    list.storage_.push_back(std::move(bytes));
    list.requested_.push_back(requested);
    SecBuffer buffer{};
    buffer.BufferType = static_cast<ULONG>(typeValue);
    list.buffers_.push_back(buffer);
  }
  return list;
}

BufferList BufferList::Sized(std::initializer_list<ULONG> types, ULONG size) {
  BufferList list;
  for (ULONG type : types) {
    list.storage_.emplace_back();  // allocated by desc()
    list.requested_.push_back(size);
    SecBuffer buffer{};
    buffer.BufferType = type;
    list.buffers_.push_back(buffer);
  }
  return list;
}

void BufferList::LeaveAllocationToSspi() { sspiAllocates_ = true; }

SecBufferDesc* BufferList::desc() {
  // Pointers are (re)bound here, after any moves of the list. Sized buffers
  // get their zeroed memory here too: for an async call that is the pool
  // thread, not the JS thread (zeroing a 12 kB token buffer there took an
  // async accept's argument parsing from 4.6 to 2.4 µs, measured under Wine).
  for (size_t i = 0; i < buffers_.size(); i++) {
    if (storage_[i].size() < requested_[i]) storage_[i].assign(requested_[i], 0);
    buffers_[i].cbBuffer = requested_[i];
    buffers_[i].pvBuffer = storage_[i].empty() ? nullptr : storage_[i].data();
  }
  desc_.ulVersion = SECBUFFER_VERSION;
  desc_.cBuffers = static_cast<ULONG>(buffers_.size());
  desc_.pBuffers = buffers_.empty() ? nullptr : buffers_.data();
  return &desc_;
}

bool BufferList::Owns(const void* p, ULONG length) const {
  auto* q = static_cast<const uint8_t*>(p);
  for (const auto& region : storage_) {
    if (region.empty()) continue;
    const uint8_t* begin = region.data();
    const uint8_t* end = begin + region.size();
    if (q >= begin && q <= end && length <= static_cast<size_t>(end - q)) return true;
  }
  return false;
}

std::vector<BufferResult> BufferList::Capture(bool failed) {
  std::vector<BufferResult> results;
  for (size_t i = 0; i < buffers_.size(); i++) {
    SecBuffer& b = buffers_[i];
    BufferResult r;
    r.type = b.BufferType;
    r.length = b.cbBuffer;
    bool ours = b.pvBuffer && Owns(b.pvBuffer, b.cbBuffer);
    bool allocatedBySspi = b.pvBuffer && !ours && sspiAllocates_;
    // Wine leaves cbBuffer untouched on failure; a length SSPI did not set is stale.
    bool stale = failed && ours && b.cbBuffer == requested_[i] && b.cbBuffer != 0;
    if (stale) r.length = 0;
    if ((ours && !stale) || allocatedBySspi) {
      auto* p = static_cast<const uint8_t*>(b.pvBuffer);
      r.hasData = true;
      r.data.assign(p, p + r.length);
    }
    if (allocatedBySspi) {
      FreeContextBuffer(b.pvBuffer);
      b.pvBuffer = nullptr;
    }
    results.push_back(std::move(r));
  }
  return results;
}

Napi::Array BufferList::ToJs(Napi::Env env, const std::vector<BufferResult>& results) {
  Napi::Array array = Napi::Array::New(env, results.size());
  for (uint32_t i = 0; i < results.size(); i++) {
    const BufferResult& r = results[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", Napi::Number::New(env, r.type));
    o.Set("length", Napi::Number::New(env, r.length));
    o.Set("data", r.hasData ? Napi::Buffer<uint8_t>::Copy(env, r.data.data(), r.data.size()).As<Napi::Value>()
                            : env.Null());
    array.Set(i, o);
  }
  return array;
}

}  // namespace sspi
