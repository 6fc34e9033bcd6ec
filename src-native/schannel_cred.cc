#include "schannel_cred.h"

#include <ncrypt.h>

#include "buffers.h"
#include "errors.h"
#include "strings.h"

namespace sspi {
namespace {

constexpr const char* kCertificateError = "ERR_SSPI_CERTIFICATE";
constexpr uint32_t kMaxAlgorithms = 64;
// Every SP_PROT_* bit SCH_CREDENTIALS can disable (SSL2 .. TLS 1.3, DTLS), both roles.
constexpr ULONG kAllProtocols = 0x00003FFF | 0x00030000 | 0x000C0000;

ULONG OptionalUint32(Napi::Env env, Napi::Object o, const char* key, const char* call, ULONG fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  return RequiredUint32(env, v, call, key);
}

// PFXImportCertStore persists each private key in a fresh key container.
void DeletePersistedKey(PCCERT_CONTEXT cert) {
  DWORD size = 0;
  if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, nullptr, &size)) return;
  std::vector<BYTE> raw(size);
  if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, raw.data(), &size)) return;
  auto* info = reinterpret_cast<CRYPT_KEY_PROV_INFO*>(raw.data());
  bool machine = (info->dwFlags & CRYPT_MACHINE_KEYSET) != 0;
  if (info->dwProvType != 0) {  // a CryptoAPI CSP
    HCRYPTPROV unused = 0;
    CryptAcquireContextW(&unused, info->pwszContainerName, info->pwszProvName, info->dwProvType,
                         CRYPT_DELETEKEYSET | (machine ? CRYPT_MACHINE_KEYSET : 0));
    return;
  }
  NCRYPT_PROV_HANDLE provider = 0;  // a CNG key storage provider
  if (NCryptOpenStorageProvider(&provider, info->pwszProvName, 0) != ERROR_SUCCESS) return;
  NCRYPT_KEY_HANDLE key = 0;
  if (NCryptOpenKey(provider, &key, info->pwszContainerName, info->dwKeySpec,
                    NCRYPT_SILENT_FLAG | (machine ? NCRYPT_MACHINE_KEY_FLAG : 0)) == ERROR_SUCCESS)
    NCryptDeleteKey(key, 0);  // frees the key handle too
  NCryptFreeObject(provider);
}

bool HasPrivateKey(PCCERT_CONTEXT cert) {
  DWORD size = 0;
  return CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, nullptr, &size) != 0;
}

SchannelAcquireResult LibraryError(const char* call, std::string message) {
  SchannelAcquireResult r;
  r.status = static_cast<SECURITY_STATUS>(SEC_E_NO_CREDENTIALS);
  r.call = call;
  r.libraryCode = kCertificateError;
  r.message = std::move(message);
  return r;
}

SchannelAcquireResult ImportPfx(SchannelOptions& o) {
  CRYPT_DATA_BLOB blob{static_cast<DWORD>(o.pfx.size()), o.pfx.data()};
  if (!PFXIsPFXBlob(&blob)) return LibraryError("PFXImportCertStore", "schannel.pfx is not a PFX (PKCS#12) blob");
  // Not exportable: the key only needs to sign for this process's credentials.
  HCERTSTORE store = PFXImportCertStore(&blob, Wide(o.pfxPassword), CRYPT_USER_KEYSET);
  Wipe(o.pfxPassword);
  if (!store) {
    // Windows sets ERROR_INVALID_PASSWORD; Wine 8 leaves 0 for a wrong password.
    DWORD err = GetLastError();
    return LibraryError("PFXImportCertStore",
                        err == ERROR_INVALID_PASSWORD
                            ? "wrong PFX password"
                            : "cannot import the PFX: wrong password or unsupported encryption (error " +
                                  std::to_string(err) + ")");
  }
  // The first certificate with a private key is the end-entity certificate.
  PCCERT_CONTEXT found = nullptr;
  for (PCCERT_CONTEXT c = CertEnumCertificatesInStore(store, nullptr); c;
       c = CertEnumCertificatesInStore(store, c)) {
    if (HasPrivateKey(c)) {
      found = CertDuplicateCertificateContext(c);
      CertFreeCertificateContext(c);
      break;
    }
  }
  SchannelAcquireResult r;
  r.certificate = std::make_unique<ImportedCertificate>(store, found);
  if (!found) {
    SchannelAcquireResult e = LibraryError("PFXImportCertStore", "the PFX holds no certificate with a private key");
    e.certificate = std::move(r.certificate);
    return e;
  }
  return r;
}

}  // namespace

SchannelOptions::~SchannelOptions() {
  Wipe(pfxPassword);
  if (!pfx.empty()) SecureZeroMemory(pfx.data(), pfx.size());
}

SchannelOptions ParseSchannelOptions(Napi::Env env, Napi::Value value, const char* call) {
  SchannelOptions o;
  if (value.IsUndefined() || value.IsNull()) return o;
  if (!value.IsObject()) ThrowInvalidArgument(env, call, "schannel options must be an object");
  auto obj = value.As<Napi::Object>();
  o.present = true;
  Napi::Value pfx = obj.Get("pfx");
  if (!pfx.IsUndefined() && !pfx.IsNull()) {
    o.pfx = CopyBytes(env, pfx, call, "schannel.pfx");
    o.hasPfx = true;
  }
  OptionalString(env, obj.Get("pfxPassword"), call, "schannel.pfxPassword", &o.pfxPassword);
  o.version = OptionalUint32(env, obj, "version", call, 4);
  if (o.version != 4 && o.version != 5)
    ThrowInvalidArgument(env, call, "schannel.version must be 4 (SCHANNEL_CRED) or 5 (SCH_CREDENTIALS)");
  o.protocols = OptionalUint32(env, obj, "protocols", call, 0);
  o.flags = OptionalUint32(env, obj, "flags", call, 0);
  o.minCipherStrength = OptionalUint32(env, obj, "minCipherStrength", call, 0);
  o.maxCipherStrength = OptionalUint32(env, obj, "maxCipherStrength", call, 0);
  Napi::Value algs = obj.Get("algorithms");
  if (!algs.IsUndefined() && !algs.IsNull()) {
    if (!algs.IsArray()) ThrowInvalidArgument(env, call, "schannel.algorithms must be an array of ALG_IDs");
    auto array = algs.As<Napi::Array>();
    if (array.Length() > kMaxAlgorithms) ThrowInvalidArgument(env, call, "too many schannel.algorithms");
    for (uint32_t i = 0; i < array.Length(); i++)
      o.algorithms.push_back(RequiredUint32(env, array.Get(i), call, "schannel.algorithms[i]"));
    if (o.version == 5)
      ThrowInvalidArgument(env, call, "schannel.algorithms needs version 4 (SCHANNEL_CRED)");
  }
  return o;
}

ImportedCertificate::~ImportedCertificate() {
  for (PCCERT_CONTEXT c = CertEnumCertificatesInStore(store_, nullptr); c;
       c = CertEnumCertificatesInStore(store_, c))
    DeletePersistedKey(c);
  if (cert_) CertFreeCertificateContext(cert_);
  CertCloseStore(store_, 0);
}

SchannelAcquireResult AcquireSchannel(SchannelOptions& o, const wchar_t* package, ULONG use,
                                      const wchar_t* principal, CredHandle* handle,
                                      TimeStamp* expiry) {
  SchannelAcquireResult r;
  if (o.hasPfx) {
    r = ImportPfx(o);
    if (!r.libraryCode.empty()) return r;
  }
  Wipe(o.pfxPassword);
  PCCERT_CONTEXT certs[1] = {r.certificate ? r.certificate->cert() : nullptr};
  DWORD certCount = certs[0] ? 1 : 0;
  void* authData;
  SCHANNEL_CRED v4{};
  SCH_CREDENTIALS v5{};
  TLS_PARAMETERS tls{};
  if (o.version == 4) {
    v4.dwVersion = SCHANNEL_CRED_VERSION;
    v4.cCreds = certCount;
    v4.paCred = certCount ? certs : nullptr;
    v4.grbitEnabledProtocols = o.protocols;
    v4.dwFlags = o.flags;
    v4.dwMinimumCipherStrength = o.minCipherStrength;
    v4.dwMaximumCipherStrength = o.maxCipherStrength;
    v4.cSupportedAlgs = static_cast<DWORD>(o.algorithms.size());
    v4.palgSupportedAlgs = o.algorithms.empty() ? nullptr : o.algorithms.data();
    authData = &v4;
  } else {
    v5.dwVersion = SCH_CREDENTIALS_VERSION;
    v5.cCreds = certCount;
    v5.paCred = certCount ? certs : nullptr;
    v5.dwFlags = o.flags;
    // SCH_CREDENTIALS lists what to disable; we take what to enable, like v4.
    tls.grbitDisabledProtocols = o.protocols ? (kAllProtocols & ~o.protocols) : 0;
    v5.cTlsParameters = o.protocols ? 1 : 0;
    v5.pTlsParameters = o.protocols ? &tls : nullptr;
    authData = &v5;
  }
  r.status = AcquireCredentialsHandleW(const_cast<wchar_t*>(principal), const_cast<wchar_t*>(package),
                                       use, nullptr, authData, nullptr, nullptr, handle, expiry);
  return r;
}

}  // namespace sspi
