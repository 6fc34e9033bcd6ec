// Per-message protection on an established context: MakeSignature,
// VerifySignature, EncryptMessage, DecryptMessage. Buffers are modified in place
// by SSPI, so the whole list comes back.
#pragma once
#include <napi.h>

namespace sspi {

class SecurityContext;
Napi::Value MessageCall(const Napi::CallbackInfo& info, SecurityContext& context, int op);
// The same on the thread pool; the context stays claimed until the call ends.
Napi::Value MessageCallAsync(const Napi::CallbackInfo& info, SecurityContext& context);

enum MessageOp { kMakeSignature = 0, kVerifySignature = 1, kEncrypt = 2, kDecrypt = 3 };

}  // namespace sspi
