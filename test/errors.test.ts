// Bad input and misuse through the public API: typed errors, never a crash.
import { AscReq, Credentials, CredentialUse, IscReq, isContinuation, liveHandles, queryPackageInfo, SecurityContext, SspiError } from '../lib';
import { caughtSspiError, describeSspi, kerberosUnavailable, realm, testUnless, underWine } from './helpers/sspi';

/** A Kerberos AP-REQ for the test SPN, and the pair of contexts it came from. */
function kerberosFirstLeg() {
  const serverCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
  const clientCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.OUTBOUND });
  const client = SecurityContext.client(clientCred, realm.spn);
  const token = client.initializeSync(null, { flags: IscReq.MUTUAL_AUTH }).outputToken;
  if (!token) throw new Error('no AP-REQ');
  return {
    serverCred, clientCred, client, token, [Symbol.dispose]() {
      client.dispose();
      serverCred.dispose();
      clientCred.dispose();
    },
  };
}


describeSspi('errors and misuse', () => {
  test('an unknown package is SEC_E_SECPKG_NOT_FOUND from both calls', () => {
    const q = caughtSspiError(() => queryPackageInfo('NoSuchPackage'));
    expect(q.code).toBe('SEC_E_SECPKG_NOT_FOUND');
    expect(q.status).toBe(0x80090305);
    expect(q.package).toBe('NoSuchPackage');
    const a = caughtSspiError(() => Credentials.acquireSync({ package: 'NoSuchPackage', use: CredentialUse.INBOUND }));
    expect(a.code).toBe('SEC_E_SECPKG_NOT_FOUND');
    expect(a.call).toBe('AcquireCredentialsHandle');
  });

  test('bad argument types are ERR_SSPI_INVALID_ARGUMENT', () => {
    const bad: Array<() => unknown> = [
      () => Credentials.acquireSync({ package: 42 as unknown as string, use: CredentialUse.INBOUND }),
      () => Credentials.acquireSync({ package: 'NTLM', use: 9 as CredentialUse }),
      () => Credentials.acquireSync({ package: 'NTLM', use: CredentialUse.OUTBOUND, user: {} as string }),
      () => Credentials.acquireSync(null as unknown as { package: string; use: CredentialUse }),
    ];
    for (const fn of bad) expect(caughtSspiError(fn).code).toBe('ERR_SSPI_INVALID_ARGUMENT');
    const cred = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.INBOUND });
    using ctx = SecurityContext.server(cred);
    expect(caughtSspiError(() => ctx.acceptSync('token' as unknown as Buffer)).code).toBe('ERR_SSPI_INVALID_ARGUMENT');
    for (const type of [2 ** 32, 1.5, NaN, '2' as unknown as number]) {
      expect(caughtSspiError(() => ctx.rawStepSync({ input: [{ type, data: Buffer.alloc(1) }], flags: 0, dataRep: 0, output: null })).code)
        .toBe('ERR_SSPI_INVALID_ARGUMENT');
    }
    expect(caughtSspiError(() => ctx.rawStepSync({ input: [{ type: 2, size: 1e12 }], flags: 0, dataRep: 0, output: null })).code)
      .toBe('ERR_SSPI_INVALID_ARGUMENT');
    expect(caughtSspiError(() => ctx.initializeSync(null)).code).toBe('ERR_SSPI_INVALID_ARGUMENT');
    cred.dispose();
  });

  testUnless(kerberosUnavailable, 'garbage and truncated tokens are typed SSPI errors', () => {
    const cred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    for (const token of [Buffer.alloc(64, 0x41), Buffer.from([0x60, 0x82, 0x02])]) {
      using ctx = SecurityContext.server(cred);
      const e = caughtSspiError(() => ctx.acceptSync(token));
      expect(e.code).toMatch(/^SEC_E_/);
      expect(e.status & 0x80000000).toBeTruthy();
      expect(e.call).toBe('AcceptSecurityContext');
    }
    cred.dispose();
  });

  test('long non-SPNEGO server tokens for NTLM and Negotiate: refused before SSPI under Wine, typed SSPI errors on Windows', () => {
    // 1428+ bytes crash Wine's NTLM (found by the fuzzer); 1500 bytes is over the guard's 1425.
    const ntlmLike = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.alloc(1492, 0x5a)]);
    const garbage = Buffer.alloc(1500, 0x41);
    for (const pkg of ['NTLM', 'Negotiate']) {
      const cred = Credentials.acquireSync({ package: pkg, use: CredentialUse.INBOUND });
      for (const token of [ntlmLike, garbage]) {
        const server = SecurityContext.server(cred);
        const e = caughtSspiError(() => server.acceptSync(token));
        if (underWine) {
          expect(e.code).toBe('ERR_SSPI_UNSAFE_ON_WINE');
          expect(e.status).toBe(0x80090308);
          expect(e.package).toBe(pkg);
          expect(e.message).toMatch(/1500-byte/);
        } else {
          expect(e.code).toMatch(/^SEC_E_/);
        }
        server.dispose();
      }
      cred.dispose();
    }
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  test('an NTLM output list whose first buffer is under cbMaxToken: refused under Wine, a typed SSPI result on Windows', () => {
    const negotiateMessage = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([1, 0, 0, 0, 0x07, 0x82, 0x08, 0xa2]), Buffer.alloc(16)]);
    const cred = Credentials.acquireSync({ package: 'NTLM', use: CredentialUse.INBOUND });
    const server = SecurityContext.server(cred);
    const output = [{ type: 2 /* TOKEN */, size: 16 }];
    if (underWine) {
      const e = caughtSspiError(() => server.acceptSync(negotiateMessage, { output }));
      expect(e.code).toBe('ERR_SSPI_INVALID_ARGUMENT');
      expect(e.message).toMatch(/cbMaxToken \(\d+\)/);
      // A first buffer of cbMaxToken bytes is accepted by the guard.
      expect(() => server.rawStepSync({ input: [{ type: 2, data: negotiateMessage }], flags: 0, dataRep: 0x10, output: [{ type: 2, size: cred.maxToken }] }))
        .not.toThrow();
    } else {
      // Windows checks the size itself: a typed error, or a status in the result.
      try {
        const r = server.acceptSync(negotiateMessage, { output });
        expect(r.statusName).toMatch(/^SEC_/);
      } catch (e) {
        expect(e).toBeInstanceOf(SspiError);
        expect((e as SspiError).code).toMatch(/^SEC_E_/);
      }
    }
    server.dispose();
    cred.dispose();
  });

  testUnless(kerberosUnavailable, 'a zero-length token never establishes a context', () => {
    for (const pkg of ['Kerberos', 'Negotiate']) {
      const cred = Credentials.acquireSync({ package: pkg, use: CredentialUse.INBOUND });
      using ctx = SecurityContext.server(cred);
      cred.dispose();
      let outcome: string;
      try {
        const r = ctx.acceptSync(Buffer.alloc(0));
        // Wine answers SEC_I_CONTINUE_NEEDED; a continuation is not an authentication.
        expect(r.done).toBe(false);
        expect(isContinuation(r.status)).toBe(true);
        outcome = r.statusName;
      } catch (e) {
        expect(e).toBeInstanceOf(SspiError);
        expect((e as SspiError).code).toMatch(/^SEC_E_/);
        outcome = (e as SspiError).code;
      }
      expect(outcome).not.toBe('SEC_E_OK');
    }
  });

  testUnless(kerberosUnavailable, 'a replayed AP-REQ is rejected by a second server context', () => {
    using leg = kerberosFirstLeg();
    using first = SecurityContext.server(leg.serverCred);
    expect(first.acceptSync(leg.token).done).toBe(true);
    using second = SecurityContext.server(leg.serverCred);
    const e = caughtSspiError(() => second.acceptSync(leg.token));
    expect(e.code).toMatch(/^SEC_E_/);
    expect(e.call).toBe('AcceptSecurityContext');
    expect(e.package).toBe('Kerberos');
  });

  testUnless(kerberosUnavailable, 'a second accept on a completed context fails typed and leaves the context usable', () => {
    using leg = kerberosFirstLeg();
    using server = SecurityContext.server(leg.serverCred);
    const done = server.acceptSync(leg.token, { flags: AscReq.MUTUAL_AUTH });
    expect(done.done).toBe(true);
    expect(leg.client.initializeSync(done.outputToken, { flags: IscReq.MUTUAL_AUTH }).done).toBe(true);
    const e = caughtSspiError(() => server.acceptSync(leg.token));
    expect(e.code).toMatch(/^SEC_E_/);
    expect(e.call).toBe('AcceptSecurityContext');
    const message = Buffer.from('still established');
    expect(server.verify(message, leg.client.sign(message))).toBe(0);
  });

  test('use after dispose is ERR_SSPI_DISPOSED and dispose is idempotent', () => {
    const cred = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.INBOUND });
    const ctx = SecurityContext.server(cred);
    ctx.dispose();
    ctx.dispose();
    expect(ctx.disposed).toBe(true);
    const e = caughtSspiError(() => ctx.acceptSync(Buffer.alloc(8)));
    expect(e.code).toBe('ERR_SSPI_DISPOSED');
    expect(e.status).toBe(0x80090301);
    cred.dispose();
    cred.dispose();
    expect(caughtSspiError(() => cred.maxToken).code).toBe('ERR_SSPI_DISPOSED');
    expect(caughtSspiError(() => SecurityContext.server(cred)).code).toBe('ERR_SSPI_DISPOSED');
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  testUnless(kerberosUnavailable, 'a context keeps its credentials alive until it is disposed', async () => {
    const serverCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    const clientCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.OUTBOUND });
    const client = SecurityContext.client(clientCred, realm.spn);
    clientCred.dispose();
    expect(liveHandles().credentials).toBe(2);
    const token = client.initializeSync(null).outputToken;
    const server = SecurityContext.server(serverCred);
    serverCred.dispose();
    expect((await server.accept(token)).statusName).toBe('SEC_E_OK');
    server.dispose();
    client.dispose();
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  testUnless(kerberosUnavailable, 'async calls on one context are queued; sync calls meanwhile are ERR_SSPI_BUSY; dispose waits', async () => {
    const serverCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    const clientCred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.OUTBOUND });
    const tokens = Array.from({ length: 4 }, () => {
      using c = SecurityContext.client(clientCred, realm.spn);
      return c.initializeSync(null).outputToken;
    });
    const server = SecurityContext.server(serverCred);
    const first = server.accept(tokens[0]);
    const second = server.accept(tokens[1]);
    expect(server.busy).toBe(true);
    expect(caughtSspiError(() => server.acceptSync(tokens[2])).code).toBe('ERR_SSPI_BUSY');
    server.dispose();
    expect((await first).statusName).toBe('SEC_E_OK');
    await expect(second).rejects.toMatchObject({ code: 'ERR_SSPI_DISPOSED' });
    expect(liveHandles().contexts).toBe(0);
    serverCred.dispose();
    clientCred.dispose();
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });
});
