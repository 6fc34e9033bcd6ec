// Shared by the bench scripts (run in Windows node.exe; `npm run bench -- NAME`).
// Benchmarks print ratios measured side by side in one run: these machines are
// noisy, so absolute figures are only context.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AscReq, Credentials, CredentialUse, IscReq, platformInfo, SecurityContext } from '../lib';

export const SPN = process.env.SSPI_TEST_SPN ?? 'HTTP/localhost';

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export function header(title: string): void {
  const p = platformInfo();
  console.log(`# ${title}`);
  console.log(`node ${process.version} ${process.arch}; ${p.wineVersion ? `Wine ${p.wineVersion}` : 'Windows'}; `
    + `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}; ${new Date().toISOString()}`);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface KerberosPair { client: Credentials; server: Credentials; dispose(): void }

/** Negotiate credentials for both ends of an in-process Kerberos handshake. */
export function kerberosPair(): KerberosPair {
  const client = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.OUTBOUND });
  const server = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.INBOUND });
  return { client, server, dispose: () => { client.dispose(); server.dispose(); } };
}

/** ISC (MUTUAL_AUTH) -> ASC -> ISC with the AP-REP, both contexts deleted: the raw C bench's calls. */
export function handshakeSync(pair: KerberosPair): void {
  const client = SecurityContext.client(pair.client, SPN);
  const server = SecurityContext.server(pair.server);
  try {
    const c = client.initializeSync(null, { flags: IscReq.MUTUAL_AUTH });
    const s = server.acceptSync(c.outputToken!, { flags: AscReq.MUTUAL_AUTH });
    if (!s.done) throw new Error(`accept: ${s.statusName}`);
    if (s.outputToken) client.initializeSync(s.outputToken, { flags: IscReq.MUTUAL_AUTH });
  } finally {
    client.dispose();
    server.dispose();
  }
}

export async function handshakeAsync(pair: KerberosPair): Promise<void> {
  const client = SecurityContext.client(pair.client, SPN);
  const server = SecurityContext.server(pair.server);
  try {
    const c = await client.initialize(null, { flags: IscReq.MUTUAL_AUTH });
    const s = await server.accept(c.outputToken!, { flags: AscReq.MUTUAL_AUTH });
    if (!s.done) throw new Error(`accept: ${s.statusName}`);
    if (s.outputToken) await client.initialize(s.outputToken, { flags: IscReq.MUTUAL_AUTH });
  } finally {
    client.dispose();
    server.dispose();
  }
}

/** A fresh client's first Kerberos token for SPN (an AP-REQ in SPNEGO); the client is disposed. */
export function clientToken(pair: KerberosPair): Buffer {
  const client = SecurityContext.client(pair.client, SPN);
  try {
    return client.initializeSync(null, { flags: IscReq.MUTUAL_AUTH }).outputToken!;
  } finally {
    client.dispose();
  }
}

export const RAW_EXE = path.join(__dirname, '..', '..', 'build', 'bench', 'raw-handshake.exe');

export interface RawResult { n: number; seconds: number; workingSetBeforeMB: number; workingSetAfterMB: number }

/** Runs bench/raw-handshake.c's program (null when it was not built). */
export function runRaw(n: number, warmup?: number, negotiateEvery = 0): RawResult | null {
  if (!fs.existsSync(RAW_EXE)) return null;
  const out = path.join(os.tmpdir(), `raw-handshake-${process.pid}.json`);
  execFileSync(RAW_EXE, [String(n), SPN, out, ...(warmup === undefined ? [] : [String(warmup), String(negotiateEvery)])], { stdio: ['ignore', 'ignore', 'inherit'] });
  const r = JSON.parse(fs.readFileSync(out, 'utf8')) as RawResult;
  fs.unlinkSync(out);
  return r;
}
