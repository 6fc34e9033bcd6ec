// The node.exe half of scripts/fault-injection.sh. The driver (Linux) stops
// and restarts the KDC and winbindd; this side keeps authenticating and
// records what each attempt gave. Coordination is by files in a control
// directory (node.exe under Wine cannot signal Linux processes):
//   phase      written by the driver: the phase now in force
//   ack-PHASE  written here once PHASE has had enough attempts (JSON summary)
// Attempts: Kerberos with a password credential (AS-REQ + TGS-REQ to the KDC
// every time) and an in-process NTLM handshake (ntlm_auth -> winbindd).
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Credentials, CredentialUse, IscReq, liveHandles, SecurityContext, SspiError } from '../../lib';
import { handshake } from '../helpers/sspi';

const dir = process.argv[2];
const spn = process.env.SSPI_TEST_SPN ?? 'HTTP/localhost';
const realmName = process.env.SSPI_TEST_REALM ?? 'SSPI.TEST';
const attemptsPerPhase = Number(process.env.FAULT_ATTEMPTS ?? 12);

type Outcome = string; // 'ok' or an error code

async function login(client: Credentials, server: Credentials): Promise<void> {
  const c = SecurityContext.client(client, spn);
  const s = SecurityContext.server(server);
  try {
    await handshake(c, s, { async: false, client: { flags: IscReq.CONNECTION } });
  } finally {
    c.dispose();
    s.dispose();
  }
}

async function attempt(kind: 'kerberos' | 'ntlm'): Promise<Outcome> {
  const creds: Credentials[] = [];
  try {
    const acquire = (o: Parameters<typeof Credentials.acquireSync>[0]) => {
      const c = Credentials.acquireSync(o);
      creds.push(c);
      return c;
    };
    if (kind === 'kerberos') {
      await login(
        acquire({ package: 'Kerberos', use: CredentialUse.OUTBOUND, user: 'alice', domain: realmName, password: process.env.SSPI_TEST_KRB_PASSWORD_ALICE ?? '' }),
        acquire({ package: 'Kerberos', use: CredentialUse.INBOUND }));
    } else {
      await login(
        acquire({ package: 'NTLM', use: CredentialUse.OUTBOUND, user: process.env.SSPI_TEST_NTLM_USER ?? '', domain: process.env.SSPI_TEST_NTLM_DOMAIN ?? '', password: process.env.SSPI_TEST_NTLM_PASSWORD ?? '' }),
        acquire({ package: 'NTLM', use: CredentialUse.INBOUND }));
    }
    return 'ok';
  } catch (e) {
    if (e instanceof SspiError) return `${e.code} (${e.call})`;
    return `UNTYPED ${String(e)}`;
  } finally {
    for (const c of creds) c.dispose();
  }
}

// Before the fix (NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS), about one in 60 such
// terminations aborted the process with an uncaught C++ exception.
const WORKERS = 30;

/** Worker threads terminated at random moments while async handshakes run in them. */
async function terminateWorkers(): Promise<Outcome[]> {
  const lib = path.join(__dirname, '..', '..', 'lib');
  const script = `
    const { parentPort, workerData } = require('worker_threads');
    const sspi = require(workerData.lib);
    const out = sspi.Credentials.acquireSync({ package: 'Negotiate', use: sspi.CredentialUse.OUTBOUND });
    const inb = sspi.Credentials.acquireSync({ package: 'Negotiate', use: sspi.CredentialUse.INBOUND });
    (async () => {
      for (let i = 0; ; i++) {
        const c = sspi.SecurityContext.client(out, workerData.spn);
        const s = sspi.SecurityContext.server(inb);
        // More calls in flight on other contexts when the thread is terminated.
        for (let k = 0; k < 8; k++) sspi.SecurityContext.client(out, workerData.spn).initialize(null);
        await s.accept((await c.initialize(null)).outputToken);
        if (i === 0) parentPort.postMessage('running');
        if (i % 2) { c.dispose(); s.dispose(); } // the rest are left to the env cleanup hook
      }
    })();`;
  const results: Outcome[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const w = new Worker(script, { eval: true, workerData: { lib, spn } });
    await new Promise((resolve, reject) => w.once('message', resolve).once('error', reject));
    await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 40)));
    results.push(`terminate exit ${await w.terminate()}`);
  }
  return results;
}

async function main(): Promise<void> {
  const seen = new Set<string>();
  fs.writeFileSync(path.join(dir, 'ready'), String(process.pid));
  for (;;) {
    const phase = fs.existsSync(path.join(dir, 'phase')) ? fs.readFileSync(path.join(dir, 'phase'), 'utf8').trim() : '';
    if (!phase || seen.has(phase)) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    seen.add(phase);
    if (phase === 'done') break;
    const summary: Record<string, Record<Outcome, number>> = { kerberos: {}, ntlm: {}, workers: {} };
    const t = Date.now();
    if (phase === 'workers') {
      for (const o of await terminateWorkers()) summary.workers[o] = (summary.workers[o] ?? 0) + 1;
      summary.kerberos[await attempt('kerberos')] = 1; // this thread still works afterwards
    } else {
      for (let i = 0; i < attemptsPerPhase; i++) {
        for (const kind of ['kerberos', 'ntlm'] as const) {
          const o = await attempt(kind);
          summary[kind][o] = (summary[kind][o] ?? 0) + 1;
        }
      }
    }
    fs.writeFileSync(path.join(dir, `ack-${phase}`), JSON.stringify({ phase, ms: Date.now() - t, ...summary, live: liveHandles() }));
  }
  fs.writeFileSync(path.join(dir, 'ack-done'), JSON.stringify({ live: liveHandles() }));
}

main().catch((e) => {
  fs.writeFileSync(path.join(dir, 'error'), String(e?.stack ?? e));
  process.exitCode = 1;
});
