import { binding } from './binding';
import { Credentials } from './credentials';
import { LibraryErrorCode, SspiError } from './errors';
import { ContextAttribute, DataRep, SecBufferType } from './flags';
import { disposeSymbol, track, untrack } from './lifetime';
import { NativeBufferResult, NativeBufferSpec, NativeContext, NativeStepResult } from './native';
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
  /** The token to send to the peer, if any (empty tokens are null). */
  outputToken: Buffer | null;
  /** ASC_RET_* / ISC_RET_* bits; security bits are final only when done. */
  attributes: number;
  expiry: Date | null;
  /** Every buffer after the call, as SSPI left it. */
  buffers: { input: BufferResult[]; output: BufferResult[] };
}

export interface RawStepInput {
  input: BufferSpec[] | null;
  flags: number;
  dataRep: number;
  output: BufferSpec[] | null;
}

function tokenInput(token: Uint8Array | null | undefined, extra: BufferSpec[] = []): BufferSpec[] | null {
  if (token === null || token === undefined) return extra.length ? extra : null;
  if (!(token instanceof Uint8Array)) {
    throw new SspiError('token must be a Buffer or Uint8Array', {
      code: LibraryErrorCode.InvalidArgument, status: 0x8009035d, call: 'SecurityContext',
    });
  }
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
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  private constructor(credentials: Credentials, server: boolean, target: string | null) {
    const { NativeContext: Ctor } = binding(server ? 'AcceptSecurityContext' : 'InitializeSecurityContext');
    this.native = new Ctor(credentials.native, server);
    this.package = credentials.package;
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
    return this.enqueue(() =>
      this.server
        ? this.native.accept(step.input, step.flags, step.dataRep, step.output)
        : this.native.initialize(this.target, step.input, step.flags, step.dataRep, step.output));
  }

  rawStepSync(step: RawStepInput): NativeStepResult {
    this.assertIdle(this.server ? 'AcceptSecurityContext' : 'InitializeSecurityContext');
    return this.server
      ? this.native.acceptSync(step.input, step.flags, step.dataRep, step.output)
      : this.native.initializeSync(this.target, step.input, step.flags, step.dataRep, step.output);
  }

  /** QueryContextAttributes; the shape depends on the attribute. */
  query<T = Record<string, unknown>>(attribute: ContextAttribute): T {
    this.assertIdle('QueryContextAttributes');
    return this.native.queryAttribute(attribute) as T;
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

  private raw(token: Uint8Array | null, o: StepOptions) {
    return [tokenInput(token, o.extraInput), o.flags ?? 0, o.dataRep ?? DataRep.NATIVE, o.output ?? null] as const;
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
    if (isFailure(r.status) && !isContinuation(r.status)) {
      throw new SspiError('', { status: r.status, call, package: this.package, buffers: r.output });
    }
    // The token is the buffer where we asked for one; Wine's NTLM retypes it as DATA.
    const tokenIndex = o.output ? o.output.findIndex((b) => (b.type & 0x0fffffff) === SecBufferType.TOKEN) : 0;
    const token = tokenIndex >= 0 ? r.output[tokenIndex] : undefined;
    return {
      status: r.status,
      statusName: statusName(r.status),
      done: r.status === 0,
      outputToken: token && token.data && token.length > 0 ? token.data : null,
      attributes: r.attributes,
      expiry: r.expiry === null ? null : new Date(r.expiry),
      buffers: { input: r.input, output: r.output },
    };
  }
}
