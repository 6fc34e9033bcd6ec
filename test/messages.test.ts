// Per-message protection on real Kerberos contexts: signatures and encryption
// both ways, with tamper and replay detection.
import { AscReq, Credentials, CredentialUse, IscReq, SecBufferType, SecurityContext } from '../lib';
import { caughtSspiError, describeSspi, handshake, kerberosUnavailable, realm, testUnless } from './helpers/sspi';

const CLIENT_FLAGS = IscReq.MUTUAL_AUTH | IscReq.INTEGRITY | IscReq.CONFIDENTIALITY | IscReq.REPLAY_DETECT | IscReq.SEQUENCE_DETECT;
const SERVER_FLAGS = AscReq.INTEGRITY | AscReq.CONFIDENTIALITY | AscReq.REPLAY_DETECT | AscReq.SEQUENCE_DETECT;

async function pair(pkg: string) {
  const serverCred = Credentials.acquireSync({ package: pkg, use: CredentialUse.INBOUND });
  const clientCred = Credentials.acquireSync({ package: pkg, use: CredentialUse.OUTBOUND });
  const server = SecurityContext.server(serverCred);
  const client = SecurityContext.client(clientCred, realm.spn);
  serverCred.dispose();
  clientCred.dispose();
  await handshake(client, server, { async: true, client: { flags: CLIENT_FLAGS }, server: { flags: SERVER_FLAGS } });
  return {
    client, server, [Symbol.dispose]() {
      client.dispose();
      server.dispose();
    },
  };
}


describeSspi('message protection', () => {
  for (const pkg of ['Kerberos', 'Negotiate']) {
    testUnless(kerberosUnavailable, `${pkg} signatures verify both ways and detect tampering and replay`, async () => {
      using p = await pair(pkg);
      const message = Buffer.from('the quick brown fox');
      const sig = p.client.sign(message);
      expect(sig.length).toBeGreaterThan(0);
      expect(sig.length).toBeLessThanOrEqual(p.client.sizes().maxSignature);
      expect(p.server.verify(message, sig)).toBe(0);
      const back = p.server.sign(Buffer.from('reply'));
      expect(p.client.verify(Buffer.from('reply'), back)).toBe(0);

      const tampered = Buffer.from(message);
      tampered[0] ^= 1;
      const next = p.client.sign(message);
      expect(caughtSspiError(() => p.server.verify(tampered, next)).code).toBe('SEC_E_MESSAGE_ALTERED');
      const replay = caughtSspiError(() => p.server.verify(message, sig));
      expect(replay.call).toBe('VerifySignature');
      expect(['SEC_E_OUT_OF_SEQUENCE', 'SEC_E_INVALID_TOKEN', 'SEC_E_MESSAGE_ALTERED']).toContain(replay.code);
    });

    testUnless(kerberosUnavailable, `${pkg} encryption round-trips both ways; tampered ciphertext is rejected`, async () => {
      using p = await pair(pkg);
      const secret = Buffer.from('attack at dawn '.repeat(20));
      const sealed = p.client.encrypt(secret);
      expect(sealed.data.equals(secret)).toBe(false);
      expect(p.server.decrypt(sealed).data.equals(secret)).toBe(true);
      const reply = p.server.encrypt(Buffer.from('ok'));
      expect(p.client.decrypt(reply).data.toString()).toBe('ok');

      const again = p.client.encrypt(secret);
      const bad = { ...again, data: Buffer.from(again.data) };
      bad.data[3] ^= 0x40;
      const e = caughtSspiError(() => p.server.decrypt(bad));
      expect(e.call).toBe('DecryptMessage');
      expect(e.status & 0x80000000).toBeTruthy();
    });
  }

  testUnless(kerberosUnavailable, 'async message calls run on the thread pool, in order, and reject with typed errors', async () => {
    using p = await pair('Kerberos');
    const messages = Array.from({ length: 20 }, (_, i) => Buffer.from(`message ${i}`));
    // Queued in call order on one context: sequence numbers line up on the other side.
    const sealed = await Promise.all(messages.map((m) => p.client.encryptAsync(m)));
    for (let i = 0; i < messages.length; i++) {
      expect((await p.server.decryptAsync(sealed[i])).data.equals(messages[i])).toBe(true);
    }
    const sigs = await Promise.all(messages.map((m) => p.server.signAsync(m)));
    const qops = await Promise.all(messages.map((m, i) => p.client.verifyAsync(m, sigs[i])));
    expect(qops).toEqual(messages.map(() => 0));
    // A sync call while async ones are queued is refused, not interleaved.
    const pending = p.client.signAsync(Buffer.from('queued'));
    expect(caughtSspiError(() => p.client.sign(Buffer.from('now'))).code).toBe('ERR_SSPI_BUSY');
    await pending;
    const tampered = await p.client.encryptAsync(Buffer.from('secret'));
    tampered.data[0] ^= 1;
    await expect(p.server.decryptAsync(tampered)).rejects.toMatchObject({ call: 'DecryptMessage', package: 'Kerberos' });
    const raw = await p.client.rawMessageAsync('makeSignature', [
      { type: SecBufferType.DATA, data: Buffer.from('raw') },
      { type: SecBufferType.TOKEN, size: p.client.sizes().maxSignature },
    ]);
    expect(raw.status).toBe(0);
    expect(raw.buffers[1].length).toBeGreaterThan(0);
  });

  testUnless(kerberosUnavailable, 'message calls on an unestablished or disposed context are typed errors', async () => {
    const cred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    const ctx = SecurityContext.server(cred);
    expect(caughtSspiError(() => ctx.sign(Buffer.from('x'))).code).toBe('ERR_SSPI_INVALID_ARGUMENT');
    ctx.dispose();
    expect(caughtSspiError(() => ctx.rawMessage('makeSignature', [], {})).code).toBe('ERR_SSPI_DISPOSED');
    cred.dispose();
    using p = await pair('Kerberos');
    expect(caughtSspiError(() => p.client.rawMessage('makeSignature', 'nope' as never, {})).code).toBe('ERR_SSPI_INVALID_ARGUMENT');
    expect(caughtSspiError(() => p.client.rawMessage('verifySignature', [], { sequenceNumber: -1 })).code).toBe('ERR_SSPI_INVALID_ARGUMENT');
  });
});
