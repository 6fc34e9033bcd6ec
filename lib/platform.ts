import { binding } from './binding';
import { NativePlatform } from './native';

export type PlatformInfo = NativePlatform;

/** The build's Node-API version and arch, and the Wine version when running on Wine. */
export function platformInfo(): PlatformInfo {
  return binding('platform').platform();
}
