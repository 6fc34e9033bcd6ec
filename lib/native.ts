// The raw contract of the native addon (src-native/), in one place. Everything here
// is internal: the public API wraps it in typed classes. Positional arguments
// mirror the SSPI calls; handles never appear, only opaque native objects.
import * as path from 'path';

export interface NativeBufferSpec {
  /** SECBUFFER_* type, attribute bits included. */
  type: number;
  /** Copied into native memory before the call. */
  data?: Uint8Array | ArrayBuffer | null;
  /** A zeroed buffer of this size when no data is given. */
  size?: number;
}

export interface NativeBufferResult {
  type: number;
  length: number;
  /** null when SSPI reported only a count (MISSING, EXTRA without pointer). */
  data: Buffer | null;
}

export interface NativeStepResult {
  status: number;
  attributes: number;
  expiry: number | null;
  input: NativeBufferResult[];
  output: NativeBufferResult[];
}

export interface NativeMessageResult {
  status: number;
  qop: number;
  buffers: NativeBufferResult[];
}

export interface NativeAccount {
  /** String SID, e.g. S-1-5-21-...-1001. */
  sid: string;
  /** null when the SID does not resolve to an account name here. */
  name: string | null;
  domain: string | null;
}

export interface NativeIdentity extends NativeAccount {
  groups: Array<NativeAccount & { attributes: number }>;
}

export interface NativePackageInfo {
  name: string;
  comment: string | null;
  capabilities: number;
  version: number;
  rpcId: number;
  maxToken: number;
}

export interface NativePlatform {
  napiVersion: number;
  arch: string;
  wineVersion: string | null;
  compiler?: string;
}

export interface NativeCredentials {
  dispose(): void;
  readonly disposed: boolean;
  readonly package: string;
  readonly expiry: number | null;
  readonly maxToken: number;
}

export interface NativeContext {
  acceptSync(input: NativeBufferSpec[] | null, flags: number, dataRep: number,
    output: NativeBufferSpec[] | null): NativeStepResult;
  accept(input: NativeBufferSpec[] | null, flags: number, dataRep: number,
    output: NativeBufferSpec[] | null): Promise<NativeStepResult>;
  initializeSync(target: string | null, input: NativeBufferSpec[] | null, flags: number,
    dataRep: number, output: NativeBufferSpec[] | null): NativeStepResult;
  initialize(target: string | null, input: NativeBufferSpec[] | null, flags: number,
    dataRep: number, output: NativeBufferSpec[] | null): Promise<NativeStepResult>;
  queryAttribute(attribute: number): Record<string, unknown>;
  makeSignature(buffers: NativeBufferSpec[], qop: number, sequenceNumber: number): NativeMessageResult;
  verifySignature(buffers: NativeBufferSpec[], sequenceNumber: number): NativeMessageResult;
  encryptMessage(buffers: NativeBufferSpec[], qop: number, sequenceNumber: number): NativeMessageResult;
  decryptMessage(buffers: NativeBufferSpec[], sequenceNumber: number): NativeMessageResult;
  /** op: 0 make, 1 verify, 2 encrypt, 3 decrypt; then the sync call's arguments. */
  messageAsync(op: number, ...args: Array<NativeBufferSpec[] | number>): Promise<NativeMessageResult>;
  applyControlToken(buffers: NativeBufferSpec[]): { status: number; buffers: NativeBufferResult[] };
  queryUser(): NativeIdentity;
  impersonate<T>(fn: () => T): T;
  completeAuthToken(buffers: NativeBufferSpec[]): { status: number; buffers: NativeBufferResult[] };
  dispose(): void;
  readonly disposed: boolean;
  readonly busy: boolean;
}

/** SCHANNEL_CRED (version 4) or SCH_CREDENTIALS (version 5) fields. */
export interface NativeSchannelOptions {
  /** PKCS#12 bytes holding the certificate and private key. */
  pfx?: Uint8Array | ArrayBuffer | null;
  pfxPassword?: string | null;
  /** 4 = SCHANNEL_CRED (default; supports `algorithms`), 5 = SCH_CREDENTIALS (TLS 1.3 on Windows 11). */
  version?: 4 | 5;
  /** SchannelProtocol bits to enable; 0 or absent = the system default. */
  protocols?: number;
  /** SchannelCredFlag bits (e.g. MANUAL_CRED_VALIDATION | NO_DEFAULT_CREDS for a test client). */
  flags?: number;
  minCipherStrength?: number;
  maxCipherStrength?: number;
  /** ALG_IDs to allow (SCHANNEL_CRED palgSupportedAlgs). */
  algorithms?: number[];
}

export interface NativeBinding {
  setErrorClass(ctor: new (message: string, details: object) => Error): void;
  platform(): NativePlatform;
  liveHandles(): { credentials: number; contexts: number };
  enumeratePackages(): NativePackageInfo[];
  queryPackageInfo(name: string): NativePackageInfo;
  acquireCredentialsSync(pkg: string, use: number, principal: string | null, user: string | null,
    domain: string | null, password: string | null, schannel: NativeSchannelOptions | null): NativeCredentials;
  acquireCredentials(pkg: string, use: number, principal: string | null, user: string | null,
    domain: string | null, password: string | null, schannel: NativeSchannelOptions | null): Promise<NativeCredentials>;
  NativeContext: new (credentials: NativeCredentials, server: boolean) => NativeContext;
}

let cached: { binding: NativeBinding | null; error: Error | null } | undefined;

/** Loads the addon once; off Windows, or when no build loads, records why. */
export function loadNative(): { binding: NativeBinding | null; error: Error | null } {
  if (cached) return cached;
  if (process.platform !== 'win32') {
    cached = { binding: null, error: new Error(`SSPI is only available on Windows (this is ${process.platform})`) };
    return cached;
  }
  try {
    // node-gyp-build picks prebuilds/win32-<arch>/ or build/Release.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => NativeBinding;
    cached = { binding: load(path.join(__dirname, '..', '..')), error: null };
  } catch (err) {
    cached = { binding: null, error: err as Error };
  }
  return cached;
}
