// Client identity, impersonation and CompleteAuthToken. Wine 8's SSPI does not
// implement them: under Wine the real tests skip with that reason (they run in
// the Windows workflow), and one test checks Wine's refusal arrives as a typed
// error rather than a crash.
import { AscReq, Credentials, CredentialUse, SecBufferType, SecurityContext, SspiError } from '../lib';
import { describeSspi, handshake, kerberosUnavailable, ntlmClientCredentials, ntlmUnavailable, realm, testUnless, underWine } from './helpers/sspi';

const WINE_LACKS = 'Wine 8 secur32 answers SEC_E_UNSUPPORTED_FUNCTION for QuerySecurityContextToken, '
  + 'ImpersonateSecurityContext and CompleteAuthToken; runs in .github/workflows/windows.yml';

async function ntlmServerContext(): Promise<SecurityContext> {
  const serverCred = Credentials.acquireSync({ package: 'NTLM', use: CredentialUse.INBOUND });
  const clientCred = ntlmClientCredentials();
  const server = SecurityContext.server(serverCred);
  const client = SecurityContext.client(clientCred, null);
  serverCred.dispose();
  clientCred.dispose();
  try {
    await handshake(client, server, { async: true, server: { flags: AscReq.CONNECTION } });
  } finally {
    client.dispose();
  }
  return server;
}

describeSspi('client identity and impersonation', () => {
  testUnless(underWine ? WINE_LACKS : ntlmUnavailable, 'queryUser() names the NTLM client, with SID and groups', async () => {
    using server = await ntlmServerContext();
    const user = server.queryUser();
    expect(user.name?.toLowerCase()).toBe(realm.ntlmUser?.toLowerCase());
    expect(user.sid).toMatch(/^S-1-5-/);
    expect(user.groups.length).toBeGreaterThan(0);
    expect(user.groups.every((g) => /^S-1-/.test(g.sid))).toBe(true);
  });

  testUnless(underWine ? WINE_LACKS : ntlmUnavailable, 'impersonate() runs synchronously as the client and always reverts', async () => {
    using server = await ntlmServerContext();
    expect(server.impersonate(() => 42)).toBe(42);
    expect(() => server.impersonate(() => { throw new Error('inside'); })).toThrow('inside');
    expect(() => server.impersonate(() => Promise.resolve(1))).toThrow(expect.objectContaining({ code: 'ERR_SSPI_INVALID_ARGUMENT' }));
    // Still usable afterwards: the revert happened on every path.
    expect(server.impersonate(() => 'again')).toBe('again');
  });

  testUnless(underWine ? null : 'only Wine lacks these calls', 'Wine: the unsupported calls are typed SEC_E_UNSUPPORTED_FUNCTION errors, not crashes', async () => {
    if (kerberosUnavailable) throw new Error(kerberosUnavailable);
    const serverCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    const clientCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.OUTBOUND });
    using server = SecurityContext.server(serverCred);
    using client = SecurityContext.client(clientCred, realm.spn);
    await handshake(client, server, { async: false });
    const calls: Array<[string, () => unknown]> = [
      ['QuerySecurityContextToken', () => server.queryUser()],
      ['ImpersonateSecurityContext', () => server.impersonate(() => 1)],
      ['CompleteAuthToken', () => server.completeAuthToken([{ type: SecBufferType.TOKEN, size: 0 }])],
    ];
    for (const [call, fn] of calls) {
      let error: unknown;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SspiError);
      expect(error).toMatchObject({ code: 'SEC_E_UNSUPPORTED_FUNCTION', status: 0x80090302, call, package: 'Kerberos' });
    }
    serverCred.dispose();
    clientCred.dispose();
  });

  testUnless(null, 'identity calls before the handshake are typed errors', () => {
    const cred = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.INBOUND });
    using ctx = SecurityContext.server(cred);
    for (const fn of [() => ctx.queryUser(), () => ctx.impersonate(() => 1), () => ctx.impersonate('x' as never)]) {
      expect(fn).toThrow(expect.objectContaining({ code: 'ERR_SSPI_INVALID_ARGUMENT' }));
    }
    cred.dispose();
  });
});
