#include "messages.h"

#include "buffers.h"
#include "context.h"
#include "errors.h"
#include "strings.h"

namespace sspi {
namespace {

const char* const kCallNames[] = {"MakeSignature", "VerifySignature", "EncryptMessage", "DecryptMessage"};

}  // namespace

// (buffers, qop, sequenceNumber) for make/encrypt; (buffers, sequenceNumber) for verify/decrypt.
Napi::Value MessageCall(const Napi::CallbackInfo& info, SecurityContext& context, int op) {
  Napi::Env env = info.Env();
  const char* call = kCallNames[op];
  BufferList buffers = BufferList::FromJs(env, info[0], call);
  bool producing = op == kMakeSignature || op == kEncrypt;
  ULONG qop = producing ? RequiredUint32(env, info[1], call, "qop") : 0;
  ULONG sequence = RequiredUint32(env, info[producing ? 2 : 1], call, "sequenceNumber");
  ContextLease lease = context.ClaimEstablished(env, call);
  CtxtHandle* handle = lease->handle();
  SECURITY_STATUS status;
  switch (op) {
    case kMakeSignature:
      status = MakeSignature(handle, qop, buffers.desc(), sequence);
      break;
    case kVerifySignature:
      status = VerifySignature(handle, buffers.desc(), sequence, &qop);
      break;
    case kEncrypt:
      status = EncryptMessage(handle, qop, buffers.desc(), sequence);
      break;
    default:
      status = DecryptMessage(handle, buffers.desc(), sequence, &qop);
      break;
  }
  lease.Release();
  std::vector<BufferResult> results = buffers.Capture(FAILED(status));
  Napi::Object o = Napi::Object::New(env);
  o.Set("status", Napi::Number::New(env, static_cast<uint32_t>(status)));
  o.Set("qop", Napi::Number::New(env, qop));
  o.Set("buffers", BufferList::ToJs(env, results));
  return o;
}

}  // namespace sspi
