// Channel bindings (EPA) over HTTPS for real: an https server in this process
// with the test PFX, a Negotiator in 'required' mode, and an NTLM client from
// this library that sends the tls-server-end-point bindings of the certificate
// it saw. Wine accepts and ignores bindings, so the refusal of wrong bindings
// runs in the Windows job only.
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { TLSSocket } from 'tls';
import {
  AuthInfo, liveHandles, Negotiator, SecBufferType, secChannelBindings, SecurityContext, tlsServerEndPoint, withNegotiate,
} from '../lib';
import { describeSspi, ntlmClientCredentials, ntlmUnavailable, testUnless, underWine } from './helpers/sspi';

const pfxPath = process.env.SSPI_TEST_TLS_PFX;
const unavailable = ntlmUnavailable ?? (pfxPath ? null : 'no test PFX (SSPI_TEST_TLS_PFX unset; scripts/tls-server.sh sets it)');

interface Reply { status: number; wwwAuthenticate: string; body: string; serverCert: Buffer | null }

function get(port: number, agent: https.Agent, authorization?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.get({
      host: '127.0.0.1', port, path: '/', agent, rejectUnauthorized: false,
      headers: authorization ? { Authorization: authorization } : {},
    }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerX509Certificate?.();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, wwwAuthenticate: String(res.headers['www-authenticate'] ?? ''), body, serverCert: peer ? peer.raw : null,
      }));
    });
    req.on('error', reject);
  });
}

/** NTLM over Negotiate with the given bindings (null: none); returns the last reply. */
async function ntlmLogin(port: number, bindingsFor: (serverCert: Buffer) => Buffer | null): Promise<Reply> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const cred = ntlmClientCredentials();
  const client = SecurityContext.client(cred, 'HTTP/localhost');
  try {
    const challenge = await get(port, agent);
    expect(challenge.status).toBe(401);
    const bindings = bindingsFor(challenge.serverCert!);
    const extraInput = bindings ? [{ type: SecBufferType.CHANNEL_BINDINGS, data: bindings }] : [];
    // NTLM puts the bindings' hash in the AUTHENTICATE message, so they go with
    // the challenge leg; Wine's NTLM rejects any input buffer on the first call.
    let token = client.initializeSync(null).outputToken!;
    let reply = await get(port, agent, `Negotiate ${token.toString('base64')}`);
    for (let leg = 0; reply.status === 401 && /^Negotiate \S/.test(reply.wwwAuthenticate) && leg < 3; leg++) {
      const step = client.initializeSync(Buffer.from(reply.wwwAuthenticate.slice(10), 'base64'), { extraInput });
      token = step.outputToken!;
      reply = await get(port, agent, `Negotiate ${token.toString('base64')}`);
    }
    return reply;
  } finally {
    client.dispose();
    cred.dispose();
    agent.destroy();
  }
}

describeSspi('channel bindings over HTTPS', () => {
  let server: https.Server;
  let negotiator: Negotiator;
  let port = 0;
  const seen: Array<{ auth: AuthInfo; serverEndPoint: Buffer | null }> = [];
  const logs: string[] = [];

  beforeAll(async () => {
    if (unavailable) return;
    negotiator = new Negotiator({ channelBinding: 'required', packages: ['Kerberos', 'NTLM'], log: (l) => logs.push(l) });
    server = https.createServer({ pfx: fs.readFileSync(pfxPath!), passphrase: process.env.SSPI_TEST_TLS_PFX_PASSWORD },
      withNegotiate((req, res) => {
        const own = (req.socket as TLSSocket).getX509Certificate();
        seen.push({ auth: req.auth!, serverEndPoint: own ? tlsServerEndPoint(own) : null });
        res.end('ok');
      }, negotiator));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    if (unavailable) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    negotiator.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  testUnless(unavailable, 'the right tls-server-end-point bindings authenticate, and the server says it bound them', async () => {
    let clientEndPoint: Buffer | null = null;
    const reply = await ntlmLogin(port, (cert) => secChannelBindings((clientEndPoint = tlsServerEndPoint(cert))!));
    expect(reply.status).toBe(200);
    const last = seen[seen.length - 1];
    expect(last.auth).toMatchObject({ package: 'NTLM', channelBound: true });
    // Both ends derive the same bytes: the client from the certificate it was
    // served, the server from its own (RSA-SHA256 test certificate → SHA-256).
    expect(clientEndPoint!.subarray(0, 21).toString()).toBe('tls-server-end-point:');
    expect(clientEndPoint!.length).toBe(21 + 32);
    expect(last.serverEndPoint).toEqual(clientEndPoint);
  });

  testUnless(unavailable ?? (underWine ? "Wine's NTLM and Kerberos accept SECBUFFER_CHANNEL_BINDINGS and ignore them" : null),
    'wrong bindings are refused by SSPI: 401 with SEC_E_BAD_BINDINGS', async () => {
      const wrong = secChannelBindings(Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 0xab)]));
      const reply = await ntlmLogin(port, () => wrong);
      expect(reply.status).toBe(401);
      expect(reply.body).toMatch(/SEC_E_BAD_BINDINGS/);
      expect(logs.join('\n')).toMatch(/SEC_E_BAD_BINDINGS/);
    });
});
