/*
 * The physical limit of this setup: N in-process Negotiate (Kerberos)
 * handshakes straight on Secur32, no Node, no addon. Same calls as the addon
 * bench: ISC (MUTUAL_AUTH) -> ASC -> ISC with the AP-REP, then both contexts
 * deleted; credentials acquired once. Output buffers are cbMaxToken bytes, as
 * the addon allocates them.
 *
 * Usage: raw-handshake.exe N SPN RESULT_FILE [WARMUP [NEGOTIATE_EVERY]]
 * Writes {"n":N,"seconds":S} to RESULT_FILE (Wine's console output is not
 * reliable through pipes) and exits 0, or prints the failing status and exits 1.
 * With WARMUP (the memory bench's baseline): WARMUP handshakes and garbage
 * accepts first, then N of each; the result adds the working set after the
 * warm-up and at the end, so Wine's own growth can be told from the addon's.
 * With NEGOTIATE_EVERY > 0, every NEGOTIATE_EVERY-th measured iteration also
 * accepts garbage on the Negotiate credential, as bench/memory.ts does.
 */
#define SECURITY_WIN32
#include <windows.h>
#include <psapi.h>
#include <security.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static unsigned char client_token[65536];
static unsigned char server_token[65536];

static int fail(const char *call, SECURITY_STATUS s) {
  fprintf(stderr, "%s failed: 0x%08lx\n", call, (unsigned long)s);
  return 1;
}

static int one_handshake(CredHandle *cc, CredHandle *sc, SEC_WCHAR *spn, ULONG max_token) {
  CtxtHandle client, server;
  int have_client = 0, have_server = 0;
  ULONG attrs;
  TimeStamp expiry;
  SecBuffer out_c = {max_token, SECBUFFER_TOKEN, client_token};
  SecBufferDesc out_cd = {SECBUFFER_VERSION, 1, &out_c};
  SECURITY_STATUS s = InitializeSecurityContextW(cc, NULL, spn, ISC_REQ_MUTUAL_AUTH, 0, SECURITY_NATIVE_DREP,
                                                 NULL, 0, &client, &out_cd, &attrs, &expiry);
  if (s != SEC_I_CONTINUE_NEEDED && s != SEC_E_OK) return fail("InitializeSecurityContext", s);
  have_client = 1;

  SecBuffer in_s = {out_c.cbBuffer, SECBUFFER_TOKEN, client_token};
  SecBufferDesc in_sd = {SECBUFFER_VERSION, 1, &in_s};
  SecBuffer out_s = {max_token, SECBUFFER_TOKEN, server_token};
  SecBufferDesc out_sd = {SECBUFFER_VERSION, 1, &out_s};
  s = AcceptSecurityContext(sc, NULL, &in_sd, ASC_REQ_MUTUAL_AUTH, SECURITY_NATIVE_DREP, &server, &out_sd, &attrs,
                            &expiry);
  if (s != SEC_E_OK) return fail("AcceptSecurityContext", s);
  have_server = 1;

  if (out_s.cbBuffer > 0) {
    SecBuffer in_c = {out_s.cbBuffer, SECBUFFER_TOKEN, server_token};
    SecBufferDesc in_cd = {SECBUFFER_VERSION, 1, &in_c};
    out_c.cbBuffer = max_token;
    s = InitializeSecurityContextW(cc, &client, spn, ISC_REQ_MUTUAL_AUTH, 0, SECURITY_NATIVE_DREP, &in_cd, 0,
                                   &client, &out_cd, &attrs, &expiry);
    if (s != SEC_E_OK) return fail("InitializeSecurityContext (AP-REP)", s);
  }
  if (have_client) DeleteSecurityContext(&client);
  if (have_server) DeleteSecurityContext(&server);
  return 0;
}

/* A failed accept of garbage on an INBOUND credential, as bench/memory.ts does. */
static void garbage(CredHandle *cred, int i, unsigned *seed) {
  static unsigned char token[1024];
  ULONG len = 0;
  if (i % 2 == 0) {
    static const unsigned char head[] = {0x60, 0x82, 0x02, 0x00, 0x06, 0x06};
    memcpy(token, head, sizeof head);
    len = sizeof head;
  }
  ULONG extra = i % 2 ? 1 + (ULONG)(i % 700) : (ULONG)(i % 600);
  for (ULONG k = 0; k < extra; k++) token[len++] = (unsigned char)((*seed = *seed * 1103515245u + 12345u) >> 16);
  SecBuffer in = {len, SECBUFFER_TOKEN, token};
  SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in};
  SecBuffer out = {sizeof server_token, SECBUFFER_TOKEN, server_token};
  SecBufferDesc outd = {SECBUFFER_VERSION, 1, &out};
  CtxtHandle ctx;
  SecInvalidateHandle(&ctx);
  ULONG attrs;
  TimeStamp expiry;
  AcceptSecurityContext(cred, NULL, &ind, ASC_REQ_MUTUAL_AUTH, SECURITY_NATIVE_DREP, &ctx, &outd, &attrs, &expiry);
  if (SecIsValidHandle(&ctx)) DeleteSecurityContext(&ctx);
}

static double working_set_mb(void) {
  PROCESS_MEMORY_COUNTERS c = {sizeof c};
  GetProcessMemoryInfo(GetCurrentProcess(), &c, sizeof c);
  return (double)c.WorkingSetSize / 1048576.0;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 6) {
    fprintf(stderr, "usage: raw-handshake.exe N SPN RESULT_FILE [WARMUP [NEGOTIATE_EVERY]]\n");
    return 2;
  }
  int warmup = argc >= 5 ? atoi(argv[4]) : -1;
  int negotiate_every = argc == 6 ? atoi(argv[5]) : 0;
  int n = atoi(argv[1]);
  wchar_t spn[256];
  MultiByteToWideChar(CP_UTF8, 0, argv[2], -1, spn, 256);

  PSecPkgInfoW info;
  SECURITY_STATUS s = QuerySecurityPackageInfoW(L"Negotiate", &info);
  if (s != SEC_E_OK) return fail("QuerySecurityPackageInfo", s);
  ULONG max_token = info->cbMaxToken < sizeof client_token ? info->cbMaxToken : sizeof client_token;
  FreeContextBuffer(info);

  CredHandle cc, sc;
  TimeStamp expiry;
  s = AcquireCredentialsHandleW(NULL, L"Negotiate", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cc, &expiry);
  if (s != SEC_E_OK) return fail("AcquireCredentialsHandle (outbound)", s);
  s = AcquireCredentialsHandleW(NULL, L"Negotiate", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &sc, &expiry);
  if (s != SEC_E_OK) return fail("AcquireCredentialsHandle (inbound)", s);

  CredHandle kc;
  if (warmup >= 0) {
    s = AcquireCredentialsHandleW(NULL, L"Kerberos", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &kc, &expiry);
    if (s != SEC_E_OK) return fail("AcquireCredentialsHandle (Kerberos inbound)", s);
  }
  unsigned seed = 1;
  for (int i = 0; i < warmup; i++) {
    if (one_handshake(&cc, &sc, spn, max_token)) return 1;
    garbage(&kc, i, &seed);
  }
  double ws_before = working_set_mb();

  LARGE_INTEGER freq, t0, t1;
  QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&t0);
  for (int i = 0; i < n; i++) {
    if (one_handshake(&cc, &sc, spn, max_token)) return 1;
    if (warmup >= 0) garbage(&kc, i, &seed);
    if (negotiate_every > 0 && i % negotiate_every == 0) garbage(&sc, i, &seed);
  }
  QueryPerformanceCounter(&t1);
  double ws_after = working_set_mb();
  FreeCredentialsHandle(&cc);
  FreeCredentialsHandle(&sc);
  if (warmup >= 0) FreeCredentialsHandle(&kc);

  FILE *f = fopen(argv[3], "w");
  if (!f) return fail("fopen", 0);
  fprintf(f, "{\"n\":%d,\"seconds\":%.6f,\"workingSetBeforeMB\":%.3f,\"workingSetAfterMB\":%.3f}\n", n,
          (double)(t1.QuadPart - t0.QuadPart) / (double)freq.QuadPart, ws_before, ws_after);
  fclose(f);
  return 0;
}
