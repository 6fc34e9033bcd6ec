// Schannel for real: server credentials from a PFX, and the Schannel client
// against openssl s_server (started by scripts/realm.sh) over loopback, fed in
// small pieces so INCOMPLETE_MESSAGE / MISSING / EXTRA all happen.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import {
  ContextAttribute, Credentials, CredentialUse, IscReq, IscRet, LibraryErrorCode, TLS_CLIENT_FLAGS, liveHandles, SchannelCredFlag, SchannelProtocol,
  SecurityContext, SspiError, TlsSession,
} from '../lib';
import { caughtSspiError, describeSspi, onWindows, testUnless, underWine } from './helpers/sspi';

const tls = {
  port: Number(process.env.SSPI_TEST_TLS_PORT ?? 0),
  pfx: process.env.SSPI_TEST_TLS_PFX ?? '',
  pfxPassword: process.env.SSPI_TEST_TLS_PFX_PASSWORD ?? '',
  cert: process.env.SSPI_TEST_TLS_CERT ?? '',
  bigFile: process.env.SSPI_TEST_TLS_BIG_FILE ?? '',
  bigSize: Number(process.env.SSPI_TEST_TLS_BIG_SIZE ?? 0),
};
const tlsUnavailable = !onWindows ? 'not Windows' : tls.port ? null : 'no TLS test server (SSPI_TEST_TLS_PORT unset; scripts/realm.sh sets it)';
const SERVER_SIDE_SKIP = underWine
  ? 'Wine 8 secur32 has no Schannel AcceptSecurityContext (SEC_E_UNSUPPORTED_FUNCTION); runs in the Windows workflow'
  : tlsUnavailable;
const PIECE = 64;

/** Bytes from a socket, one read at a time. */
class SocketReader {
  private chunks: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Up to `max` bytes, or null at end of stream. */
  async read(max: number): Promise<Buffer | null> {
    while (this.chunks.length === 0) {
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    const head = this.chunks[0];
    if (head.length <= max) return this.chunks.shift() ?? null;
    this.chunks[0] = head.subarray(max);
    return head.subarray(0, max);
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function clientCredentials(): Credentials {
  return Credentials.acquireSync({
    package: 'Schannel', use: CredentialUse.OUTBOUND,
    schannel: {
      protocols: SchannelProtocol.TLS1_2_CLIENT,
      flags: SchannelCredFlag.MANUAL_CRED_VALIDATION | SchannelCredFlag.NO_DEFAULT_CREDS,
    },
  });
}

async function clientHandshake(session: TlsSession, socket: net.Socket, reader: SocketReader): Promise<void> {
  let step = await session.handshake(null);
  for (;;) {
    if (step.send.length) socket.write(step.send);
    if (step.done) return;
    const bytes = await reader.read(PIECE);
    if (!bytes) throw new Error('server closed during the handshake');
    step = await session.handshake(bytes);
  }
}

/** A Schannel client session on a fresh connection to the test server; close() tears both down. */
async function openSession(flags?: number) {
  const cred = clientCredentials();
  const context = SecurityContext.client(cred, 'localhost');
  cred.dispose();
  const session = new TlsSession(context, flags === undefined ? {} : { flags });
  const socket = await connect(tls.port);
  const reader = new SocketReader(socket);
  return {
    context, session, socket, reader, close() {
      socket.destroy();
      context.dispose();
    },
  };
}

describeSspi('Schannel', () => {
  testUnless(tlsUnavailable, 'server credentials are acquired from a PFX (SCHANNEL_CRED and SCH_CREDENTIALS)', async () => {
    const pfx = fs.readFileSync(tls.pfx);
    const before = liveHandles().credentials;
    for (const version of [4, 5] as const) {
      const cred = await Credentials.acquire({
        package: 'Schannel', use: CredentialUse.INBOUND,
        schannel: { pfx, pfxPassword: tls.pfxPassword, version, protocols: SchannelProtocol.TLS1_2_SERVER },
      });
      expect(cred.package).toBe('Schannel');
      expect(cred.maxToken).toBeGreaterThan(0);
      expect(liveHandles().credentials).toBe(before + 1);
      cred.dispose();
      expect(liveHandles().credentials).toBe(before);
    }
  });

  testUnless(tlsUnavailable, 'a bad PFX gives ERR_SSPI_CERTIFICATE, a server without a certificate SEC_E_NO_CREDENTIALS', () => {
    const pfx = fs.readFileSync(tls.pfx);
    const attempt = (schannel: object) =>
      caughtSspiError(() => Credentials.acquireSync({ package: 'Schannel', use: CredentialUse.INBOUND, schannel }));
    const wrong = attempt({ pfx, pfxPassword: 'not-the-password' });
    expect(wrong.code).toBe(LibraryErrorCode.Certificate);
    expect(wrong.call).toBe('PFXImportCertStore');
    expect(wrong.message).toMatch(/password/);
    expect(attempt({ pfx: Buffer.from('not a pfx at all') }).code).toBe(LibraryErrorCode.Certificate);
    expect(attempt({}).code).toBe('SEC_E_NO_CREDENTIALS');
    expect(attempt({ version: 3 }).code).toBe(LibraryErrorCode.InvalidArgument);
    expect(() => Credentials.acquireSync({
      package: 'Schannel', use: CredentialUse.INBOUND, user: 'x', schannel: {},
    })).toThrow(/exclude each other/);
  });

  testUnless(tlsUnavailable, 'the client completes TLS with openssl s_server from 64-byte reads, then exchanges data', async () => {
    const { context, session, socket, reader, close } = await openSession();
    try {
      await clientHandshake(session, socket, reader);
      expect(session.done).toBe(true);
      // Records arrived in pieces: Schannel asked for more and said how much.
      expect(session.stats.incomplete).toBeGreaterThan(0);
      expect(session.stats.maxMissing).toBeGreaterThan(0);
      expect(session.stats.handshakeCalls).toBeGreaterThan(3);

      const sizes = context.query<{ header: number; trailer: number; maximumMessage: number }>(ContextAttribute.STREAM_SIZES);
      expect(sizes.header).toBeGreaterThan(0);
      expect(sizes.maximumMessage).toBeGreaterThanOrEqual(16384);
      const info = context.query<{ protocol: number; cipherStrength: number }>(ContextAttribute.CONNECTION_INFO);
      expect(info.protocol & SchannelProtocol.TLS1_2_CLIENT).toBeTruthy();
      expect(info.cipherStrength).toBeGreaterThanOrEqual(128);
      const remote = context.query<{ certificate: Buffer }>(ContextAttribute.REMOTE_CERT_CONTEXT);
      expect(remote.certificate.equals(pemToDer(fs.readFileSync(tls.cert, 'utf8')))).toBe(true);

      const request = await session.encrypt(Buffer.from(`GET /${tls.bigFile} HTTP/1.0\r\n\r\n`));
      expect(request.length).toBeGreaterThan(sizes.header + 20);
      expect(request.includes(Buffer.from('GET /'))).toBe(false);
      socket.write(request);

      // s_server -WWW keeps the connection open after the file: stop at its size.
      const plain: Buffer[] = [];
      let size = 0;
      const extraBefore = session.stats.extra;
      const incompleteBefore = session.stats.incomplete;
      while (size < tls.bigSize) {
        const bytes = await reader.read(PIECE);
        if (!bytes) break;
        const r = await session.decrypt(bytes);
        plain.push(r.data);
        size += r.data.length;
        if (r.closed) break;
      }
      const body = Buffer.concat(plain).toString('latin1');
      expect(body).toMatch(/^HTTP\/1\.0 200/);
      expect(body.endsWith('x'.repeat(tls.bigSize))).toBe(true);
      // The 50 kB body spans several records: partial records and a record
      // boundary inside one read both happened.
      expect(session.stats.incomplete).toBeGreaterThan(incompleteBefore);
      expect(session.stats.extra).toBeGreaterThan(extraBefore);
      socket.write(await session.shutdown());
    } finally {
      close();
    }
  }, 60_000);

  testUnless(tlsUnavailable, 'the client handshake with ISC_REQ_ALLOCATE_MEMORY copies and frees what Schannel allocated', async () => {
    const { session, socket, reader, close } = await openSession(TLS_CLIENT_FLAGS | IscReq.ALLOCATE_MEMORY);
    try {
      await clientHandshake(session, socket, reader);
      expect(session.done).toBe(true);
      expect(session.attributes & IscRet.ALLOCATED_MEMORY).toBe(IscRet.ALLOCATED_MEMORY);
      socket.write(await session.encrypt(Buffer.from(`GET /${tls.bigFile} HTTP/1.0\r\n\r\n`)));
      let size = 0;
      while (size < 100) {
        const bytes = await reader.read(4096);
        if (!bytes) break;
        size += (await session.decrypt(bytes)).data.length;
      }
      expect(size).toBeGreaterThanOrEqual(100);
      socket.write(await session.shutdown());
    } finally {
      close();
    }
  }, 60_000);

  testUnless(tlsUnavailable, 'tampered TLS records are rejected and shutdown yields close_notify', async () => {
    const { session, socket, reader, close } = await openSession();
    try {
      await clientHandshake(session, socket, reader);
      socket.write(await session.encrypt(Buffer.from(`GET /${tls.bigFile} HTTP/1.0\r\n\r\n`)));
      // Collect the first full record, flip a ciphertext bit, and decrypt on a copy of the stream.
      let raw = Buffer.alloc(0);
      while (raw.length < 5 || raw.length < 5 + raw.readUInt16BE(3)) {
        const bytes = await reader.read(4096);
        if (!bytes) throw new Error('server closed early');
        raw = Buffer.concat([raw, bytes]);
      }
      const record = Buffer.from(raw.subarray(0, 5 + raw.readUInt16BE(3)));
      record[record.length - 3] ^= 0x01;
      let error: unknown;
      try {
        await session.decrypt(record);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SspiError);
      expect((error as SspiError).call).toBe('DecryptMessage');
      expect(['SEC_E_MESSAGE_ALTERED', 'SEC_E_DECRYPT_FAILURE', 'SEC_E_INTERNAL_ERROR', 'SEC_E_ILLEGAL_MESSAGE'])
        .toContain((error as SspiError).code);

      const closeNotify = await session.shutdown();
      // An encrypted alert record: type 21, TLS 1.2.
      expect(closeNotify[0]).toBe(21);
      expect(closeNotify.readUInt16BE(1)).toBe(0x0303);
    } finally {
      close();
    }
  }, 60_000);

  testUnless(SERVER_SIDE_SKIP, 'Schannel server and client complete TLS in process and exchange data', async () => {
    const serverCred = Credentials.acquireSync({
      package: 'Schannel', use: CredentialUse.INBOUND,
      schannel: { pfx: fs.readFileSync(tls.pfx), pfxPassword: tls.pfxPassword, protocols: SchannelProtocol.TLS1_2_SERVER },
    });
    const clientCred = clientCredentials();
    const server = new TlsSession(SecurityContext.server(serverCred));
    const client = new TlsSession(SecurityContext.client(clientCred, 'localhost'));
    serverCred.dispose();
    clientCred.dispose();
    try {
      let toServer = (await client.handshake(null)).send;
      for (let i = 0; i < 10 && !(client.done && server.done); i++) {
        const s = await server.handshake(toServer);
        if (client.done) break;
        const c = await client.handshake(s.send);
        toServer = c.send;
      }
      expect(client.done && server.done).toBe(true);
      const secret = crypto.randomBytes(40_000);
      const records = await client.encrypt(secret);
      let received = Buffer.alloc(0);
      for (let i = 0; i < records.length; i += 1000) {
        received = Buffer.concat([received, (await server.decrypt(records.subarray(i, i + 1000))).data]);
      }
      expect(received.equals(secret)).toBe(true);
      const close = await client.shutdown();
      expect((await server.decrypt(close)).closed).toBe(true);
    } finally {
      server.context.dispose();
      client.context.dispose();
    }
  }, 60_000);
});
