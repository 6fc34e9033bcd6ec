// SECURITY_STATUS values (Sspi.h / winerror.h) with names and short descriptions.
// Continuation statuses are results, not errors: see isContinuation().

export interface StatusInfo {
  readonly name: string;
  readonly description: string;
}

const TABLE: ReadonlyArray<readonly [number, string, string]> = [
  [0x00000000, 'SEC_E_OK', 'The call succeeded.'],
  [0x00090312, 'SEC_I_CONTINUE_NEEDED', 'Send the output token to the peer and call again with its reply.'],
  [0x00090313, 'SEC_I_COMPLETE_NEEDED', 'Call CompleteAuthToken before sending the output token.'],
  [0x00090314, 'SEC_I_COMPLETE_AND_CONTINUE', 'Call CompleteAuthToken, send the output token, then call again with the reply.'],
  [0x00090315, 'SEC_I_LOCAL_LOGON', 'The logon was completed, but no network authority was available.'],
  [0x00090317, 'SEC_I_CONTEXT_EXPIRED', 'The context has expired and can no longer be used.'],
  [0x00090320, 'SEC_I_INCOMPLETE_CREDENTIALS', 'The credentials supplied were not complete.'],
  [0x00090321, 'SEC_I_RENEGOTIATE', 'The context data must be renegotiated with the peer.'],
  [0x00090323, 'SEC_I_NO_LSA_CONTEXT', 'There is no LSA mode context associated with this context.'],
  [0x0009035C, 'SEC_I_SIGNATURE_NEEDED', 'A signature operation must be performed before the user can authenticate.'],
  [0x00090364, 'SEC_I_NO_RENEGOTIATION', 'The recipient rejected the renegotiation request.'],
  [0x00090368, 'SEC_I_MESSAGE_FRAGMENT', 'The returned buffer is only a fragment of the message.'],
  [0x0009036A, 'SEC_I_CONTINUE_NEEDED_MESSAGE_OK', 'The message was processed; more data is needed to continue.'],
  [0x0009036C, 'SEC_I_ASYNC_CALL_PENDING', 'An asynchronous SSPI routine has been called and the work is pending.'],
  [0x80090300, 'SEC_E_INSUFFICIENT_MEMORY', 'Not enough memory is available to complete this request.'],
  [0x80090301, 'SEC_E_INVALID_HANDLE', 'The handle specified is invalid.'],
  [0x80090302, 'SEC_E_UNSUPPORTED_FUNCTION', 'The function requested is not supported.'],
  [0x80090303, 'SEC_E_TARGET_UNKNOWN', 'The specified target is unknown or unreachable.'],
  [0x80090304, 'SEC_E_INTERNAL_ERROR', 'The Local Security Authority cannot be contacted, or an error did not map to an SSPI code.'],
  [0x80090305, 'SEC_E_SECPKG_NOT_FOUND', 'The requested security package does not exist.'],
  [0x80090306, 'SEC_E_NOT_OWNER', 'The caller is not the owner of the desired credentials.'],
  [0x80090307, 'SEC_E_CANNOT_INSTALL', 'The security package failed to initialize and cannot be installed.'],
  [0x80090308, 'SEC_E_INVALID_TOKEN', 'The token supplied to the function is invalid.'],
  [0x80090309, 'SEC_E_CANNOT_PACK', 'The security package is not able to marshal the logon buffer.'],
  [0x8009030A, 'SEC_E_QOP_NOT_SUPPORTED', 'The per-message quality of protection is not supported by the package.'],
  [0x8009030B, 'SEC_E_NO_IMPERSONATION', 'The security context does not allow impersonation of the client.'],
  [0x8009030C, 'SEC_E_LOGON_DENIED', 'The logon attempt failed.'],
  [0x8009030D, 'SEC_E_UNKNOWN_CREDENTIALS', 'The credentials supplied to the package were not recognized.'],
  [0x8009030E, 'SEC_E_NO_CREDENTIALS', 'No credentials are available in the security package.'],
  [0x8009030F, 'SEC_E_MESSAGE_ALTERED', 'The message or signature supplied for verification has been altered.'],
  [0x80090310, 'SEC_E_OUT_OF_SEQUENCE', 'The message supplied for verification is out of sequence.'],
  [0x80090311, 'SEC_E_NO_AUTHENTICATING_AUTHORITY', 'No authority could be contacted for authentication.'],
  [0x80090316, 'SEC_E_BAD_PKGID', 'The requested security package does not exist.'],
  [0x80090317, 'SEC_E_CONTEXT_EXPIRED', 'The context has expired and can no longer be used.'],
  [0x80090318, 'SEC_E_INCOMPLETE_MESSAGE', 'The supplied message is incomplete; read more data and call again.'],
  [0x80090320, 'SEC_E_INCOMPLETE_CREDENTIALS', 'The credentials supplied were not complete and could not be verified.'],
  [0x80090321, 'SEC_E_BUFFER_TOO_SMALL', 'The buffers supplied to a function were too small.'],
  [0x80090322, 'SEC_E_WRONG_PRINCIPAL', 'The target principal name is incorrect.'],
  [0x80090324, 'SEC_E_TIME_SKEW', 'The clocks on the client and server machines are skewed.'],
  [0x80090325, 'SEC_E_UNTRUSTED_ROOT', 'The certificate chain was issued by an authority that is not trusted.'],
  [0x80090326, 'SEC_E_ILLEGAL_MESSAGE', 'The message received was unexpected or badly formatted.'],
  [0x80090327, 'SEC_E_CERT_UNKNOWN', 'An unknown error occurred while processing the certificate.'],
  [0x80090328, 'SEC_E_CERT_EXPIRED', 'The received certificate has expired.'],
  [0x80090329, 'SEC_E_ENCRYPT_FAILURE', 'The specified data could not be encrypted.'],
  [0x80090330, 'SEC_E_DECRYPT_FAILURE', 'The specified data could not be decrypted.'],
  [0x80090331, 'SEC_E_ALGORITHM_MISMATCH', 'The client and server cannot communicate: they have no common algorithm.'],
  [0x80090332, 'SEC_E_SECURITY_QOS_FAILED', 'The security context could not be established due to a quality of service failure.'],
  [0x80090333, 'SEC_E_UNFINISHED_CONTEXT_DELETED', 'A security context was deleted before it was completed.'],
  [0x80090334, 'SEC_E_NO_TGT_REPLY', 'The client is trying to negotiate a context and the server requires user-to-user but did not send a TGT reply.'],
  [0x80090335, 'SEC_E_NO_IP_ADDRESSES', 'Unable to accomplish the requested task because the local machine has no IP addresses.'],
  [0x80090336, 'SEC_E_WRONG_CREDENTIAL_HANDLE', 'The supplied credential handle does not match the one associated with the context.'],
  [0x80090337, 'SEC_E_CRYPTO_SYSTEM_INVALID', 'The crypto system or checksum function is invalid.'],
  [0x80090338, 'SEC_E_MAX_REFERRALS_EXCEEDED', 'The number of maximum ticket referrals has been exceeded.'],
  [0x80090339, 'SEC_E_MUST_BE_KDC', 'The local machine must be a Kerberos KDC and it is not.'],
  [0x8009033A, 'SEC_E_STRONG_CRYPTO_NOT_SUPPORTED', 'The other end of the security negotiation requires strong crypto.'],
  [0x8009033B, 'SEC_E_TOO_MANY_PRINCIPALS', 'The KDC reply contained more than one principal name.'],
  [0x8009033C, 'SEC_E_NO_PA_DATA', 'Expected to find PA data for a hint of what etype to use, but it was not found.'],
  [0x8009033D, 'SEC_E_PKINIT_NAME_MISMATCH', 'The client certificate does not contain a valid UPN.'],
  [0x8009033E, 'SEC_E_SMARTCARD_LOGON_REQUIRED', 'Smartcard logon is required and was not used.'],
  [0x8009033F, 'SEC_E_SHUTDOWN_IN_PROGRESS', 'A system shutdown is in progress.'],
  [0x80090340, 'SEC_E_KDC_INVALID_REQUEST', 'An invalid request was sent to the KDC.'],
  [0x80090341, 'SEC_E_KDC_UNABLE_TO_REFER', 'The KDC was unable to generate a referral for the service requested.'],
  [0x80090342, 'SEC_E_KDC_UNKNOWN_ETYPE', 'The encryption type requested is not supported by the KDC.'],
  [0x80090343, 'SEC_E_UNSUPPORTED_PREAUTH', 'An unsupported preauthentication mechanism was presented to the Kerberos package.'],
  [0x80090345, 'SEC_E_DELEGATION_REQUIRED', 'The requested operation cannot be completed: the computer must be trusted for delegation.'],
  [0x80090346, 'SEC_E_BAD_BINDINGS', 'The client\'s supplied SSPI channel bindings were incorrect (channel binding policy was not satisfied).'],
  [0x80090347, 'SEC_E_MULTIPLE_ACCOUNTS', 'The received certificate was mapped to multiple accounts.'],
  [0x80090348, 'SEC_E_NO_KERB_KEY', 'No Kerberos key was found.'],
  [0x80090349, 'SEC_E_CERT_WRONG_USAGE', 'The certificate is not valid for the requested usage.'],
  [0x80090350, 'SEC_E_DOWNGRADE_DETECTED', 'The system cannot contact a domain controller, or a downgrade attack was detected.'],
  [0x80090351, 'SEC_E_SMARTCARD_CERT_REVOKED', 'The smartcard certificate used for authentication has been revoked.'],
  [0x80090352, 'SEC_E_ISSUING_CA_UNTRUSTED', 'An untrusted certificate authority was detected while processing the smartcard certificate.'],
  [0x80090353, 'SEC_E_REVOCATION_OFFLINE_C', 'The revocation status of the smartcard certificate could not be determined.'],
  [0x80090354, 'SEC_E_PKINIT_CLIENT_FAILURE', 'The smartcard certificate used for authentication was not trusted.'],
  [0x80090355, 'SEC_E_SMARTCARD_CERT_EXPIRED', 'The smartcard certificate used for authentication has expired.'],
  [0x80090356, 'SEC_E_NO_S4U_PROT_SUPPORT', 'The Kerberos subsystem encountered an error: a service for user protocol request was made against a domain controller which does not support it.'],
  [0x80090357, 'SEC_E_CROSSREALM_DELEGATION_FAILURE', 'An attempt was made by this server to make a Kerberos constrained delegation request for a target outside the server\'s realm.'],
  [0x80090358, 'SEC_E_REVOCATION_OFFLINE_KDC', 'The revocation status of the domain controller certificate could not be determined.'],
  [0x80090359, 'SEC_E_ISSUING_CA_UNTRUSTED_KDC', 'An untrusted certificate authority was detected while processing the domain controller certificate.'],
  [0x8009035A, 'SEC_E_KDC_CERT_EXPIRED', 'The domain controller certificate used for smartcard logon has expired.'],
  [0x8009035B, 'SEC_E_KDC_CERT_REVOKED', 'The domain controller certificate used for smartcard logon has been revoked.'],
  [0x8009035D, 'SEC_E_INVALID_PARAMETER', 'One or more of the parameters passed to the function was invalid.'],
  [0x8009035E, 'SEC_E_DELEGATION_POLICY', 'The client policy does not allow credential delegation to the target server.'],
  [0x8009035F, 'SEC_E_POLICY_NLTM_ONLY', 'The policy does not allow credential delegation to the target server with NLTM only authentication.'],
  [0x80090361, 'SEC_E_NO_CONTEXT', 'The required security context does not exist.'],
  [0x80090362, 'SEC_E_PKU2U_CERT_FAILURE', 'The PKU2U protocol encountered an error while attempting to utilize the associated certificates.'],
  [0x80090363, 'SEC_E_MUTUAL_AUTH_FAILED', 'The identity of the server computer could not be verified.'],
  [0x80090365, 'SEC_E_ONLY_HTTPS_ALLOWED', 'Only the https scheme is allowed.'],
  [0x80090367, 'SEC_E_APPLICATION_PROTOCOL_MISMATCH', 'No common application protocol exists between the client and the server.'],
  [0x80090369, 'SEC_E_INVALID_UPN_NAME', 'You cannot sign in with a user name that looks like a UPN here.'],
  [0x8009036B, 'SEC_E_EXT_BUFFER_TOO_SMALL', 'The extended buffer is too small.'],
  [0x8009036D, 'SEC_E_INSUFFICIENT_BUFFERS', 'Not enough secbuffers were supplied to generate a token.'],
  [0x80100003, 'SEC_E_INVALID_HANDLE_SCARD', 'The supplied handle is invalid (SCARD_E_INVALID_HANDLE; documented by AcceptSecurityContext as SEC_E_INVALID_HANDLE).'],
  [0xC000006D, 'STATUS_LOGON_FAILURE', 'The attempted logon is invalid (Digest: the context was already established).'],
  // NTSTATUS values that reach SSPI callers unmapped (measured: Wine's Kerberos
  // AcquireCredentialsHandle with a password while the KDC is down).
  [0xC0000001, 'STATUS_UNSUCCESSFUL', 'The operation failed (an NTSTATUS from the security package, not mapped to an SSPI code).'],
];

const BY_STATUS = new Map<number, StatusInfo>(TABLE.map(([s, name, description]) => [s, { name, description }]));
const BY_NAME = new Map<string, number>(TABLE.map(([s, name]) => [name, s]));

/** All known statuses, for documentation and tests. */
export const STATUS_TABLE: ReadonlyMap<number, StatusInfo> = BY_STATUS;

/** The unsigned 32-bit form of a status, whatever sign it arrived with. */
export function toUnsigned(status: number): number {
  return status >>> 0;
}

export function statusInfo(status: number): StatusInfo {
  const s = toUnsigned(status);
  return BY_STATUS.get(s) ?? {
    name: `SEC_STATUS_0x${s.toString(16).toUpperCase().padStart(8, '0')}`,
    description: 'Unknown security status.',
  };
}

export function statusName(status: number): string {
  return statusInfo(status).name;
}

export function statusFromName(name: string): number | undefined {
  return BY_NAME.get(name);
}

/** FAILED() in C: the severity bit is set. */
export function isFailure(status: number): boolean {
  return (toUnsigned(status) & 0x80000000) !== 0;
}

/** Statuses that mean "not done yet, keep going" rather than failure. */
export function isContinuation(status: number): boolean {
  const s = toUnsigned(status);
  return s === 0x00090312 || s === 0x00090313 || s === 0x00090314 || s === 0x80090318;
}
