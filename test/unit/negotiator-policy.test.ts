// Unit tests of the Negotiator's pure-TS policy paths with a FAKE SSP.
//
// FakeSsp is not SSPI: it replaces SecurityContext and Credentials with scripted
// results so that paths real Wine never reaches (null sessions, guest SIDs, a
// Negotiate handshake ending in NTLM, HTTP/2, unexpected statuses) can be
// checked on Linux Node. Everything that needs a real handshake is tested
// against real SSPI in frameworks.test.ts and test/clients/.
import { EventEmitter } from 'events';
import type { IncomingMessage } from 'http';

interface FakeStep {
  status: number;
  statusName: string;
  done: boolean;
  completeNeeded?: boolean;
  attributes?: number;
  outputToken?: Buffer | null;
  throws?: unknown;
}

// The fake SSP's script and record, shared with the mocked modules.
const FakeSsp = {
  steps: [] as FakeStep[],
  negotiatedPackage: 'Kerberos',
  user: null as null | { name: string; domain: string; sid: string; groups: [] },
  created: 0,
  disposed: 0,
  acquired: [] as string[],
  reset(): void {
    this.steps = [];
    this.negotiatedPackage = 'Kerberos';
    this.user = null;
    this.created = 0;
    this.disposed = 0;
    this.acquired = [];
  },
};

jest.mock('../../lib/credentials', () => ({
  Credentials: {
    acquireSync: (o: { package: string }) => {
      FakeSsp.acquired.push(o.package);
      return { package: o.package, dispose: () => undefined };
    },
  },
}));

jest.mock('../../lib/context', () => ({
  SecurityContext: {
    server: (cred: { package: string }) => {
      FakeSsp.created++;
      return {
        package: cred.package,
        accept: async () => {
          const step = FakeSsp.steps.shift();
          if (!step) throw new Error('FakeSsp: no scripted step left');
          if (step.throws) throw step.throws;
          return { completeNeeded: false, attributes: 0, outputToken: null, expiry: null, buffers: { input: [], output: [] }, ...step };
        },
        query: () => ({ package: { name: FakeSsp.negotiatedPackage } }),
        queryUser: () => {
          if (!FakeSsp.user) throw new (jest.requireActual('../../lib/errors').SspiError)('', { status: 0x80090302, call: 'QuerySecurityContextToken' });
          return FakeSsp.user;
        },
        dispose: () => {
          FakeSsp.disposed++;
        },
      };
    },
  },
}));

// Imported after the mocks (jest hoists jest.mock above imports).
import { NegotiateError, Negotiator } from '../../lib/http';
import { SspiError } from '../../lib/errors';
import { AscRet } from '../../lib/flags';

const OK = { status: 0, statusName: 'SEC_E_OK', done: true };
const CONTINUE = { status: 0x00090312, statusName: 'SEC_I_CONTINUE_NEEDED', done: false, outputToken: Buffer.from('challenge') };
const KERBEROS_TOKEN = `Negotiate ${Buffer.from('\x60\x82 spnego-ish').toString('base64')}`;
const NTLM_TYPE1 = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0])]);
const NTLM_TYPE3 = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([3, 0, 0, 0, 0, 0, 0, 0])]);

class FakeSocket extends EventEmitter {}

function request(opts: { socket?: FakeSocket; authorization?: string; method?: string; headers?: Record<string, string>; httpVersionMajor?: number; httpVersion?: string } = {}): IncomingMessage {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.authorization) headers.authorization = opts.authorization;
  return {
    method: opts.method ?? 'GET', headers, socket: opts.socket ?? new FakeSocket(),
    httpVersionMajor: opts.httpVersionMajor ?? 1, httpVersion: opts.httpVersion ?? '1.1',
  } as unknown as IncomingMessage;
}

function negotiator(options: ConstructorParameters<typeof Negotiator>[0] = {}): { n: Negotiator; logs: string[] } {
  const logs: string[] = [];
  return { n: new Negotiator({ ...options, log: (l) => logs.push(l) }), logs };
}

beforeEach(() => FakeSsp.reset());

describe('Negotiator policy with a fake SSP (pure TS logic, not SSPI)', () => {
  test('HTTP/2 is refused with 505 and a reason, before any SSPI call', async () => {
    const { n, logs } = negotiator();
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN, httpVersionMajor: 2, httpVersion: '2.0' }));
    expect(out).toMatchObject({ kind: 'respond', status: 505 });
    expect(out.kind === 'respond' && out.error).toBeInstanceOf(NegotiateError);
    expect(out.kind === 'respond' && (out.error as NegotiateError).code).toBe('ERR_NEGOTIATE_HTTP2');
    expect(logs.join('\n')).toMatch(/HTTP\/2/);
    expect(FakeSsp.created).toBe(0);
  });

  test('CORS preflight passes unauthenticated by default, and is challenged when the option is off', async () => {
    const preflight = { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' } };
    expect(await negotiator().n.authenticate(request(preflight))).toEqual({ kind: 'pass' });
    const strict = await negotiator({ passPreflight: false }).n.authenticate(request(preflight));
    expect(strict).toMatchObject({ kind: 'respond', status: 401, headers: { 'WWW-Authenticate': ['Negotiate'] } });
    // A plain OPTIONS (no Access-Control-Request-Method) is not a preflight.
    expect(await negotiator().n.authenticate(request({ method: 'OPTIONS' }))).toMatchObject({ status: 401 });
  });

  test('a null-session context is refused with 403 and deleted', async () => {
    const { n } = negotiator();
    FakeSsp.steps.push({ ...OK, attributes: AscRet.NULL_SESSION });
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 403 });
    expect(out.kind === 'respond' && (out.error as NegotiateError).code).toBe('ERR_NEGOTIATE_ANONYMOUS');
    expect(FakeSsp.disposed).toBe(1);
    expect(n.contexts).toBe(0);
  });

  test('ASC_RET_LICENSING (0x00040000, the bit ISC uses for NULL_SESSION) is not taken for a null session', async () => {
    const { n } = negotiator();
    FakeSsp.steps.push({ ...OK, attributes: 0x00040000 });
    expect(await n.authenticate(request({ authorization: KERBEROS_TOKEN }))).toMatchObject({ kind: 'authenticated' });
  });

  test.each([
    ['the anonymous SID', 'S-1-5-7'],
    ['a domain guest SID', 'S-1-5-21-1-2-3-501'],
  ])('%s is refused with 403', async (_what, sid) => {
    const { n } = negotiator();
    FakeSsp.user = { name: 'x', domain: 'D', sid, groups: [] };
    FakeSsp.steps.push(OK);
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 403 });
    expect(n.contexts).toBe(0);
  });

  test('a Negotiate handshake that ends in NTLM is refused when NTLM is not allowed', async () => {
    const { n } = negotiator({ packages: ['Kerberos'] });
    FakeSsp.negotiatedPackage = 'NTLM';
    FakeSsp.steps.push(OK);
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 403 });
    expect(out.kind === 'respond' && out.body).toMatch(/NTLM is not allowed/);
    expect(FakeSsp.disposed).toBe(1);
  });

  test('a raw NTLMSSP token inside Negotiate is refused without an SSPI call when NTLM is not allowed', async () => {
    const { n, logs } = negotiator({ packages: ['Kerberos'] });
    const out = await n.authenticate(request({ authorization: `Negotiate ${NTLM_TYPE1.toString('base64')}` }));
    expect(out).toMatchObject({ kind: 'respond', status: 401 });
    expect(FakeSsp.created).toBe(0);
    expect(logs.join('\n')).toMatch(/refused an NTLM token/);
  });

  test('the bare NTLM scheme is refused unless offered, and offering it without the package is an options error', async () => {
    const out = await negotiator().n.authenticate(request({ authorization: `NTLM ${NTLM_TYPE1.toString('base64')}` }));
    expect(out).toMatchObject({ kind: 'respond', status: 401 });
    expect(out.kind === 'respond' && (out.error as NegotiateError).code).toBe('ERR_NEGOTIATE_POLICY');
    expect(() => new Negotiator({ offerNtlmScheme: true, packages: ['Kerberos'] })).toThrow(/offerNtlmScheme/);
  });

  test('missing required flags give 403 naming the flags', async () => {
    const { n } = negotiator({ requireFlags: AscRet.INTEGRITY | AscRet.CONFIDENTIALITY });
    FakeSsp.steps.push({ ...OK, attributes: AscRet.INTEGRITY });
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 403 });
    expect(out.kind === 'respond' && out.body).toMatch(/CONFIDENTIALITY/);
    expect(out.kind === 'respond' && out.body).not.toMatch(/INTEGRITY/);
  });

  test.each([
    ['Negotiate', 'empty token'],
    ['Negotiate !!!', 'token is not base64'],
  ])('a bad Authorization header %j gives 401 (%s)', async (header, reason) => {
    const out = await negotiator().n.authenticate(request({ authorization: header }));
    expect(out).toMatchObject({ kind: 'respond', status: 401 });
    expect(out.kind === 'respond' && out.body).toContain(reason);
    expect(FakeSsp.created).toBe(0);
  });

  test('an SSPI failure becomes 401 with the typed error, and the context is deleted', async () => {
    const { n } = negotiator();
    FakeSsp.steps.push({ ...OK, throws: new SspiError('', { status: 0x8009030c, call: 'AcceptSecurityContext' }) });
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 401 });
    expect(out.kind === 'respond' && out.error).toBeInstanceOf(SspiError);
    expect(out.kind === 'respond' && (out.error as SspiError).code).toBe('SEC_E_LOGON_DENIED');
    expect(n.contexts).toBe(0);
    expect(FakeSsp.disposed).toBe(1);
  });

  test('a non-SSPI exception is a 500, not a crash', async () => {
    const { n } = negotiator();
    FakeSsp.steps.push({ ...OK, throws: new TypeError('boom') });
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 500 });
    expect(n.contexts).toBe(0);
  });

  test('COMPLETE_NEEDED (never expected from Kerberos/NTLM) is a 500 ERR_NEGOTIATE_PROTOCOL', async () => {
    const { n } = negotiator();
    FakeSsp.steps.push({ status: 0x00090313, statusName: 'SEC_I_COMPLETE_NEEDED', done: false, completeNeeded: true });
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 500 });
    expect(out.kind === 'respond' && (out.error as NegotiateError).code).toBe('ERR_NEGOTIATE_PROTOCOL');
    expect(n.contexts).toBe(0);
  });

  test('a continuation is 401 with the token; Connection: close mid-handshake is logged; socket close deletes the context', async () => {
    const { n, logs } = negotiator({ packages: ['Kerberos', 'NTLM'], offerNtlmScheme: true });
    const socket = new FakeSocket();
    FakeSsp.steps.push(CONTINUE);
    const out = await n.authenticate(request({ socket, authorization: `NTLM ${NTLM_TYPE1.toString('base64')}`, headers: { connection: 'close' } }));
    expect(out).toMatchObject({ kind: 'respond', status: 401, headers: { 'WWW-Authenticate': `NTLM ${Buffer.from('challenge').toString('base64')}` } });
    expect(FakeSsp.acquired).toEqual(['NTLM']);
    expect(logs.join('\n')).toMatch(/Connection: close/);
    expect(n.contexts).toBe(1);
    socket.emit('close');
    expect(n.contexts).toBe(0);
    expect(FakeSsp.disposed).toBe(1);
  });

  test('an NTLM AUTHENTICATE on a connection without a handshake is logged', async () => {
    const { n, logs } = negotiator({ offerNtlmScheme: true });
    FakeSsp.steps.push({ ...OK, throws: new SspiError('', { status: 0x80090308, call: 'AcceptSecurityContext' }) });
    const out = await n.authenticate(request({ authorization: `NTLM ${NTLM_TYPE3.toString('base64')}` }));
    expect(out).toMatchObject({ kind: 'respond', status: 401 });
    expect(logs.join('\n')).toMatch(/AUTHENTICATE message arrived on a connection with no handshake/);
  });

  test('an idle handshake is deleted after the TTL', async () => {
    const { n, logs } = negotiator({ handshakeTimeoutMs: 20 });
    FakeSsp.steps.push(CONTINUE);
    await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(n.contexts).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(n.contexts).toBe(0);
    expect(logs.join('\n')).toMatch(/deleted an unfinished Negotiate handshake/);
  });

  test('channel binding "required" on a plain-TCP connection is 403', async () => {
    const { n } = negotiator({ channelBinding: 'required' });
    const out = await n.authenticate(request({ authorization: KERBEROS_TOKEN }));
    expect(out).toMatchObject({ kind: 'respond', status: 403 });
    expect(out.kind === 'respond' && (out.error as NegotiateError).code).toBe('ERR_NEGOTIATE_CHANNEL_BINDING');
    expect(n.contexts).toBe(0);
  });

  test('an authenticated connection persists; persistOnConnection: false challenges again', async () => {
    for (const persist of [true, false]) {
      const { n } = negotiator({ persistOnConnection: persist });
      const socket = new FakeSocket();
      FakeSsp.steps.push({ ...OK, attributes: AscRet.MUTUAL_AUTH, outputToken: Buffer.from('final') });
      const first = await n.authenticate(request({ socket, authorization: KERBEROS_TOKEN }));
      expect(first).toMatchObject({ kind: 'authenticated', headers: { 'WWW-Authenticate': `Negotiate ${Buffer.from('final').toString('base64')}` } });
      expect(first.kind === 'authenticated' && first.auth).toMatchObject({ mutual: true, user: null, requestsOnConnection: 1 });
      expect(first.kind === 'authenticated' && first.auth.identityUnavailable).toMatch(/SEC_E_UNSUPPORTED_FUNCTION/);
      const second = await n.authenticate(request({ socket }));
      if (persist) expect(second).toMatchObject({ kind: 'authenticated', auth: { requestsOnConnection: 2 } });
      else expect(second).toMatchObject({ kind: 'respond', status: 401 });
      socket.emit('close');
      expect(n.contexts).toBe(0);
    }
  });
});
