// The loaded addon, with the error class registered, or a typed error explaining
// why SSPI is unavailable here.
import { LibraryErrorCode, SspiError } from './errors';
import { loadNative, NativeBinding } from './native';

let registered = false;

/** True when the native SSPI binding loaded (Windows, or Windows Node under Wine). */
export function isSupported(): boolean {
  return loadNative().binding !== null;
}

/** Why isSupported() is false, or null. */
export function loadError(): Error | null {
  return loadNative().error;
}

export function binding(call: string): NativeBinding {
  const { binding: native, error } = loadNative();
  if (!native) {
    throw new SspiError(error ? error.message : 'SSPI is not available', {
      code: LibraryErrorCode.UnsupportedPlatform,
      status: 0,
      call,
    });
  }
  if (!registered) {
    native.setErrorClass(SspiError);
    registered = true;
  }
  return native;
}

/** Live SSPI handles of this environment (thread), for metrics and leak tests. */
export function liveHandles(): { credentials: number; contexts: number } {
  return binding('liveHandles').liveHandles();
}
