// UTF-16 helpers: SSPI's W functions take wchar_t, which is 16-bit on Windows.
#pragma once
#include <napi.h>

#include <string>

#include "win.h"

namespace sspi {

static_assert(sizeof(wchar_t) == sizeof(char16_t), "Windows wchar_t is UTF-16");

inline wchar_t* Wide(std::u16string& s) { return reinterpret_cast<wchar_t*>(&s[0]); }
inline const wchar_t* Wide(const std::u16string& s) {
  return reinterpret_cast<const wchar_t*>(s.c_str());
}
inline Napi::Value JsString(Napi::Env env, const wchar_t* s) {
  if (!s) return env.Null();
  return Napi::String::New(env, reinterpret_cast<const char16_t*>(s));
}
std::string Utf8(const std::u16string& s);
std::string Utf8(const wchar_t* s);

// A string, or absent (null/undefined) when optional; anything else is a typed error.
bool OptionalString(Napi::Env env, Napi::Value value, const char* call, const char* what,
                    std::u16string* out);
std::u16string RequiredString(Napi::Env env, Napi::Value value, const char* call,
                              const char* what);
uint32_t RequiredUint32(Napi::Env env, Napi::Value value, const char* call, const char* what);

// Overwrites secrets before their memory is released.
inline void Wipe(std::u16string& s) {
  if (!s.empty()) SecureZeroMemory(&s[0], s.size() * sizeof(char16_t));
  s.clear();
}

// SSPI TimeStamp (100 ns since 1601) to JS ms since 1970; max time means "never".
Napi::Value JsTime(Napi::Env env, const TimeStamp& ts);

}  // namespace sspi
