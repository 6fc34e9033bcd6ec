// Shared helpers for tests that call real SSPI.
import {
  Credentials, CredentialUse, isSupported, loadError, platformInfo, SecurityContext, SspiError, StepOptions, StepResult,
} from '../../lib';

export const onWindows = isSupported();
export const wineVersion = onWindows ? platformInfo().wineVersion : null;
export const underWine = wineVersion !== null;

/** describe() for suites that need the native binding; otherwise one skipped test says why. */
export function describeSspi(name: string, body: () => void): void {
  if (onWindows) {
    describe(name, body);
  } else {
    describe(name, () => test.skip(`[skipped: ${loadError()?.message ?? 'SSPI unavailable'}]`, () => undefined));
  }
}

/** A test that needs a capability: skipped with the reason when `skipReason` is a string. */
export function testUnless(skipReason: string | null, name: string, fn: () => unknown, timeout?: number): void {
  if (skipReason) test.skip(`${name} [skipped: ${skipReason}]`, () => undefined);
  else test(name, fn as () => Promise<void>, timeout);
}

export const realm = {
  spn: process.env.SSPI_TEST_SPN ?? null,
  ntlmUser: process.env.SSPI_TEST_NTLM_USER ?? null,
  ntlmDomain: process.env.SSPI_TEST_NTLM_DOMAIN ?? null,
  ntlmPassword: process.env.SSPI_TEST_NTLM_PASSWORD ?? null,
};

/** Why a Kerberos test cannot run here, or null. */
export const kerberosUnavailable: string | null = !onWindows
  ? 'not Windows'
  : realm.spn
    ? null
    : 'no Kerberos realm configured (SSPI_TEST_SPN unset; scripts/realm.sh sets it)';

export const ntlmUnavailable: string | null = !onWindows
  ? 'not Windows'
  : realm.ntlmUser && realm.ntlmPassword
    ? null
    : 'no NTLM test account configured (SSPI_TEST_NTLM_USER/PASSWORD unset)';

export function ntlmClientCredentials(password = realm.ntlmPassword ?? ''): Credentials {
  return Credentials.acquireSync({
    package: 'NTLM', use: CredentialUse.OUTBOUND,
    user: realm.ntlmUser ?? '', domain: realm.ntlmDomain ?? '', password,
  });
}

export interface Handshake {
  client: SecurityContext;
  server: SecurityContext;
  legs: number;
  lastServerStatus: string;
  serverAttributes: number;
  clientAttributes: number;
}

/** Runs ISC <-> ASC in process until both sides are done; the caller disposes. */
export async function handshake(
  client: SecurityContext, server: SecurityContext,
  opts: { async: boolean; client?: StepOptions; server?: StepOptions },
): Promise<Handshake> {
  let token: Buffer | null = null;
  let legs = 0;
  let clientDone = false;
  let serverDone = false;
  let lastServerStatus = '';
  let serverAttributes = 0;
  let clientAttributes = 0;
  while (!(clientDone && serverDone)) {
    if (++legs > 10) throw new Error('handshake did not converge in 10 legs');
    if (!clientDone) {
      const c: StepResult = opts.async ? await client.initialize(token, opts.client) : client.initializeSync(token, opts.client);
      clientDone = c.done;
      clientAttributes = c.attributes;
      token = c.outputToken;
      if (!token) break;
    }
    const s: StepResult = opts.async ? await server.accept(token, opts.server) : server.acceptSync(token, opts.server);
    serverDone = s.done;
    lastServerStatus = s.statusName;
    serverAttributes = s.attributes;
    token = s.outputToken;
    if (!token && !clientDone) throw new Error(`server ${s.statusName} sent no token back`);
    if (!token) break;
  }
  return { client, server, legs, lastServerStatus, serverAttributes, clientAttributes };
}

/** Runs fn, which must throw an SspiError, and returns it. */
export function caughtSspiError(fn: () => unknown): SspiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SspiError);
    return e as SspiError;
  }
  throw new Error('expected an SspiError');
}
