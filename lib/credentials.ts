import { binding } from './binding';
import { invalidArgument } from './errors';
import { CredentialUse } from './flags';
import { disposeSymbol, track, untrack } from './lifetime';
import { NativeCredentials, NativeSchannelOptions } from './native';

/**
 * Schannel credentials (package 'Schannel' or 'Microsoft Unified Security
 * Protocol Provider'). A server needs a certificate with its private key: give a
 * PFX. The PFX's keys are imported for the lifetime of the credentials and
 * deleted from the key store when the handle is freed. Fields: see NativeSchannelOptions.
 */
export type SchannelOptions = NativeSchannelOptions;

export interface AcquireOptions {
  /** Security package: 'Negotiate', 'Kerberos', 'NTLM', ... */
  package: string;
  /** INBOUND for servers (accept), OUTBOUND for clients (initialize). */
  use: CredentialUse;
  /** pszPrincipal; usually omitted. */
  principal?: string;
  /** Explicit identity instead of the logged-on user's. */
  user?: string;
  domain?: string;
  password?: string;
  /** Schannel credential fields; excludes user/domain/password. */
  schannel?: SchannelOptions;
}

function args(o: AcquireOptions) {
  if (!o || typeof o !== 'object') throw invalidArgument('AcquireCredentialsHandle', 'options must be an object');
  const schannel: NativeSchannelOptions | null = o.schannel ?? null;
  return [o.package, o.use, o.principal ?? null, o.user ?? null, o.domain ?? null, o.password ?? null, schannel] as const;
}

/** An SSPI credentials handle (CredHandle). Contexts keep it alive while they use it. */
export class Credentials {
  /** @internal */
  readonly native: NativeCredentials;

  private constructor(native: NativeCredentials) {
    this.native = native;
    track(this, native);
  }

  /** AcquireCredentialsHandle on the calling thread. */
  static acquireSync(options: AcquireOptions): Credentials {
    return new Credentials(binding('AcquireCredentialsHandle').acquireCredentialsSync(...args(options)));
  }

  /** AcquireCredentialsHandle on the thread pool. */
  static async acquire(options: AcquireOptions): Promise<Credentials> {
    return new Credentials(await binding('AcquireCredentialsHandle').acquireCredentials(...args(options)));
  }

  get package(): string {
    return this.native.package;
  }
  /** Largest token the package produces (cbMaxToken). */
  get maxToken(): number {
    return this.native.maxToken;
  }
  /** Expiry as a Date, or null for "never". */
  get expiry(): Date | null {
    const ms = this.native.expiry;
    return ms === null ? null : new Date(ms);
  }
  get disposed(): boolean {
    return this.native.disposed;
  }

  /** Releases this reference; the handle is freed once no context uses it. Idempotent. */
  dispose(): void {
    untrack(this);
    this.native.dispose();
  }

  [disposeSymbol](): void {
    this.dispose();
  }
}
