// Schannel credentials: SCHANNEL_CRED (v4) or SCH_CREDENTIALS (v5) with an
// optional certificate imported from a PFX. The imported certificate and its
// private key live as long as the credentials handle; the key containers
// PFXImportCertStore persisted are deleted afterwards, so nothing is left in the
// user's key store.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "win.h"

namespace sspi {

struct SchannelOptions {
  bool present = false;
  bool hasPfx = false;
  std::vector<uint8_t> pfx;
  std::u16string pfxPassword;
  ULONG version = 4;  // 4: SCHANNEL_CRED, 5: SCH_CREDENTIALS
  ULONG protocols = 0;  // SP_PROT_* enabled; 0 = the system default
  ULONG flags = 0;      // SCH_CRED_* / SCH_USE_*
  ULONG minCipherStrength = 0;
  ULONG maxCipherStrength = 0;
  std::vector<ALG_ID> algorithms;

  SchannelOptions() = default;
  SchannelOptions(SchannelOptions&&) = default;
  SchannelOptions& operator=(SchannelOptions&&) = default;
  ~SchannelOptions();
};

// Parses the `schannel` argument of acquireCredentials (null/undefined: absent).
SchannelOptions ParseSchannelOptions(Napi::Env env, Napi::Value value, const char* call);

// The PFX's certificate store; deletes the persisted keys when destroyed.
class ImportedCertificate {
 public:
  ImportedCertificate(HCERTSTORE store, PCCERT_CONTEXT cert) : store_(store), cert_(cert) {}
  ImportedCertificate(const ImportedCertificate&) = delete;
  ImportedCertificate& operator=(const ImportedCertificate&) = delete;
  ~ImportedCertificate();
  PCCERT_CONTEXT cert() const { return cert_; }

 private:
  HCERTSTORE store_;
  PCCERT_CONTEXT cert_;
};

struct SchannelAcquireResult {
  SECURITY_STATUS status = SEC_E_OK;
  const char* call = "AcquireCredentialsHandle";
  // Set when the library refused before SSPI (bad PFX, wrong password, no key).
  std::string libraryCode;
  std::string message;
  std::unique_ptr<ImportedCertificate> certificate;
};

// Runs on any thread. Wipes the PFX password.
SchannelAcquireResult AcquireSchannel(SchannelOptions& options, const wchar_t* package, ULONG use,
                                      const wchar_t* principal, CredHandle* handle,
                                      TimeStamp* expiry);

}  // namespace sspi
