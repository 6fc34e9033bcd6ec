// The build matches its single definition and loads in any Node-API host.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { platformInfo } from '../lib';
import { describeSspi } from './helpers/sspi';

const root = path.join(__dirname, '..', '..');

describeSspi('build and loading', () => {
  test('NAPI_VERSION is defined once: binding.gyp, package.json and the binary agree', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const gyp = fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8');
    const gypVersion = Number(/'napi_version':\s*(\d+)/.exec(gyp)?.[1]);
    expect(pkg.binary.napi_versions).toEqual([gypVersion]);
    expect(platformInfo().napiVersion).toBe(gypVersion);
    expect(platformInfo().arch).toBe(process.arch);
  });

  test('the addon loads in a host that is not named node.exe (Electron-style)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon: string = require('node-gyp-build').path(root);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspi-host-'));
    const host = path.join(dir, 'MyApp.exe');
    fs.copyFileSync(process.execPath, host);
    try {
      const script = `const b = require(${JSON.stringify(addon)});
        const names = b.enumeratePackages().map(p => p.name);
        process.stdout.write(JSON.stringify({ exe: process.execPath, names }));`;
      // No directory holding node.exe on PATH: only the host itself can answer the imports.
      const env = { ...process.env, PATH: process.env.SystemRoot ? `${process.env.SystemRoot}\\system32` : '' };
      const out = JSON.parse(execFileSync(host, ['-e', script], { cwd: dir, env, encoding: 'utf8' }));
      expect(path.basename(out.exe)).toBe('MyApp.exe');
      expect(out.names).toEqual(expect.arrayContaining(['Negotiate', 'Kerberos', 'NTLM']));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
