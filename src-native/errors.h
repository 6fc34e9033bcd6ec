// Errors reach JS as the TS layer's SspiError, constructed through the class
// handed to native at load time, so native throws what JS code catches.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

namespace sspi {

// Library-level codes: the library refused before calling SSPI.
inline constexpr const char* kInvalidArgument = "ERR_SSPI_INVALID_ARGUMENT";
inline constexpr const char* kDisposed = "ERR_SSPI_DISPOSED";
inline constexpr const char* kBusy = "ERR_SSPI_BUSY";

// status: the SSPI status, or the nearest one for library-level codes (0 if none).
Napi::Error MakeError(Napi::Env env, const std::string& code, uint32_t status,
                      const std::string& call, const std::string& message);

// An error straight from an SSPI status; the TS class derives code and text from it.
Napi::Error MakeStatusError(Napi::Env env, int32_t status, const std::string& call,
                            const std::string& package);

[[noreturn]] void ThrowInvalidArgument(Napi::Env env, const std::string& call,
                                       const std::string& message);

}  // namespace sspi
