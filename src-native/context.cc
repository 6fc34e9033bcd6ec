#include "context.h"

#include "attributes.h"
#include "buffers.h"
#include "errors.h"
#include "identity.h"
#include "messages.h"
#include "promise_worker.h"
#include "strings.h"

namespace sspi {
namespace {

constexpr ULONG kAllocateMemory = 0x100;  // ASC_REQ_ and ISC_REQ_ALLOCATE_MEMORY

struct StepArgs {
  bool server = true;
  bool hasTarget = false;
  std::u16string target;
  bool hasInput = false;
  BufferList input;
  BufferList output;
  ULONG flags = 0;
  ULONG dataRep = 0;
};

struct StepResult {
  SECURITY_STATUS status = SEC_E_OK;
  ULONG attributes = 0;
  TimeStamp expiry{};
  std::vector<BufferResult> input;
  std::vector<BufferResult> output;
};

// accept(input, flags, dataRep, output) / initialize(target, input, flags, dataRep, output)
StepArgs ParseStepArgs(const Napi::CallbackInfo& info, bool server, ContextState* state,
                       const char* call) {
  Napi::Env env = info.Env();
  StepArgs a;
  a.server = server;
  size_t i = 0;
  if (!server) a.hasTarget = OptionalString(env, info[i++], call, "target", &a.target);
  Napi::Value input = info[i++];
  a.hasInput = !input.IsUndefined() && !input.IsNull();
  if (a.hasInput) a.input = BufferList::FromJs(env, input, call);
  a.flags = RequiredUint32(env, info[i++], call, "flags");
  a.dataRep = RequiredUint32(env, info[i++], call, "dataRep");
  Napi::Value output = info[i++];
  bool allocate = (a.flags & kAllocateMemory) != 0;
  if (!output.IsUndefined() && !output.IsNull())
    a.output = BufferList::FromJs(env, output, call);
  else
    a.output = BufferList::Sized({SECBUFFER_TOKEN}, allocate ? 0 : state->credentials()->maxToken());
  if (allocate) a.output.LeaveAllocationToSspi();
  return a;
}

// Runs on any thread, with the context claimed.
StepResult RunStep(ContextState& state, StepArgs& a, const std::shared_ptr<HandleCounters>& counters) {
  StepResult r;
  CtxtHandle* existing = state.handle();
  CtxtHandle created;
  SecInvalidateHandle(&created);
  CtxtHandle* target = existing ? existing : &created;
  SecBufferDesc* in = a.hasInput ? a.input.desc() : nullptr;
  SecBufferDesc* out = a.output.size() ? a.output.desc() : nullptr;
  CredHandle* cred = state.credentials()->handle();
  if (a.server) {
    r.status = AcceptSecurityContext(cred, existing, in, a.flags, a.dataRep, target, out,
                                     &r.attributes, &r.expiry);
  } else {
    r.status = InitializeSecurityContextW(cred, existing, a.hasTarget ? Wide(a.target) : nullptr,
                                          a.flags, 0, a.dataRep, in, 0, target, out,
                                          &r.attributes, &r.expiry);
  }
  // A first call that produced a handle owns it, even when it failed (Schannel
  // alerts): the caller must delete partial contexts.
  if (!existing && SecIsValidHandle(&created)) state.Adopt(created, counters);
  bool failed = FAILED(r.status);
  if (a.hasInput) r.input = a.input.Capture(failed);
  r.output = a.output.Capture(failed);
  return r;
}

Napi::Object ToJs(Napi::Env env, const StepResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("status", Napi::Number::New(env, static_cast<uint32_t>(r.status)));
  o.Set("attributes", Napi::Number::New(env, r.attributes));
  o.Set("expiry", JsTime(env, r.expiry));
  o.Set("input", BufferList::ToJs(env, r.input));
  o.Set("output", BufferList::ToJs(env, r.output));
  return o;
}

class StepWorker : public PromiseWorker {
 public:
  StepWorker(Napi::Env env, ContextLease lease, StepArgs args)
      : PromiseWorker(env, args.server ? "sspi:AcceptSecurityContext"
                                       : "sspi:InitializeSecurityContext"),
        lease_(std::move(lease)),
        args_(std::move(args)),
        counters_(Instance::Get(env)->counters) {}
  void Execute() override {
    result_ = RunStep(lease_.get(), args_, counters_);
    // Free the context for the next call (and any deferred close) on this thread,
    // so a teardown that never runs OnOK still releases the handle.
    lease_.Release();
  }
  void OnOK() override { deferred_.Resolve(ToJs(Env(), result_)); }

 private:
  ContextLease lease_;
  StepArgs args_;
  std::shared_ptr<HandleCounters> counters_;
  StepResult result_;
};

}  // namespace

ContextState::Claim ContextState::TryClaim() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closeRequested_) return Claim::kClosed;
  if (busy_) return Claim::kBusy;
  busy_ = true;
  return Claim::kOk;
}

void ContextState::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  busy_ = false;
  if (closeRequested_) FreeLocked();
}

void ContextState::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closeRequested_ = true;
  if (!busy_) FreeLocked();
}

bool ContextState::closed() {
  std::lock_guard<std::mutex> lock(mutex_);
  return closeRequested_;
}

bool ContextState::busy() {
  std::lock_guard<std::mutex> lock(mutex_);
  return busy_;
}

void ContextState::FreeLocked() {
  handle_.Reset();
  credentials_.reset();
}

void SecurityContext::Register(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "NativeContext",
      {
          InstanceMethod<&SecurityContext::AcceptSync>("acceptSync"),
          InstanceMethod<&SecurityContext::AcceptAsync>("accept"),
          InstanceMethod<&SecurityContext::InitializeSync>("initializeSync"),
          InstanceMethod<&SecurityContext::InitializeAsync>("initialize"),
          InstanceMethod<&SecurityContext::QueryAttribute>("queryAttribute"),
          InstanceMethod<&SecurityContext::MakeSignature>("makeSignature"),
          InstanceMethod<&SecurityContext::VerifySignature>("verifySignature"),
          InstanceMethod<&SecurityContext::Encrypt>("encryptMessage"),
          InstanceMethod<&SecurityContext::Decrypt>("decryptMessage"),
          InstanceMethod<&SecurityContext::MessageAsync>("messageAsync"),
          InstanceMethod<&SecurityContext::ApplyControl>("applyControlToken"),
          InstanceMethod<&SecurityContext::QueryUser>("queryUser"),
          InstanceMethod<&SecurityContext::Impersonate>("impersonate"),
          InstanceMethod<&SecurityContext::CompleteToken>("completeAuthToken"),
          InstanceMethod<&SecurityContext::Dispose>("dispose"),
          InstanceAccessor<&SecurityContext::IsDisposed>("disposed"),
          InstanceAccessor<&SecurityContext::IsBusy>("busy"),
      });
  Instance::Get(env)->contextClass = Napi::Persistent(cls);
  exports.Set("NativeContext", cls);
}

// new NativeContext(credentials, server)
SecurityContext::SecurityContext(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<SecurityContext>(info) {
  Napi::Env env = info.Env();
  const char* call = "NativeContext";
  Credentials* credentials = Credentials::FromValue(info[0], call);
  if (!info[1].IsBoolean()) ThrowInvalidArgument(env, call, "server must be a boolean");
  auto cred = credentials->state(env, call);
  package_ = cred->packageUtf8();
  state_ = std::make_shared<ContextState>(std::move(cred), info[1].As<Napi::Boolean>());
  Instance::Get(env)->Track(state_);
}

ContextLease SecurityContext::Claim(Napi::Env env, const char* call) {
  switch (state_->TryClaim()) {
    case ContextState::Claim::kOk:
      return ContextLease(state_);
    case ContextState::Claim::kClosed:
      throw MakeError(env, kDisposed, 0x80090301, call, "security context has been disposed");
    case ContextState::Claim::kBusy:
    default:
      throw MakeError(env, kBusy, 0, call,
                      "security context is in use by another call; SSPI contexts are not "
                      "thread-safe, so calls on one context must not overlap");
  }
}

ContextLease SecurityContext::ClaimEstablished(Napi::Env env, const char* call) {
  ContextLease lease = Claim(env, call);
  if (!lease->handle())
    throw MakeError(env, kInvalidArgument, 0x80090301, call,
                    "the security context has no handle yet: call accept()/initialize() first");
  return lease;
}

namespace {

const char* StepName(bool server) {
  return server ? "AcceptSecurityContext" : "InitializeSecurityContext";
}

void CheckRole(Napi::Env env, ContextState& state, bool server) {
  if (state.server() != server)
    ThrowInvalidArgument(env, StepName(server),
                         server ? "this is a client context; use initialize()"
                                : "this is a server context; use accept()");
}

}  // namespace

Napi::Value SecurityContext::Step(const Napi::CallbackInfo& info, bool server, bool async) {
  Napi::Env env = info.Env();
  const char* call = StepName(server);
  ContextLease lease = Claim(env, call);
  CheckRole(env, lease.get(), server);
  StepArgs args = ParseStepArgs(info, server, &lease.get(), call);
  if (!async) return ToJs(env, RunStep(lease.get(), args, Instance::Get(env)->counters));
  auto* worker = new StepWorker(env, std::move(lease), std::move(args));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value SecurityContext::AcceptSync(const Napi::CallbackInfo& info) { return Step(info, true, false); }
Napi::Value SecurityContext::AcceptAsync(const Napi::CallbackInfo& info) { return Step(info, true, true); }
Napi::Value SecurityContext::InitializeSync(const Napi::CallbackInfo& info) {
  return Step(info, false, false);
}
Napi::Value SecurityContext::InitializeAsync(const Napi::CallbackInfo& info) {
  return Step(info, false, true);
}

Napi::Value SecurityContext::QueryAttribute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* call = "QueryContextAttributes";
  uint32_t attribute = RequiredUint32(env, info[0], call, "attribute");
  ContextLease lease = ClaimEstablished(env, call);
  return QueryContextAttribute(env, lease->handle(), attribute, package_);
}

Napi::Value SecurityContext::MakeSignature(const Napi::CallbackInfo& info) {
  return MessageCall(info, *this, kMakeSignature);
}
Napi::Value SecurityContext::VerifySignature(const Napi::CallbackInfo& info) {
  return MessageCall(info, *this, kVerifySignature);
}
Napi::Value SecurityContext::Encrypt(const Napi::CallbackInfo& info) {
  return MessageCall(info, *this, kEncrypt);
}
Napi::Value SecurityContext::Decrypt(const Napi::CallbackInfo& info) {
  return MessageCall(info, *this, kDecrypt);
}

Napi::Value SecurityContext::MessageAsync(const Napi::CallbackInfo& info) {
  return MessageCallAsync(info, *this);
}

// (buffers) -> { status, buffers }; e.g. SCHANNEL_SHUTDOWN before the close_notify step.
Napi::Value SecurityContext::ApplyControl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* call = "ApplyControlToken";
  BufferList buffers = BufferList::FromJs(env, info[0], call);
  ContextLease lease = ClaimEstablished(env, call);
  SECURITY_STATUS status = ApplyControlToken(lease->handle(), buffers.desc());
  lease.Release();
  Napi::Object o = Napi::Object::New(env);
  o.Set("status", Napi::Number::New(env, static_cast<uint32_t>(status)));
  o.Set("buffers", BufferList::ToJs(env, buffers.Capture(FAILED(status))));
  return o;
}

Napi::Value SecurityContext::QueryUser(const Napi::CallbackInfo& info) { return sspi::QueryUser(info, *this); }
Napi::Value SecurityContext::Impersonate(const Napi::CallbackInfo& info) {
  return sspi::Impersonate(info, *this);
}
Napi::Value SecurityContext::CompleteToken(const Napi::CallbackInfo& info) {
  return sspi::CompleteToken(info, *this);
}

Napi::Value SecurityContext::Dispose(const Napi::CallbackInfo& info) {
  state_->Close();
  return info.Env().Undefined();
}

Napi::Value SecurityContext::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), state_->closed());
}

Napi::Value SecurityContext::IsBusy(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), state_->busy());
}

}  // namespace sspi
