// Who the client is: QuerySecurityContextToken turned into account, domain, SIDs
// and groups; impersonation only as a scoped synchronous callback that always
// reverts; CompleteAuthToken.
#pragma once
#include <napi.h>

namespace sspi {

class SecurityContext;
Napi::Value QueryUser(const Napi::CallbackInfo& info, SecurityContext& context);
Napi::Value Impersonate(const Napi::CallbackInfo& info, SecurityContext& context);
Napi::Value CompleteToken(const Napi::CallbackInfo& info, SecurityContext& context);

}  // namespace sspi
