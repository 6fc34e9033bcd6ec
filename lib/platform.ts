import { binding } from './binding';
import { NativePlatform } from './native';

export type PlatformInfo = NativePlatform;

let cached: PlatformInfo | undefined;

/** The build's Node-API version and arch, and the Wine version when running on Wine. */
export function platformInfo(): PlatformInfo {
  // Facts of the process that never change; encrypt() asks on every message.
  cached ??= Object.freeze(binding('platform').platform());
  return cached;
}
