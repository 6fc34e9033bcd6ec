// TLS record plumbing over a Schannel SecurityContext: the handshake loop,
// record encryption and decryption with the INCOMPLETE_MESSAGE / MISSING /
// EXTRA rules of the Schannel AcceptSecurityContext and DecryptMessage docs.
// Transport-free: feed it the bytes you received, send the bytes it returns.
import { BufferResult, BufferSpec, SecurityContext } from './context';
import { invalidArgument, SspiError } from './errors';
import { AscReq, bufferType, ContextAttribute, IscReq, SchannelControl, SecBufferType } from './flags';
import { NativeStepResult } from './native';
import { queryPackageInfo } from './packages';
import { isFailure, statusName } from './status';

const SEC_E_OK = 0;
const SEC_I_CONTINUE_NEEDED = 0x00090312;
const SEC_E_INCOMPLETE_MESSAGE = 0x80090318;
const SEC_I_INCOMPLETE_CREDENTIALS = 0x00090320;
const SEC_I_CONTEXT_EXPIRED = 0x00090317;
const SEC_I_RENEGOTIATE = 0x00090321;

/** Request flags every stream-mode TLS peer wants. */
export const TLS_CLIENT_FLAGS =
  IscReq.SEQUENCE_DETECT | IscReq.REPLAY_DETECT | IscReq.CONFIDENTIALITY | IscReq.EXTENDED_ERROR | IscReq.STREAM;
export const TLS_SERVER_FLAGS =
  AscReq.SEQUENCE_DETECT | AscReq.REPLAY_DETECT | AscReq.CONFIDENTIALITY | AscReq.EXTENDED_ERROR | AscReq.STREAM;

export interface TlsStreamSizes {
  header: number;
  trailer: number;
  maximumMessage: number;
  buffers: number;
  blockSize: number;
}

/** What the session saw, for logs and tests. */
export interface TlsStats {
  /** Calls answered SEC_E_INCOMPLETE_MESSAGE (more bytes needed). */
  incomplete: number;
  /** Largest SECBUFFER_MISSING count reported. */
  maxMissing: number;
  /** Calls that left SECBUFFER_EXTRA bytes for the next record. */
  extra: number;
  handshakeCalls: number;
}

export interface TlsHandshakeResult {
  /** Bytes to send to the peer now (may be empty). */
  send: Buffer;
  /** The handshake is complete; application data may flow. */
  done: boolean;
  /** More bytes are needed before the next call makes progress. */
  needMore: boolean;
}

export interface TlsDecryptResult {
  /** Application data decrypted from complete records (possibly empty). */
  data: Buffer;
  /** The peer sent close_notify (SEC_I_CONTEXT_EXPIRED). */
  closed: boolean;
  /** Bytes the peer must still send for the pending record (0 if unknown). */
  missing: number;
}

export interface TlsSessionOptions {
  /** ISC_REQ_* / ASC_REQ_* flags; the stream-mode defaults otherwise. */
  flags?: number;
}

function typeOf(b: BufferResult): number {
  return bufferType(b.type);
}

/**
 * One TLS connection over a Schannel context (client or server). Bytes that
 * arrive before they can be used (a partial record, or data after the
 * handshake's last record) are kept and used by the next call.
 */
export class TlsSession {
  readonly stats: TlsStats = { incomplete: 0, maxMissing: 0, extra: 0, handshakeCalls: 0 };
  /** ISC_RET_* / ASC_RET_* bits of the last handshake call. */
  attributes = 0;
  private pending: Buffer = Buffer.alloc(0);
  private established = false;
  private sizes: TlsStreamSizes | null = null;
  private tokenSize: number | null = null;
  private readonly flags: number;

  constructor(readonly context: SecurityContext, options: TlsSessionOptions = {}) {
    this.flags = options.flags ?? (context.server ? TLS_SERVER_FLAGS : TLS_CLIENT_FLAGS);
  }

  get done(): boolean {
    return this.established;
  }

  /**
   * One handshake step with newly received bytes (none for a client's first
   * call). Loops internally while Schannel can make progress without the peer.
   */
  async handshake(received: Uint8Array | null = null): Promise<TlsHandshakeResult> {
    if (received) this.append(received);
    const send: Buffer[] = [];
    for (;;) {
      const first = !this.context.server && this.stats.handshakeCalls === 0;
      if (!first && this.pending.length === 0) return { send: Buffer.concat(send), done: this.established, needMore: true };
      const r = await this.step(first ? null : this.pending);
      this.attributes = r.attributes;
      const out = outputToken(r);
      if (out) send.push(out);
      if (r.status === SEC_E_INCOMPLETE_MESSAGE) {
        this.noteMissing(r.input);
        return { send: Buffer.concat(send), done: false, needMore: true };
      }
      if (isFailure(r.status)) throw this.error(r.status, r.output, out);
      if (!first) this.keepExtra(r.input);
      if (r.status === SEC_E_OK) {
        this.established = true;
        return { send: Buffer.concat(send), done: true, needMore: false };
      }
      // CONTINUE_NEEDED; INCOMPLETE_CREDENTIALS: go on without a client certificate.
      if (r.status !== SEC_I_CONTINUE_NEEDED && r.status !== SEC_I_INCOMPLETE_CREDENTIALS) {
        throw new SspiError(`unexpected handshake status ${statusName(r.status)}`, {
          status: r.status, call: this.call(), package: this.context.package,
        });
      }
      if (this.pending.length === 0) return { send: Buffer.concat(send), done: false, needMore: true };
    }
  }

  /** Encrypts application data into one or more TLS records. */
  async encrypt(data: Uint8Array): Promise<Buffer> {
    const sizes = this.streamSizes();
    const records: Buffer[] = [];
    for (let offset = 0; offset < data.length || (offset === 0 && data.length === 0); offset += sizes.maximumMessage) {
      const chunk = data.subarray(offset, offset + sizes.maximumMessage);
      const r = await this.context.rawMessageAsync('encryptMessage', [
        { type: SecBufferType.STREAM_HEADER, size: sizes.header },
        { type: SecBufferType.DATA, data: chunk },
        { type: SecBufferType.STREAM_TRAILER, size: sizes.trailer },
        { type: SecBufferType.EMPTY },
      ]);
      if (isFailure(r.status)) throw this.error(r.status, r.buffers, null, 'EncryptMessage');
      for (const b of r.buffers.slice(0, 3)) if (b.data) records.push(b.data.subarray(0, b.length));
      if (data.length === 0) break;
    }
    return Buffer.concat(records);
  }

  /** Decrypts every complete record in what was received so far. */
  async decrypt(received: Uint8Array | null = null): Promise<TlsDecryptResult> {
    if (received) this.append(received);
    const plain: Buffer[] = [];
    for (;;) {
      if (this.pending.length === 0) return { data: Buffer.concat(plain), closed: false, missing: 0 };
      const r = await this.context.rawMessageAsync('decryptMessage', [
        { type: SecBufferType.DATA, data: this.pending },
        { type: SecBufferType.EMPTY },
        { type: SecBufferType.EMPTY },
        { type: SecBufferType.EMPTY },
      ]);
      if (r.status === SEC_E_INCOMPLETE_MESSAGE) {
        return { data: Buffer.concat(plain), closed: false, missing: this.noteMissing(r.buffers) };
      }
      if (isFailure(r.status)) throw this.error(r.status, r.buffers, null, 'DecryptMessage');
      for (const b of r.buffers) if (typeOf(b) === SecBufferType.DATA && b.data) plain.push(b.data.subarray(0, b.length));
      this.keepExtra(r.buffers);
      if (r.status === SEC_I_CONTEXT_EXPIRED) return { data: Buffer.concat(plain), closed: true, missing: 0 };
      if (r.status === SEC_I_RENEGOTIATE) {
        // TLS 1.3 post-handshake messages (tickets, key update) go back through the handshake call.
        this.established = false;
        const h = await this.handshake();
        if (h.send.length) throw invalidArgument('DecryptMessage', 'renegotiation that needs a reply is not supported');
      }
    }
  }

  /** ApplyControlToken(SCHANNEL_SHUTDOWN) and the step that yields close_notify: send the result. */
  async shutdown(): Promise<Buffer> {
    const token = Buffer.alloc(4);
    token.writeUInt32LE(SchannelControl.SHUTDOWN);
    this.context.applyControlToken([{ type: SecBufferType.TOKEN, data: token }]);
    const r = await this.context.rawStep({ input: null, flags: this.flags, dataRep: 0, output: this.outputSpec() });
    if (isFailure(r.status)) throw this.error(r.status, r.output, null);
    return outputToken(r) ?? Buffer.alloc(0);
  }

  private streamSizes(): TlsStreamSizes {
    if (!this.established) throw invalidArgument('EncryptMessage', 'the TLS handshake is not complete');
    this.sizes ??= this.context.query<TlsStreamSizes>(ContextAttribute.STREAM_SIZES);
    return this.sizes;
  }

  private outputSpec(): BufferSpec[] {
    // With *_REQ_ALLOCATE_MEMORY (0x100 for both roles) Schannel allocates; the addon copies and frees.
    if (this.flags & IscReq.ALLOCATE_MEMORY) return [{ type: SecBufferType.TOKEN }, { type: SecBufferType.ALERT }];
    return [{ type: SecBufferType.TOKEN, size: this.maxToken() }, { type: SecBufferType.ALERT, size: 512 }];
  }

  private maxToken(): number {
    // The package's cbMaxToken bounds every handshake flight.
    this.tokenSize ??= queryPackageInfo(this.context.package).maxToken;
    return this.tokenSize;
  }

  private async step(input: Buffer | null): Promise<NativeStepResult> {
    this.stats.handshakeCalls++;
    const spec: BufferSpec[] | null = input
      ? [{ type: SecBufferType.TOKEN, data: input }, { type: SecBufferType.EMPTY }]
      : null;
    return this.context.rawStep({ input: spec, flags: this.flags, dataRep: 0, output: this.outputSpec() });
  }

  private append(bytes: Uint8Array): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes);
  }

  /** SECBUFFER_EXTRA: the last `length` input bytes belong to the next record. */
  private keepExtra(buffers: BufferResult[]): void {
    const extra = buffers.find((b) => typeOf(b) === SecBufferType.EXTRA && b.length > 0);
    if (extra && extra.length <= this.pending.length) {
      this.stats.extra++;
      this.pending = this.pending.subarray(this.pending.length - extra.length);
    } else {
      this.pending = Buffer.alloc(0);
    }
  }

  private noteMissing(buffers: BufferResult[]): number {
    this.stats.incomplete++;
    // Wine marks two buffers MISSING, the second with a bogus total: the first is right.
    const missing = buffers.find((b) => typeOf(b) === SecBufferType.MISSING);
    const n = missing ? missing.length : 0;
    if (n > this.stats.maxMissing) this.stats.maxMissing = n;
    return n;
  }

  private call(): string {
    return this.context.server ? 'AcceptSecurityContext' : 'InitializeSecurityContext';
  }

  private error(status: number, buffers: BufferResult[], alert: Buffer | null, call = this.call()): SspiError {
    const e = new SspiError('', { status, call, package: this.context.package, buffers });
    // With EXTENDED_ERROR the output holds a TLS alert for the peer.
    if (alert && alert.length) Object.defineProperty(e, 'alert', { value: alert, enumerable: true });
    return e;
  }
}

function outputToken(r: NativeStepResult): Buffer | null {
  const t = r.output.find((b) => typeOf(b) === SecBufferType.TOKEN && b.length > 0 && b.data);
  return t && t.data ? t.data.subarray(0, t.length) : null;
}
