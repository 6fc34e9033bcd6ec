#include "attributes.h"

#include "errors.h"
#include "handles.h"
#include "packages.h"
#include "strings.h"

namespace sspi {
namespace {

Napi::Value Bytes(Napi::Env env, const void* p, size_t n) {
  if (!p) return env.Null();
  return Napi::Buffer<uint8_t>::Copy(env, static_cast<const uint8_t*>(p), n);
}

// Frees every pointer member SSPI filled in, on every path.
struct Freer {
  std::vector<void*> pointers;
  ~Freer() {
    for (void* p : pointers)
      if (p) FreeContextBuffer(p);
  }
};

template <typename T>
bool Query(CtxtHandle* h, ULONG attribute, T* out, SECURITY_STATUS* status) {
  *status = QueryContextAttributesW(h, attribute, out);
  return *status == SEC_E_OK;
}

}  // namespace

Napi::Value QueryContextAttribute(Napi::Env env, CtxtHandle* h, uint32_t attribute,
                                  const std::string& package) {
  const char* call = "QueryContextAttributes";
  SECURITY_STATUS status = SEC_E_OK;
  Napi::Object o = Napi::Object::New(env);
  Freer freer;
  switch (attribute) {
    case SECPKG_ATTR_SIZES: {
      SecPkgContext_Sizes v{};
      if (!Query(h, attribute, &v, &status)) break;
      o.Set("maxToken", Napi::Number::New(env, v.cbMaxToken));
      o.Set("maxSignature", Napi::Number::New(env, v.cbMaxSignature));
      o.Set("blockSize", Napi::Number::New(env, v.cbBlockSize));
      o.Set("securityTrailer", Napi::Number::New(env, v.cbSecurityTrailer));
      return o;
    }
    case SECPKG_ATTR_STREAM_SIZES: {
      SecPkgContext_StreamSizes v{};
      if (!Query(h, attribute, &v, &status)) break;
      o.Set("header", Napi::Number::New(env, v.cbHeader));
      o.Set("trailer", Napi::Number::New(env, v.cbTrailer));
      o.Set("maximumMessage", Napi::Number::New(env, v.cbMaximumMessage));
      o.Set("buffers", Napi::Number::New(env, v.cBuffers));
      o.Set("blockSize", Napi::Number::New(env, v.cbBlockSize));
      return o;
    }
    case SECPKG_ATTR_NAMES: {
      SecPkgContext_NamesW v{};
      if (!Query(h, attribute, &v, &status)) break;
      freer.pointers = {v.sUserName};
      o.Set("userName", JsString(env, v.sUserName));
      return o;
    }
    case SECPKG_ATTR_NATIVE_NAMES: {
      SecPkgContext_NativeNamesW v{};
      if (!Query(h, attribute, &v, &status)) break;
      freer.pointers = {v.sClientName, v.sServerName};
      o.Set("clientName", JsString(env, v.sClientName));
      o.Set("serverName", JsString(env, v.sServerName));
      return o;
    }
    case SECPKG_ATTR_LIFESPAN: {
      SecPkgContext_Lifespan v{};
      if (!Query(h, attribute, &v, &status)) break;
      o.Set("start", JsTime(env, v.tsStart));
      o.Set("expiry", JsTime(env, v.tsExpiry));
      return o;
    }
    case SECPKG_ATTR_KEY_INFO: {
      SecPkgContext_KeyInfoW v{};
      if (!Query(h, attribute, &v, &status)) break;
      freer.pointers = {v.sSignatureAlgorithmName, v.sEncryptAlgorithmName};
      o.Set("signatureAlgorithmName", JsString(env, v.sSignatureAlgorithmName));
      o.Set("encryptAlgorithmName", JsString(env, v.sEncryptAlgorithmName));
      o.Set("keySize", Napi::Number::New(env, v.KeySize));
      o.Set("signatureAlgorithm", Napi::Number::New(env, v.SignatureAlgorithm));
      o.Set("encryptAlgorithm", Napi::Number::New(env, v.EncryptAlgorithm));
      return o;
    }
    case SECPKG_ATTR_SESSION_KEY: {
      SecPkgContext_SessionKey v{};
      if (!Query(h, attribute, &v, &status)) break;
      freer.pointers = {v.SessionKey};
      o.Set("sessionKey", Bytes(env, v.SessionKey, v.SessionKeyLength));
      return o;
    }
    case SECPKG_ATTR_PACKAGE_INFO: {
      SecPkgContext_PackageInfoW v{};
      if (!Query(h, attribute, &v, &status)) break;
      freer.pointers = {v.PackageInfo};
      return v.PackageInfo ? PackageInfoObject(env, v.PackageInfo) : o;
    }
    case SECPKG_ATTR_NEGOTIATION_INFO: {
      SecPkgContext_NegotiationInfoW v{};
      if (!Query(h, attribute, &v, &status)) break;
      freer.pointers = {v.PackageInfo};
      o.Set("package", v.PackageInfo ? PackageInfoObject(env, v.PackageInfo).As<Napi::Value>() : env.Null());
      o.Set("state", Napi::Number::New(env, v.NegotiationState));
      return o;
    }
    case SECPKG_ATTR_FLAGS: {
      SecPkgContext_Flags v{};
      if (!Query(h, attribute, &v, &status)) break;
      o.Set("flags", Napi::Number::New(env, v.Flags));
      return o;
    }
    case SECPKG_ATTR_ENDPOINT_BINDINGS:
    case SECPKG_ATTR_UNIQUE_BINDINGS: {
      SecPkgContext_Bindings v{};
      if (!Query(h, attribute, &v, &status)) break;
      freer.pointers = {v.Bindings};
      // The raw SEC_CHANNEL_BINDINGS blob, ready for a SECBUFFER_CHANNEL_BINDINGS buffer.
      o.Set("bindings", Bytes(env, v.Bindings, v.BindingsLength));
      return o;
    }
    case SECPKG_ATTR_APPLICATION_PROTOCOL: {
      SecPkgContext_ApplicationProtocol v{};
      if (!Query(h, attribute, &v, &status)) break;
      o.Set("status", Napi::Number::New(env, v.ProtoNegoStatus));
      o.Set("extension", Napi::Number::New(env, v.ProtoNegoExt));
      // ProtocolIdSize is a byte and ProtocolId holds 255, so it is always in bounds.
      size_t n = v.ProtocolIdSize;
      o.Set("protocol", Napi::String::New(env, reinterpret_cast<const char*>(v.ProtocolId), n));
      return o;
    }
    case SECPKG_ATTR_CONNECTION_INFO: {
      SecPkgContext_ConnectionInfo v{};
      if (!Query(h, attribute, &v, &status)) break;
      o.Set("protocol", Napi::Number::New(env, v.dwProtocol));
      o.Set("cipher", Napi::Number::New(env, v.aiCipher));
      o.Set("cipherStrength", Napi::Number::New(env, v.dwCipherStrength));
      o.Set("hash", Napi::Number::New(env, v.aiHash));
      o.Set("hashStrength", Napi::Number::New(env, v.dwHashStrength));
      o.Set("exchange", Napi::Number::New(env, v.aiExch));
      o.Set("exchangeStrength", Napi::Number::New(env, v.dwExchStrength));
      return o;
    }
    case SECPKG_ATTR_REMOTE_CERT_CONTEXT: {
      PCCERT_CONTEXT cert = nullptr;
      if (!Query(h, attribute, &cert, &status)) break;
      Napi::Value der = cert ? Bytes(env, cert->pbCertEncoded, cert->cbCertEncoded) : env.Null();
      if (cert) CertFreeCertificateContext(cert);
      o.Set("certificate", der);
      return o;
    }
    default:
      ThrowInvalidArgument(env, call, "unsupported context attribute " + std::to_string(attribute));
  }
  throw MakeStatusError(env, status, call, package);
}

}  // namespace sspi
