'use strict';
// npm install hook. SSPI exists only on Windows: elsewhere there is nothing to
// build and installing must not fail (require() then reports isSupported() false).
// On Windows, node-gyp-build uses the shipped prebuild or builds from source.
const { spawnSync } = require('child_process');

if (process.platform !== 'win32') {
  console.log(`sspi-native: SSPI is Windows-only; no native build on ${process.platform}.`);
  process.exit(0);
}
const result = spawnSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
