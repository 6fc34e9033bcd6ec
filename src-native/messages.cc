#include "messages.h"

#include "buffers.h"
#include "context.h"
#include "errors.h"
#include "promise_worker.h"
#include "strings.h"

namespace sspi {
namespace {

const char* const kCallNames[] = {"MakeSignature", "VerifySignature", "EncryptMessage", "DecryptMessage"};

struct MessageArgs {
  int op = kMakeSignature;
  BufferList buffers;
  ULONG qop = 0;
  ULONG sequence = 0;
};

struct MessageOutcome {
  SECURITY_STATUS status = SEC_E_OK;
  ULONG qop = 0;
  std::vector<BufferResult> buffers;
};

// (buffers, qop, sequenceNumber) for make/encrypt; (buffers, sequenceNumber) for verify/decrypt.
MessageArgs ParseMessageArgs(const Napi::CallbackInfo& info, int op, size_t first) {
  Napi::Env env = info.Env();
  const char* call = kCallNames[op];
  MessageArgs a;
  a.op = op;
  a.buffers = BufferList::FromJs(env, info[first], call);
  bool producing = op == kMakeSignature || op == kEncrypt;
  a.qop = producing ? RequiredUint32(env, info[first + 1], call, "qop") : 0;
  a.sequence = RequiredUint32(env, info[first + (producing ? 2 : 1)], call, "sequenceNumber");
  return a;
}

// Runs on any thread, with the context claimed.
MessageOutcome RunMessage(CtxtHandle* handle, MessageArgs& a) {
  MessageOutcome r;
  r.qop = a.qop;
  switch (a.op) {
    case kMakeSignature:
      r.status = MakeSignature(handle, a.qop, a.buffers.desc(), a.sequence);
      break;
    case kVerifySignature:
      r.status = VerifySignature(handle, a.buffers.desc(), a.sequence, &r.qop);
      break;
    case kEncrypt:
      r.status = EncryptMessage(handle, a.qop, a.buffers.desc(), a.sequence);
      break;
    default:
      r.status = DecryptMessage(handle, a.buffers.desc(), a.sequence, &r.qop);
      break;
  }
  r.buffers = a.buffers.Capture(FAILED(r.status));
  return r;
}

Napi::Object ToJs(Napi::Env env, const MessageOutcome& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("status", Napi::Number::New(env, static_cast<uint32_t>(r.status)));
  o.Set("qop", Napi::Number::New(env, r.qop));
  o.Set("buffers", BufferList::ToJs(env, r.buffers));
  return o;
}

class MessageWorker : public PromiseWorker {
 public:
  MessageWorker(Napi::Env env, ContextLease lease, MessageArgs args)
      : PromiseWorker(env, "sspi:message"), lease_(std::move(lease)), args_(std::move(args)) {}
  void Execute() override {
    outcome_ = RunMessage(lease_->handle(), args_);
    lease_.Release();
  }
  void OnOK() override { deferred_.Resolve(ToJs(Env(), outcome_)); }

 private:
  ContextLease lease_;
  MessageArgs args_;
  MessageOutcome outcome_;
};

}  // namespace

Napi::Value MessageCall(const Napi::CallbackInfo& info, SecurityContext& context, int op) {
  Napi::Env env = info.Env();
  MessageArgs args = ParseMessageArgs(info, op, 0);
  ContextLease lease = context.ClaimEstablished(env, kCallNames[op]);
  MessageOutcome r = RunMessage(lease->handle(), args);
  lease.Release();
  return ToJs(env, r);
}

// (op, ...the sync arguments) -> Promise
Napi::Value MessageCallAsync(const Napi::CallbackInfo& info, SecurityContext& context) {
  Napi::Env env = info.Env();
  uint32_t op = RequiredUint32(env, info[0], "message", "op");
  if (op > kDecrypt) ThrowInvalidArgument(env, "message", "op must be 0..3");
  MessageArgs args = ParseMessageArgs(info, static_cast<int>(op), 1);
  auto* worker = new MessageWorker(env, context.ClaimEstablished(env, kCallNames[op]), std::move(args));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace sspi
