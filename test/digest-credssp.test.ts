// Digest (HTTP, with PKG_PARAMS buffers and ASC_REQ_HTTP) and CredSSP. Wine 8
// ships neither package, so these skip there with the reason SSPI gave, and run
// in the Windows workflow.
import { AscReq, Credentials, CredentialUse, queryPackageInfo, SecBufferAttr, SecBufferType, SecurityContext, SspiError } from '../lib';
import { describeSspi, onWindows, realm, testUnless, underWine } from './helpers/sspi';

const ISC_REQ_USE_HTTP_STYLE = 0x01000000;

/** Why `pkg` cannot be tested here, or null when it is installed. */
function packageMissing(pkg: string): string | null {
  if (!onWindows) return 'not Windows';
  try {
    queryPackageInfo(pkg);
    return null;
  } catch (e) {
    const code = e instanceof SspiError ? e.code : String(e);
    return `${pkg} is not installed (QuerySecurityPackageInfo: ${code})${underWine ? '; Wine 8 ships no Digest/CredSSP' : ''}`;
  }
}

const digestMissing = packageMissing('WDigest');
const credsspMissing = packageMissing('CredSSP');
const ascii = (s: string) => Buffer.from(s, 'latin1');

describeSspi('Digest and CredSSP', () => {
  testUnless(digestMissing, 'Digest accept with PKG_PARAMS and ASC_REQ_HTTP issues a challenge and judges the response', async () => {
    const serverCred = Credentials.acquireSync({ package: 'WDigest', use: CredentialUse.INBOUND });
    using server = SecurityContext.server(serverCred);
    serverCred.dispose();
    const realmName = 'sspi-native-test';
    const params = (method: string) => [
      { type: SecBufferType.PKG_PARAMS, data: ascii(method) },
      { type: SecBufferType.PKG_PARAMS, data: Buffer.alloc(0) },
      { type: SecBufferType.PKG_PARAMS, data: Buffer.alloc(0) },
      { type: SecBufferType.PKG_PARAMS, data: Buffer.from(realmName, 'utf16le') },
    ];
    const first = server.rawStepSync({
      input: [{ type: SecBufferType.TOKEN, data: Buffer.alloc(0) }, ...params('GET')],
      flags: AscReq.HTTP, dataRep: 0,
      output: [{ type: SecBufferType.TOKEN, size: queryPackageInfo('WDigest').maxToken }],
    });
    expect(first.status).toBe(0x00090312); // SEC_I_CONTINUE_NEEDED
    const challenge = first.output[0].data!.subarray(0, first.output[0].length).toString('latin1');
    expect(challenge).toMatch(/nonce="[^"]+"/);
    expect(challenge).toContain(`realm="${realmName}"`);

    const clientCred = Credentials.acquireSync({
      package: 'WDigest', use: CredentialUse.OUTBOUND,
      user: realm.ntlmUser ?? '', domain: realm.ntlmDomain ?? '', password: realm.ntlmPassword ?? '',
    });
    using client = SecurityContext.client(clientCred, '/protected');
    clientCred.dispose();
    const response = client.rawStepSync({
      input: [
        { type: SecBufferType.TOKEN, data: ascii(challenge) },
        { type: SecBufferType.PKG_PARAMS, data: ascii('GET') },
        { type: SecBufferType.PKG_PARAMS, data: Buffer.alloc(0) },
      ],
      flags: ISC_REQ_USE_HTTP_STYLE, dataRep: 0,
      output: [{ type: SecBufferType.TOKEN, size: queryPackageInfo('WDigest').maxToken }],
    });
    expect(response.status & 0x80000000).toBe(0);
    const answer = response.output[0].data!.subarray(0, response.output[0].length);
    expect(answer.toString('latin1')).toMatch(/response="[0-9a-f]{32}"/);

    const second = server.rawStepSync({
      input: [{ type: SecBufferType.TOKEN, data: answer }, ...params('GET')],
      flags: AscReq.HTTP, dataRep: 0, output: [{ type: SecBufferType.TOKEN, size: 4096 }],
    });
    // A local account only verifies when its password is stored reversibly; a
    // domain account does. Either way the status is a definite SSPI answer.
    expect([0, 0x8009030c /* LOGON_DENIED */, 0x80090311 /* NO_AUTHENTICATING_AUTHORITY */]).toContain(second.status);
    // Buffers with the READONLY bit are accepted as input.
    const readonly = server.rawStepSync({
      input: [{ type: SecBufferType.TOKEN, data: answer }, ...params('GET').map((b) => ({ ...b, type: b.type | SecBufferAttr.READONLY }))],
      flags: AscReq.HTTP, dataRep: 0, output: [{ type: SecBufferType.TOKEN, size: 4096 }],
    });
    expect(typeof readonly.status).toBe('number');
  });

  testUnless(credsspMissing, 'CredSSP client credentials acquire and the package reports its token size', () => {
    const info = queryPackageInfo('CredSSP');
    expect(info.maxToken).toBeGreaterThan(0);
    const cred = Credentials.acquireSync({ package: 'CredSSP', use: CredentialUse.OUTBOUND });
    expect(cred.package).toBe('CredSSP');
    cred.dispose();
  });

  test('the skip reasons come from SSPI itself', () => {
    // On Wine the packages are absent and SSPI says so; elsewhere they are installed.
    if (underWine) {
      expect(digestMissing).toMatch(/SEC_E_SECPKG_NOT_FOUND/);
      expect(credsspMissing).toMatch(/SEC_E_SECPKG_NOT_FOUND/);
    } else if (onWindows) {
      expect(digestMissing).toBeNull();
      expect(credsspMissing).toBeNull();
    }
  });
});
