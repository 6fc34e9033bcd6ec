import { binding } from './binding';
import { Credentials } from './credentials';
import { invalidArgument, LibraryErrorCode, SspiError } from './errors';
import { AscReq, bufferType, ContextAttribute, DataRep, SecBufferType } from './flags';
import { disposeSymbol, track, untrack } from './lifetime';
import {
  NativeBufferResult, NativeBufferSpec, NativeContext, NativeIdentity, NativeMessageResult, NativeStepResult,
} from './native';
import { platformInfo } from './platform';
import { isContinuation, isFailure, statusName } from './status';

export type BufferSpec = NativeBufferSpec;
export type BufferResult = NativeBufferResult;

export interface StepOptions {
  /** ASC_REQ_* / ISC_REQ_* flags. */
  flags?: number;
  /** TargetDataRep; NATIVE by default (ignored by Schannel/Digest). */
  dataRep?: DataRep;
  /** Extra input buffers after the token (e.g. CHANNEL_BINDINGS). */
  extraInput?: BufferSpec[];
  /** Output buffers; default one TOKEN buffer of the package's cbMaxToken. */
  output?: BufferSpec[];
}

export interface StepResult {
  status: number;
  /** SEC_E_OK, SEC_I_CONTINUE_NEEDED, ... */
  statusName: string;
  /** SEC_E_OK: the context is established. */
  done: boolean;
  /** SEC_I_COMPLETE_NEEDED / SEC_I_COMPLETE_AND_CONTINUE: call completeAuthToken() first. */
  completeNeeded: boolean;
  /** The token to send to the peer, if any (empty tokens are null). */
  outputToken: Buffer | null;
  /** ASC_RET_* / ISC_RET_* bits; security bits are final only when done. */
  attributes: number;
  expiry: Date | null;
  /** Every buffer after the call, as SSPI left it. */
  buffers: { input: BufferResult[]; output: BufferResult[] };
}

/** The authenticated client (QuerySecurityContextToken + GetTokenInformation). */
export type ClientIdentity = NativeIdentity;

export interface ContextSizes {
  maxToken: number;
  maxSignature: number;
  blockSize: number;
  securityTrailer: number;
}

export interface MessageOptions {
  /** Quality of protection (e.g. SECQOP_WRAP_NO_ENCRYPT = 0x80000001); 0 by default. */
  qop?: number;
  /** MessageSeqNo; Kerberos/NTLM keep their own counters and ignore it. */
  sequenceNumber?: number;
}

/** EncryptMessage output: send all three (token first is the Windows wire order). */
export interface EncryptedMessage {
  token: Buffer;
  data: Buffer;
  padding: Buffer;
}

export type MessageOp = 'makeSignature' | 'verifySignature' | 'encryptMessage' | 'decryptMessage';

// Wine 8's Kerberos reports a 49-byte trailer but needs 60 for aes256-sha1, and a
// call that fails for lack of room still consumes a sequence number (measured:
// ../shared/notes). Only used when running on Wine.
const WINE_KERBEROS_MIN_TRAILER = 60;
// The native side's bound on one buffer (kMaxBufferBytes in src-native/buffers.cc).
const MAX_BUFFER_BYTES = 64 * 1024 * 1024;
// Wine's NTLM passes the token base64-encoded, on one line, in a 1904-byte
// buffer ("YR " + base64): longer tokens crash it (measured: 1428 bytes and up).
const WINE_NTLM_MAX_TOKEN = 1425;

/** The bytes a caller-given output buffer offers SSPI. */
function specSize(b: BufferSpec | undefined): number {
  if (!b || typeof b !== 'object') return 0;
  if (b.data instanceof Uint8Array || b.data instanceof ArrayBuffer) return b.data.byteLength;
  return typeof b.size === 'number' && b.size > 0 ? b.size : 0;
}

const MESSAGE_OPS: readonly MessageOp[] = ['makeSignature', 'verifySignature', 'encryptMessage', 'decryptMessage'];

function verifySpec(message: Uint8Array, signature: Uint8Array): BufferSpec[] {
  return [{ type: SecBufferType.DATA, data: message }, { type: SecBufferType.TOKEN, data: signature }];
}

function decryptSpec(message: EncryptedMessage): BufferSpec[] {
  return [
    { type: SecBufferType.TOKEN, data: message.token },
    { type: SecBufferType.DATA, data: message.data },
    ...(message.padding.length ? [{ type: SecBufferType.PADDING, data: message.padding }] : []),
  ];
}

function encryptedFrom(r: NativeMessageResult): EncryptedMessage {
  return { token: trimmed(r.buffers[0]), data: trimmed(r.buffers[1]), padding: trimmed(r.buffers[2]) };
}

function decryptedFrom(r: NativeMessageResult): { data: Buffer; qop: number } {
  const data = r.buffers.find((b) => bufferType(b.type) === SecBufferType.DATA);
  return { data: data ? trimmed(data) : Buffer.alloc(0), qop: r.qop };
}

export interface RawStepInput {
  input: BufferSpec[] | null;
  flags: number;
  dataRep: number;
  output: BufferSpec[] | null;
}

function trimmed(b: BufferResult): Buffer {
  return b.data ? b.data.subarray(0, b.length) : Buffer.alloc(0);
}

function tokenInput(token: Uint8Array | null | undefined, extra: BufferSpec[] = []): BufferSpec[] | null {
  if (token === null || token === undefined) return extra.length ? extra : null;
  if (!(token instanceof Uint8Array)) throw invalidArgument('SecurityContext', 'token must be a Buffer or Uint8Array');
  return [{ type: SecBufferType.TOKEN, data: token }, ...extra];
}

/**
 * A security context (CtxtHandle), server or client side. SSPI contexts are not
 * thread-safe: async calls on one context run one at a time, in call order; a
 * sync call while another is queued or running fails with ERR_SSPI_BUSY.
 * dispose() during a running call takes effect when that call ends.
 */
export class SecurityContext {
  /** @internal */
  readonly native: NativeContext;
  readonly package: string;
  readonly server: boolean;
  private readonly target: string | null;
  private readonly maxToken: number;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  private constructor(credentials: Credentials, server: boolean, target: string | null) {
    const { NativeContext: Ctor } = binding(server ? 'AcceptSecurityContext' : 'InitializeSecurityContext');
    this.native = new Ctor(credentials.native, server);
    this.package = credentials.package;
    // Read now (the credentials may be disposed before the context), but only
    // where guardWineOutput needs it: a native call on every context otherwise.
    this.maxToken = platformInfo().wineVersion !== null ? credentials.maxToken : 0;
    this.server = server;
    this.target = target;
    track(this, this.native);
  }

  /** A server-side context for AcceptSecurityContext, from INBOUND credentials. */
  static server(credentials: Credentials): SecurityContext {
    return new SecurityContext(credentials, true, null);
  }

  /** A client-side context for InitializeSecurityContext towards a target SPN (e.g. HTTP/host). */
  static client(credentials: Credentials, target: string | null): SecurityContext {
    return new SecurityContext(credentials, false, target);
  }

  /** AcceptSecurityContext with the client's token; throws SspiError on failure. */
  accept(token: Uint8Array | null, options: StepOptions = {}): Promise<StepResult> {
    return this.enqueue(async () => this.finish(await this.native.accept(...this.raw(token, options)), 'AcceptSecurityContext', options));
  }

  acceptSync(token: Uint8Array | null, options: StepOptions = {}): StepResult {
    this.assertIdle('AcceptSecurityContext');
    return this.finish(this.native.acceptSync(...this.raw(token, options)), 'AcceptSecurityContext', options);
  }

  /** InitializeSecurityContext; token is null on the first call. */
  initialize(token: Uint8Array | null, options: StepOptions = {}): Promise<StepResult> {
    return this.enqueue(async () =>
      this.finish(await this.native.initialize(this.target, ...this.raw(token, options)), 'InitializeSecurityContext', options));
  }

  initializeSync(token: Uint8Array | null, options: StepOptions = {}): StepResult {
    this.assertIdle('InitializeSecurityContext');
    return this.finish(this.native.initializeSync(this.target, ...this.raw(token, options)), 'InitializeSecurityContext', options);
  }

  /** The raw call with every buffer in and out; never throws for SSPI statuses. */
  rawStep(step: RawStepInput): Promise<NativeStepResult> {
    this.guardWineOutput(step.output, step.flags);
    this.guardWineInput(step.input);
    return this.enqueue(() =>
      this.server
        ? this.native.accept(step.input, step.flags, step.dataRep, step.output)
        : this.native.initialize(this.target, step.input, step.flags, step.dataRep, step.output));
  }

  rawStepSync(step: RawStepInput): NativeStepResult {
    this.assertIdle(this.server ? 'AcceptSecurityContext' : 'InitializeSecurityContext');
    this.guardWineOutput(step.output, step.flags);
    this.guardWineInput(step.input);
    return this.server
      ? this.native.acceptSync(step.input, step.flags, step.dataRep, step.output)
      : this.native.initializeSync(this.target, step.input, step.flags, step.dataRep, step.output);
  }

  /** QueryContextAttributes; the shape depends on the attribute. */
  query<T = Record<string, unknown>>(attribute: ContextAttribute): T {
    this.assertIdle('QueryContextAttributes');
    return this.native.queryAttribute(attribute) as T;
  }

  /** SIZES: token, signature and trailer sizes for message protection. */
  sizes(): ContextSizes {
    return this.query<ContextSizes>(ContextAttribute.SIZES);
  }

  /** MakeSignature over one message; returns the signature token. */
  sign(message: Uint8Array, options: MessageOptions = {}): Buffer {
    return trimmed(this.message('makeSignature', this.signSpec(message), options).buffers[1]);
  }

  /** sign() on the thread pool, queued behind this context's other async calls. */
  signAsync(message: Uint8Array, options: MessageOptions = {}): Promise<Buffer> {
    return this.enqueue(async () =>
      trimmed((await this.messageNow('makeSignature', this.signSpec(message), options)).buffers[1]));
  }

  /** VerifySignature; returns the QOP, throws SspiError (SEC_E_MESSAGE_ALTERED, ...) on failure. */
  verify(message: Uint8Array, signature: Uint8Array, options: MessageOptions = {}): number {
    return this.message('verifySignature', verifySpec(message, signature), options).qop;
  }

  verifyAsync(message: Uint8Array, signature: Uint8Array, options: MessageOptions = {}): Promise<number> {
    return this.enqueue(async () => (await this.messageNow('verifySignature', verifySpec(message, signature), options)).qop);
  }

  /** EncryptMessage; the trailer is sized from the context's SIZES. */
  encrypt(message: Uint8Array, options: MessageOptions = {}): EncryptedMessage {
    return encryptedFrom(this.message('encryptMessage', this.encryptSpec(message), options));
  }

  encryptAsync(message: Uint8Array, options: MessageOptions = {}): Promise<EncryptedMessage> {
    return this.enqueue(async () => encryptedFrom(await this.messageNow('encryptMessage', this.encryptSpec(message), options)));
  }

  /** DecryptMessage; throws SspiError on tampering, replay or gaps. */
  decrypt(message: EncryptedMessage, options: MessageOptions = {}): { data: Buffer; qop: number } {
    return decryptedFrom(this.message('decryptMessage', decryptSpec(message), options));
  }

  decryptAsync(message: EncryptedMessage, options: MessageOptions = {}): Promise<{ data: Buffer; qop: number }> {
    return this.enqueue(async () => decryptedFrom(await this.messageNow('decryptMessage', decryptSpec(message), options)));
  }

  /** The raw per-message call with any buffer list; never throws for SSPI statuses. */
  rawMessage(op: MessageOp, buffers: BufferSpec[], options: MessageOptions = {}): NativeMessageResult {
    this.assertIdle(op);
    const seq = options.sequenceNumber ?? 0;
    switch (op) {
      case 'makeSignature':
        return this.native.makeSignature(buffers, options.qop ?? 0, seq);
      case 'encryptMessage':
        return this.native.encryptMessage(buffers, options.qop ?? 0, seq);
      case 'verifySignature':
        return this.native.verifySignature(buffers, seq);
      default:
        return this.native.decryptMessage(buffers, seq);
    }
  }

  /** rawMessage() on the thread pool, queued behind this context's other async calls. */
  rawMessageAsync(op: MessageOp, buffers: BufferSpec[], options: MessageOptions = {}): Promise<NativeMessageResult> {
    return this.enqueue(() => this.rawMessageNow(op, buffers, options));
  }

  /**
   * ApplyControlToken, e.g. Schannel's SCHANNEL_SHUTDOWN before the step that
   * produces close_notify (see lib/schannel.ts). Throws SspiError on failure.
   */
  applyControlToken(buffers: BufferSpec[]): BufferResult[] {
    this.assertIdle('ApplyControlToken');
    const r = this.native.applyControlToken(buffers);
    if (isFailure(r.status)) throw this.fail(r.status, 'ApplyControlToken', r.buffers);
    return r.buffers;
  }

  /** The client's account, SID and groups from the context's access token. */
  queryUser(): ClientIdentity {
    this.assertIdle('QuerySecurityContextToken');
    return this.native.queryUser();
  }

  /**
   * Runs fn as the client (ImpersonateSecurityContext) and reverts before
   * returning, also when fn throws. fn must be synchronous: a Promise result is
   * an error, because the revert has already happened when it settles.
   */
  impersonate<T>(fn: () => T): T {
    this.assertIdle('ImpersonateSecurityContext');
    return this.native.impersonate(fn);
  }

  /** CompleteAuthToken with the output buffers of the step that asked for it. */
  completeAuthToken(buffers: BufferSpec[]): BufferResult[] {
    this.assertIdle('CompleteAuthToken');
    const r = this.native.completeAuthToken(buffers);
    if (isFailure(r.status)) throw this.fail(r.status, 'CompleteAuthToken', r.buffers);
    return r.buffers;
  }

  get disposed(): boolean {
    return this.native.disposed;
  }

  /** A call is queued or running. */
  get busy(): boolean {
    return this.pending > 0 || this.native.busy;
  }

  /** Deletes the context (now, or when the running call ends). Idempotent. */
  dispose(): void {
    untrack(this);
    this.native.dispose();
  }

  [disposeSymbol](): void {
    this.dispose();
  }

  private message(op: MessageOp, buffers: BufferSpec[], options: MessageOptions): NativeMessageResult {
    return this.checked(op, this.rawMessage(op, buffers, options));
  }

  /** From inside the queue: the context is already ours. */
  private async messageNow(op: MessageOp, buffers: BufferSpec[], options: MessageOptions): Promise<NativeMessageResult> {
    return this.checked(op, await this.rawMessageNow(op, buffers, options));
  }

  private rawMessageNow(op: MessageOp, buffers: BufferSpec[], options: MessageOptions): Promise<NativeMessageResult> {
    const index = MESSAGE_OPS.indexOf(op);
    if (index < 0) throw invalidArgument('message', `unknown message op ${String(op)}`);
    const seq = options.sequenceNumber ?? 0;
    return index === 0 || index === 2
      ? this.native.messageAsync(index, buffers, options.qop ?? 0, seq)
      : this.native.messageAsync(index, buffers, seq);
  }

  private checked(op: MessageOp, r: NativeMessageResult): NativeMessageResult {
    if (isFailure(r.status)) throw this.fail(r.status, op[0].toUpperCase() + op.slice(1), r.buffers);
    return r;
  }

  /** SIZES without the idle check, for message calls that already hold the queue. */
  private sizesNow(): ContextSizes {
    return this.native.queryAttribute(ContextAttribute.SIZES) as unknown as ContextSizes;
  }

  private signSpec(message: Uint8Array): BufferSpec[] {
    return [{ type: SecBufferType.DATA, data: message }, { type: SecBufferType.TOKEN, size: this.sizesNow().maxSignature }];
  }

  private encryptSpec(message: Uint8Array): BufferSpec[] {
    const sizes = this.sizesNow();
    let trailer = sizes.securityTrailer;
    if (platformInfo().wineVersion !== null && trailer < WINE_KERBEROS_MIN_TRAILER) trailer = WINE_KERBEROS_MIN_TRAILER;
    return [
      { type: SecBufferType.TOKEN, size: trailer },
      { type: SecBufferType.DATA, data: message },
      { type: SecBufferType.PADDING, size: sizes.blockSize },
    ];
  }

  /** The SspiError for a failed SSPI status on this context, with the buffers SSPI returned. */
  private fail(status: number, call: string, buffers: BufferResult[]): SspiError {
    return new SspiError('', { status, call, package: this.package, buffers });
  }

  private raw(token: Uint8Array | null, o: StepOptions) {
    this.guardWineOutput(o.output, o.flags ?? 0);
    const input = tokenInput(token, o.extraInput);
    this.guardWineInput(input);
    return [input, o.flags ?? 0, o.dataRep ?? DataRep.NATIVE, o.output ?? null] as const;
  }

  /**
   * Wine's NTLM server hands its first input buffer to ntlm_auth, base64 on one
   * line of a 1904-byte buffer, and Wine's Negotiate hands it every token its
   * Kerberos refused. Found by fuzzing: a first buffer of 1428 bytes or more
   * crashes the process there. Under Wine, NTLM refuses such buffers, and
   * Negotiate refuses them unless they are SPNEGO (0x60 / 0xa1), which Kerberos
   * takes; a long SPNEGO token Kerberos refuses still reaches NTLM (README).
   * Malformed arguments and disposed contexts are left to the native checks.
   */
  private guardWineInput(input: BufferSpec[] | null): void {
    if (!this.server || !Array.isArray(input) || input.length === 0 || platformInfo().wineVersion === null) return;
    if ((this.package !== 'NTLM' && this.package !== 'Negotiate') || this.native.disposed) return;
    const first = input[0];
    if (!first || typeof first !== 'object' || !Number.isInteger(first.type)) return;
    const data = first.data;
    const length = data instanceof Uint8Array || data instanceof ArrayBuffer ? data.byteLength
      : data == null && Number.isInteger(first.size) && (first.size as number) >= 0 && (first.size as number) <= MAX_BUFFER_BYTES
        ? first.size as number : -1;
    if (length <= WINE_NTLM_MAX_TOKEN) return;
    const head = data instanceof Uint8Array ? data[0] : data instanceof ArrayBuffer ? new Uint8Array(data)[0] : 0;
    if (this.package === 'Negotiate' && (head === 0x60 || head === 0xa1)) return;
    throw new SspiError(`refused before SSPI: a ${length}-byte ${this.package === 'Negotiate' ? 'non-SPNEGO ' : ''}token; `
      + `Wine's NTLM crashes on tokens over ${WINE_NTLM_MAX_TOKEN} bytes`, {
      code: LibraryErrorCode.UnsafeOnWine, status: 0x80090308, call: 'AcceptSecurityContext', package: this.package,
    });
  }

  /**
   * Wine's NTLM (also behind Negotiate) copies its token into the first output
   * buffer without looking at the buffer's size or type (found by fuzzing: a
   * zero-size first buffer crashed the process). Under Wine, a caller-given
   * output list must start with cbMaxToken bytes; Windows checks sizes itself.
   */
  private guardWineOutput(output: BufferSpec[] | null | undefined, flags: number): void {
    if (!Array.isArray(output) || (flags & AscReq.ALLOCATE_MEMORY) /* same bit as IscReq's */ || platformInfo().wineVersion === null) return;
    if (this.package !== 'NTLM' && this.package !== 'Negotiate') return;
    if (specSize(output[0]) < this.maxToken) {
      throw invalidArgument(this.server ? 'AcceptSecurityContext' : 'InitializeSecurityContext',
        `under Wine, ${this.package} writes up to cbMaxToken (${this.maxToken}) bytes into the first output buffer without `
        + 'checking its size: give it at least that many bytes');
    }
  }

  private assertIdle(call: string): void {
    if (this.pending > 0) {
      throw new SspiError('an async call on this context is queued or running; await it first', {
        code: LibraryErrorCode.Busy, status: 0, call, package: this.package,
      });
    }
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const idle = this.pending === 0;
    this.pending++;
    // Decrement before the caller's await resumes, so a sync call right after is allowed.
    const task = async () => {
      try {
        return await work();
      } finally {
        this.pending--;
      }
    };
    // An idle context starts the native call now, so it is in flight on return.
    const run = idle ? task() : this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private finish(r: NativeStepResult, call: string, o: StepOptions): StepResult {
    if (isFailure(r.status) && !isContinuation(r.status)) throw this.fail(r.status, call, r.output);
    // The token is the buffer where we asked for one; Wine's NTLM retypes it as DATA.
    const tokenIndex = o.output ? o.output.findIndex((b) => bufferType(b.type) === SecBufferType.TOKEN) : 0;
    const token = tokenIndex >= 0 ? r.output[tokenIndex] : undefined;
    return {
      status: r.status,
      statusName: statusName(r.status),
      done: r.status === 0,
      completeNeeded: r.status === 0x00090313 || r.status === 0x00090314,
      outputToken: token && token.data && token.length > 0 ? token.data : null,
      attributes: r.attributes,
      expiry: r.expiry === null ? null : new Date(r.expiry),
      buffers: { input: r.input, output: r.output },
    };
  }
}
