import { binding } from './binding';
import { NativePackageInfo } from './native';

export type PackageInfo = NativePackageInfo;

/** EnumerateSecurityPackages. */
export function enumeratePackages(): PackageInfo[] {
  return binding('EnumerateSecurityPackages').enumeratePackages();
}

/** QuerySecurityPackageInfo; SEC_E_SECPKG_NOT_FOUND for unknown packages. */
export function queryPackageInfo(name: string): PackageInfo {
  return binding('QuerySecurityPackageInfo').queryPackageInfo(name);
}
