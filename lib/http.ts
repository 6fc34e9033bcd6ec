// HTTP Negotiate (RFC 4559) over node:http: one core that decides, thin adapters
// (lib/adapters.ts) that apply the decision for Express, Koa and Fastify.
// Handshakes are connection-based: a context belongs to the TCP socket it began
// on (a WeakMap keyed by the socket object, never by headers or addresses) and
// is deleted when the socket closes or after an idle TTL.
import type { IncomingMessage, ServerResponse } from 'http';
import type { Socket } from 'net';
import type { TLSSocket } from 'tls';
import { secChannelBindings, tlsServerEndPoint } from './bindings';
import { SecurityContext, StepResult } from './context';
import { Credentials } from './credentials';
import { SspiError } from './errors';
import { AscReq, AscRet, ContextAttribute, CredentialUse, decodeFlags, SecBufferType } from './flags';
import { isContinuation } from './status';

export type AuthScheme = 'Negotiate' | 'NTLM';
export type NegotiatedPackage = 'Kerberos' | 'NTLM';
export type ChannelBindingMode = 'off' | 'when-supported' | 'required';

export interface NegotiateOptions {
  /** Packages a client may end up with; NTLM is refused (also inside Negotiate) unless listed. Default ['Kerberos', 'NTLM']. */
  packages?: NegotiatedPackage[];
  /** Also offer the bare `WWW-Authenticate: NTLM` scheme (needs 'NTLM' in packages). Default false. */
  offerNtlmScheme?: boolean;
  /** ASC_RET_* bits the context must have (e.g. AscRet.INTEGRITY), else 403. */
  requireFlags?: number;
  /**
   * ASC_REQ_* flags to request. Default for Kerberos/Negotiate: MUTUAL_AUTH |
   * INTEGRITY | CONFIDENTIALITY | REPLAY | SEQUENCE; for NTLM: MUTUAL_AUTH |
   * REPLAY | SEQUENCE, because HTTP NTLM clients (curl, browsers) do not
   * negotiate signing, and an NTLM server that demands it refuses them.
   */
  requestFlags?: number;
  /** Let CORS preflight requests (OPTIONS with Access-Control-Request-Method) through unauthenticated. Default true. */
  passPreflight?: boolean;
  /** A connection stays authenticated for later requests without Authorization (IIS authPersistNonNTLM). Default true. */
  persistOnConnection?: boolean;
  /** An unfinished handshake is deleted after this many ms without a leg. Default 30 000. */
  handshakeTimeoutMs?: number;
  /** EPA over HTTPS: tls-server-end-point from the server certificate. Default 'when-supported'. */
  channelBinding?: ChannelBindingMode;
  /** Server credentials; by default Negotiate (and NTLM) INBOUND for the process identity, acquired once. */
  credentials?: { negotiate?: Credentials; ntlm?: Credentials };
  /** Log lines for operators (handshake anomalies, policy refusals). */
  log?: (line: string) => void;
}

/** What a request learns about its authenticated client: req.auth (node:http, Express, Fastify), ctx.state.auth (Koa). */
export interface AuthInfo {
  scheme: AuthScheme;
  /** The package that authenticated the client. */
  package: string;
  /** ASC_RET_* bits and their names. */
  flags: number;
  flagNames: string[];
  /** The server proved itself to the client (mutual authentication). */
  mutual: boolean;
  /** Client identity from the access token, or null with the reason when the platform gives none. */
  user: { name: string | null; domain: string | null; sid: string; groups: Array<{ sid: string; name: string | null; domain: string | null }> } | null;
  identityUnavailable: string | null;
  /** Channel bindings were sent to SSPI for this handshake. */
  channelBound: boolean;
  /** Requests authenticated on this connection so far (1 for the handshake's own request). */
  requestsOnConnection: number;
  /** The server context, owned by the connection: valid until the socket closes. */
  context: SecurityContext;
}

export type NegotiateOutcome =
  | { kind: 'authenticated'; auth: AuthInfo; headers: Record<string, string> }
  | { kind: 'pass' }
  | { kind: 'respond'; status: number; headers: Record<string, string | string[]>; body: string; error: SspiError | NegotiateError | null };

/** A refusal by policy or protocol, with the HTTP status it maps to. */
export class NegotiateError extends Error {
  constructor(message: string, readonly code: string, readonly status: number, readonly cause?: unknown) {
    super(message);
    this.name = 'NegotiateError';
  }
}

interface ConnectionState {
  context: SecurityContext | null;
  scheme: AuthScheme | null;
  started: number;
  timer: NodeJS.Timeout | null;
  auth: AuthInfo | null;
  requests: number;
}

const NTLMSSP = Buffer.from('NTLMSSP\0', 'latin1');
const ANONYMOUS_SIDS = new Set(['S-1-5-7']);
const DEFAULT_REQUEST = AscReq.MUTUAL_AUTH | AscReq.INTEGRITY | AscReq.CONFIDENTIALITY | AscReq.REPLAY_DETECT | AscReq.SEQUENCE_DETECT;
const NTLM_DEFAULT_REQUEST = AscReq.MUTUAL_AUTH | AscReq.REPLAY_DETECT | AscReq.SEQUENCE_DETECT;

function isGuestSid(sid: string): boolean {
  return /^S-1-5-21-\d+-\d+-\d+-501$/.test(sid);
}

function parseAuthorization(header: string | undefined): { scheme: AuthScheme; token: Buffer } | { error: string } | null {
  if (!header) return null;
  const m = /^\s*(Negotiate|NTLM)\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!m) {
    if (/^\s*(Negotiate|NTLM)\s*$/i.test(header)) return { error: 'empty token' };
    return /^\s*(Negotiate|NTLM)\b/i.test(header) ? { error: 'token is not base64' } : null;
  }
  const scheme: AuthScheme = m[1].toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate';
  const token = Buffer.from(m[2], 'base64');
  if (token.length === 0) return { error: 'empty token' };
  return { scheme, token };
}

/** The core: decide what to do with a request. Create one per server and share it. */
export class Negotiator {
  private readonly connections = new WeakMap<Socket, ConnectionState>();
  private readonly options: Required<Omit<NegotiateOptions, 'credentials' | 'log' | 'requestFlags'>> & Pick<NegotiateOptions, 'log' | 'requestFlags'>;
  private negotiateCred: Credentials | null;
  private ntlmCred: Credentials | null;
  private readonly ownCredentials: boolean;
  private liveContexts = 0;

  constructor(options: NegotiateOptions = {}) {
    this.options = {
      packages: options.packages ?? ['Kerberos', 'NTLM'],
      offerNtlmScheme: options.offerNtlmScheme ?? false,
      requireFlags: options.requireFlags ?? 0,
      requestFlags: options.requestFlags,
      passPreflight: options.passPreflight ?? true,
      persistOnConnection: options.persistOnConnection ?? true,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 30_000,
      channelBinding: options.channelBinding ?? 'when-supported',
      log: options.log,
    };
    if (this.options.offerNtlmScheme && !this.options.packages.includes('NTLM')) {
      throw new NegotiateError("offerNtlmScheme needs 'NTLM' in packages", 'ERR_NEGOTIATE_OPTIONS', 500);
    }
    this.negotiateCred = options.credentials?.negotiate ?? null;
    this.ntlmCred = options.credentials?.ntlm ?? null;
    this.ownCredentials = !options.credentials;
  }

  /** Contexts this negotiator holds (pending handshakes plus authenticated connections). */
  get contexts(): number {
    return this.liveContexts;
  }

  /** WWW-Authenticate values for a fresh challenge. */
  challenges(): string[] {
    return this.options.offerNtlmScheme ? ['Negotiate', 'NTLM'] : ['Negotiate'];
  }

  /** Decides for one request; never throws for client or SSPI errors. */
  async authenticate(req: IncomingMessage): Promise<NegotiateOutcome> {
    try {
      return await this.decide(req);
    } catch (e) {
      const error = e instanceof SspiError || e instanceof NegotiateError ? e : new NegotiateError(String(e), 'ERR_NEGOTIATE_INTERNAL', 500, e);
      this.log(`internal error: ${error.message}`);
      return { kind: 'respond', status: 500, headers: {}, body: 'Internal authentication error', error };
    }
  }

  /** node:http: responds itself unless authenticated; returns the AuthInfo (also on req.auth) or null. */
  async handle(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<AuthInfo | null | 'pass'> {
    const outcome = await this.authenticate(req);
    if (outcome.kind === 'pass') return 'pass';
    if (outcome.kind === 'authenticated') {
      for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
      req.auth = outcome.auth;
      return outcome.auth;
    }
    res.writeHead(outcome.status, { 'Content-Type': 'text/plain; charset=utf-8', ...outcome.headers });
    res.end(outcome.body);
    return null;
  }

  /** Frees the credentials this negotiator acquired; open connections keep their contexts until they close. */
  dispose(): void {
    if (this.ownCredentials) {
      this.negotiateCred?.dispose();
      this.ntlmCred?.dispose();
    }
    this.negotiateCred = null;
    this.ntlmCred = null;
  }

  private async decide(req: IncomingMessage): Promise<NegotiateOutcome> {
    if (this.options.passPreflight && req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      return { kind: 'pass' };
    }
    if (req.httpVersionMajor >= 2) {
      const error = new NegotiateError(
        'Negotiate/NTLM authentication is connection-based and cannot run over HTTP/2; serve this route over HTTP/1.1',
        'ERR_NEGOTIATE_HTTP2', 505);
      this.log(error.message);
      return { kind: 'respond', status: 505, headers: {}, body: error.message, error };
    }
    const socket = req.socket;
    const state = this.state(socket);
    const parsed = parseAuthorization(req.headers.authorization);
    if (parsed === null) {
      if (state.auth && this.options.persistOnConnection) return this.authenticated(state, {});
      return this.challenge(null);
    }
    if ('error' in parsed) {
      return this.challenge(new NegotiateError(`bad Authorization header: ${parsed.error}`, 'ERR_NEGOTIATE_BAD_HEADER', 401));
    }
    const ntlmToken = parsed.token.includes(NTLMSSP);
    if (parsed.scheme === 'NTLM' && !this.options.offerNtlmScheme) {
      return this.challenge(new NegotiateError('the NTLM scheme is not offered', 'ERR_NEGOTIATE_POLICY', 401));
    }
    if (ntlmToken && !this.options.packages.includes('NTLM')) {
      this.log('refused an NTLM token: NTLM is not in the allowed packages');
      return this.challenge(new NegotiateError('NTLM is not allowed', 'ERR_NEGOTIATE_POLICY', 401));
    }
    // A new handshake replaces whatever the connection had.
    if (state.auth || (state.context && state.scheme !== parsed.scheme)) this.reset(state);
    if (!state.context) {
      if (this.isFollowUpLeg(parsed.token)) {
        this.log('an NTLM AUTHENTICATE message arrived on a connection with no handshake in progress '
          + '(the client closed the connection mid-handshake, or sent it on another connection)');
      }
      state.context = SecurityContext.server(this.credentialsFor(parsed.scheme, ntlmToken));
      state.scheme = parsed.scheme;
      state.started = Date.now();
      this.liveContexts++;
    }
    this.armTimer(state);
    const bindings = this.bindings(socket);
    if (bindings === 'refuse') {
      this.reset(state);
      const error = new NegotiateError('channel binding is required but the connection is not TLS', 'ERR_NEGOTIATE_CHANNEL_BINDING', 403);
      return { kind: 'respond', status: 403, headers: {}, body: error.message, error };
    }
    let step: StepResult;
    try {
      const ntlm = state.context.package === 'NTLM';
      step = await state.context.accept(parsed.token, {
        flags: this.options.requestFlags ?? (ntlm ? NTLM_DEFAULT_REQUEST : DEFAULT_REQUEST),
        extraInput: bindings ? [{ type: SecBufferType.CHANNEL_BINDINGS, data: bindings }] : [],
      });
    } catch (e) {
      this.reset(state);
      if (!(e instanceof SspiError)) throw e;
      this.log(`${parsed.scheme} handshake failed: ${e.code}`);
      return this.challenge(e);
    }
    const header: Record<string, string> = step.outputToken
      ? { 'WWW-Authenticate': `${parsed.scheme} ${step.outputToken.toString('base64')}` }
      : {};
    if (!step.done) {
      if (!isContinuation(step.status) || step.completeNeeded) {
        this.reset(state);
        const error = new NegotiateError(`unexpected status ${step.statusName}`, 'ERR_NEGOTIATE_PROTOCOL', 500);
        return { kind: 'respond', status: 500, headers: {}, body: error.message, error };
      }
      if (!this.keepsAlive(req)) {
        this.log(`${parsed.scheme} handshake needs another leg, but the client asked to close the connection `
          + '(Connection: close); the next leg cannot reach this context');
      }
      return { kind: 'respond', status: 401, headers: header, body: 'Authentication continues', error: null };
    }
    return this.complete(state, parsed.scheme, step, header, bindings !== null);
  }

  private complete(state: ConnectionState, scheme: AuthScheme, step: StepResult, header: Record<string, string>, bound: boolean): NegotiateOutcome {
    const context = state.context!;
    const pkg = this.negotiatedPackage(context, scheme);
    if (pkg === 'NTLM' && !this.options.packages.includes('NTLM')) {
      this.reset(state);
      this.log('refused a Negotiate handshake that ended in NTLM');
      return this.forbidden('NTLM is not allowed', 'ERR_NEGOTIATE_POLICY');
    }
    const required = this.options.requireFlags;
    if ((step.attributes & required) !== required) {
      this.reset(state);
      const missing = decodeFlags(AscRet, required & ~step.attributes).join(', ');
      return this.forbidden(`the security context lacks required flags: ${missing}`, 'ERR_NEGOTIATE_POLICY');
    }
    if (step.attributes & AscRet.NULL_SESSION) {
      this.reset(state);
      return this.forbidden('anonymous (null session) logons are not accepted', 'ERR_NEGOTIATE_ANONYMOUS');
    }
    let user: AuthInfo['user'] = null;
    let identityUnavailable: string | null = null;
    try {
      const id = context.queryUser();
      user = { name: id.name, domain: id.domain, sid: id.sid, groups: id.groups.map((g) => ({ sid: g.sid, name: g.name, domain: g.domain })) };
    } catch (e) {
      identityUnavailable = e instanceof SspiError
        ? `QuerySecurityContextToken answered ${e.code}: this platform's ${pkg} does not provide the client's identity`
        : String(e);
    }
    if (user && (ANONYMOUS_SIDS.has(user.sid) || isGuestSid(user.sid))) {
      this.reset(state);
      return this.forbidden('anonymous and guest logons are not accepted', 'ERR_NEGOTIATE_ANONYMOUS');
    }
    this.clearTimer(state);
    state.auth = {
      scheme, package: pkg, flags: step.attributes, flagNames: decodeFlags(AscRet, step.attributes),
      mutual: Boolean(step.attributes & AscRet.MUTUAL_AUTH) && step.outputToken !== null,
      user, identityUnavailable, channelBound: bound, requestsOnConnection: 0, context,
    };
    return this.authenticated(state, header);
  }

  private authenticated(state: ConnectionState, headers: Record<string, string>): NegotiateOutcome {
    const auth = state.auth!;
    auth.requestsOnConnection = ++state.requests;
    return { kind: 'authenticated', auth, headers };
  }

  private challenge(error: SspiError | NegotiateError | null): NegotiateOutcome {
    return {
      kind: 'respond', status: 401, headers: { 'WWW-Authenticate': this.challenges() },
      body: error ? `Authentication failed: ${error.message}` : 'Authentication required', error,
    };
  }

  private forbidden(message: string, code: string): NegotiateOutcome {
    this.log(message);
    return { kind: 'respond', status: 403, headers: {}, body: message, error: new NegotiateError(message, code, 403) };
  }

  private negotiatedPackage(context: SecurityContext, scheme: AuthScheme): string {
    if (scheme === 'NTLM' || context.package === 'NTLM') return 'NTLM';
    try {
      return context.query<{ package: { name: string } }>(ContextAttribute.NEGOTIATION_INFO).package.name;
    } catch {
      return context.package;
    }
  }

  private credentialsFor(scheme: AuthScheme, ntlmToken: boolean): Credentials {
    // Raw NTLM tokens go to the NTLM package itself (Wine's Negotiate takes only Kerberos).
    if (scheme === 'NTLM' || ntlmToken) {
      this.ntlmCred ??= Credentials.acquireSync({ package: 'NTLM', use: CredentialUse.INBOUND });
      return this.ntlmCred;
    }
    this.negotiateCred ??= Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.INBOUND });
    return this.negotiateCred;
  }

  private bindings(socket: Socket): Buffer | null | 'refuse' {
    const mode = this.options.channelBinding;
    if (mode === 'off') return null;
    const tls = socket as Partial<TLSSocket>;
    const cert = tls.encrypted && typeof tls.getX509Certificate === 'function' ? tls.getX509Certificate() : undefined;
    const endPoint = cert ? tlsServerEndPoint(cert) : null;
    if (!endPoint) return mode === 'required' ? 'refuse' : null;
    return secChannelBindings(endPoint);
  }

  private isFollowUpLeg(token: Buffer): boolean {
    const i = token.indexOf(NTLMSSP);
    return i >= 0 && token.length >= i + 12 && token.readUInt32LE(i + 8) === 3;
  }

  private keepsAlive(req: IncomingMessage): boolean {
    const connection = String(req.headers.connection ?? '').toLowerCase();
    if (connection.split(',').map((s) => s.trim()).includes('close')) return false;
    return req.httpVersion !== '1.0' || connection.includes('keep-alive');
  }

  private state(socket: Socket): ConnectionState {
    let s = this.connections.get(socket);
    if (!s) {
      const created: ConnectionState = { context: null, scheme: null, started: 0, timer: null, auth: null, requests: 0 };
      this.connections.set(socket, created);
      socket.once('close', () => this.reset(created));
      s = created;
    }
    return s;
  }

  private armTimer(state: ConnectionState): void {
    this.clearTimer(state);
    state.timer = setTimeout(() => {
      if (state.auth) return;
      this.log(`deleted an unfinished ${state.scheme} handshake after ${this.options.handshakeTimeoutMs} ms without a leg`);
      this.reset(state);
    }, this.options.handshakeTimeoutMs);
    state.timer.unref();
  }

  private clearTimer(state: ConnectionState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
  }

  private reset(state: ConnectionState): void {
    this.clearTimer(state);
    if (state.context) {
      state.context.dispose();
      this.liveContexts--;
    }
    state.context = null;
    state.scheme = null;
    state.auth = null;
    state.requests = 0;
  }

  private log(line: string): void {
    this.options.log?.(`[sspi-native negotiate] ${line}`);
  }
}

/** A node:http request listener wrapper: unauthenticated requests get 401/403/500, the rest reach `handler` with req.auth. */
export function withNegotiate(
  handler: (req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse) => void,
  options: NegotiateOptions | Negotiator = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const negotiator = options instanceof Negotiator ? options : new Negotiator(options);
  return (req, res) => {
    negotiator.handle(req, res).then((auth) => {
      if (auth) handler(req, res);
    }, (e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  };
}
