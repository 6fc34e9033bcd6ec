#include "strings.h"

#include <cmath>

#include "errors.h"

namespace sspi {

std::string Utf8(const wchar_t* s) {
  if (!s || !*s) return std::string();
  int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1) return std::string();
  std::string out(static_cast<size_t>(n - 1), '\0');
  WideCharToMultiByte(CP_UTF8, 0, s, -1, &out[0], n, nullptr, nullptr);
  return out;
}

std::string Utf8(const std::u16string& s) { return Utf8(Wide(s)); }

bool OptionalString(Napi::Env env, Napi::Value value, const char* call, const char* what,
                    std::u16string* out) {
  if (value.IsUndefined() || value.IsNull()) return false;
  if (!value.IsString()) ThrowInvalidArgument(env, call, std::string(what) + " must be a string");
  *out = value.As<Napi::String>().Utf16Value();
  if (out->find(u'\0') != std::u16string::npos)
    ThrowInvalidArgument(env, call, std::string(what) + " must not contain NUL characters");
  return true;
}

std::u16string RequiredString(Napi::Env env, Napi::Value value, const char* call,
                              const char* what) {
  std::u16string out;
  if (!OptionalString(env, value, call, what, &out))
    ThrowInvalidArgument(env, call, std::string(what) + " must be a string");
  return out;
}

uint32_t RequiredUint32(Napi::Env env, Napi::Value value, const char* call, const char* what) {
  if (!value.IsNumber()) ThrowInvalidArgument(env, call, std::string(what) + " must be a number");
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || std::floor(d) != d)
    ThrowInvalidArgument(env, call, std::string(what) + " must be a 32-bit unsigned integer");
  return static_cast<uint32_t>(d);
}

Napi::Value JsTime(Napi::Env env, const TimeStamp& ts) {
  constexpr int64_t kNever = 0x7FFFFFFFFFFFFFFFLL;
  constexpr int64_t kEpochDelta = 116444736000000000LL;  // 1601 -> 1970 in 100 ns
  int64_t v = ts.QuadPart;
  // Packages report "no expiry" as the max value, some with the top bit games.
  if (v >= kNever - 0xFFFFFFFFLL || v <= 0) return env.Null();
  return Napi::Number::New(env, static_cast<double>((v - kEpochDelta) / 10000));
}

}  // namespace sspi
