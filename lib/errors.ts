import { statusInfo, toUnsigned } from './status';

export interface SspiErrorDetails {
  /** SEC_E_* name for statuses from SSPI; ERR_SSPI_* when the library refused first. */
  code?: string;
  /** SECURITY_STATUS as an unsigned number; the nearest SSPI status for ERR_SSPI_* (0 when none). */
  status?: number;
  /** The SSPI call (or library operation) that failed. */
  call?: string;
  /** The security package in use, when known. */
  package?: string;
  /** Buffers returned with the failure (e.g. a Schannel alert token to send). */
  buffers?: ReadonlyArray<{ type: number; length: number; data: Buffer | null }>;
}

/** The one error type of this library. Native code throws it too. */
export class SspiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly call: string;
  readonly package: string | undefined;
  readonly buffers: SspiErrorDetails['buffers'];

  constructor(message: string, details: SspiErrorDetails = {}) {
    const status = toUnsigned(details.status ?? 0);
    const info = statusInfo(status);
    const code = details.code ?? info.name;
    const where = [details.call, details.package].filter(Boolean).join(' / ');
    const text = message || `${info.description}`;
    super(`${code}${where ? ` (${where})` : ''}: ${text}${details.code ? '' : ` [0x${status.toString(16).padStart(8, '0')}]`}`);
    this.name = 'SspiError';
    this.code = code;
    this.status = status;
    this.call = details.call ?? '';
    this.package = details.package;
    this.buffers = details.buffers;
  }
}

/** The error for a bad argument, with SEC_E_INVALID_PARAMETER as the nearest status. */
export function invalidArgument(call: string, message: string): SspiError {
  return new SspiError(message, { code: 'ERR_SSPI_INVALID_ARGUMENT', status: 0x8009035d, call });
}

/** Error codes the library itself raises (before or instead of calling SSPI). */
export const LibraryErrorCode = {
  InvalidArgument: 'ERR_SSPI_INVALID_ARGUMENT',
  Disposed: 'ERR_SSPI_DISPOSED',
  Busy: 'ERR_SSPI_BUSY',
  /** Refused before SSPI: input known to crash Wine's SSPI (status SEC_E_INVALID_TOKEN). */
  UnsafeOnWine: 'ERR_SSPI_UNSAFE_ON_WINE',
  UnsupportedPlatform: 'ERR_SSPI_UNSUPPORTED_PLATFORM',
  /** The PFX could not be imported (not a PFX, wrong password, no private key). */
  Certificate: 'ERR_SSPI_CERTIFICATE',
} as const;
