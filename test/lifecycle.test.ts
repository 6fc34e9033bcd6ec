// Lifecycle in child processes and worker threads, and concurrency on contexts:
// every path ends without a crash and without a handle left behind.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Credentials, CredentialUse, liveHandles, SecurityContext, SspiError } from '../lib';
import { describeSspi, kerberosUnavailable, realm, testUnless } from './helpers/sspi';

const lib = path.join(__dirname, '..', 'lib', 'index.js');

// A script that opens handles (and an accept in flight) and then ends as told.
// The in-flight accept's context gets its handle on a pool thread, whenever
// that runs, so the count is printed before it starts: two clients, one server.
const childScript = (ending: string) => `
  const sspi = require(${JSON.stringify(lib)});
  const out = sspi.Credentials.acquireSync({ package: 'Kerberos', use: sspi.CredentialUse.OUTBOUND });
  const inb = sspi.Credentials.acquireSync({ package: 'Kerberos', use: sspi.CredentialUse.INBOUND });
  const token = () => sspi.SecurityContext.client(out, ${JSON.stringify(realm.spn)}).initializeSync(null).outputToken;
  sspi.SecurityContext.server(inb).acceptSync(token());
  const next = token();
  process.stdout.write('live ' + JSON.stringify(sspi.liveHandles()) + '\\n');
  const inflight = sspi.SecurityContext.server(inb).accept(next);
  ${ending}
`;

function kerberosTokens(n: number): Buffer[] {
  const cred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.OUTBOUND });
  const tokens = Array.from({ length: n }, () => {
    const c = SecurityContext.client(cred, realm.spn);
    try {
      return c.initializeSync(null).outputToken!;
    } finally {
      c.dispose();
    }
  });
  cred.dispose();
  return tokens;
}

describeSspi('lifecycle and concurrency', () => {
  const endings: Record<string, string> = {
    'process.exit() with an accept in flight': 'process.exit(0);',
    'the event loop ending with undisposed handles': 'inflight.then(() => {});',
    'an uncaught exception with live handles': 'setImmediate(() => { throw new Error("boom"); });',
  };
  for (const [name, ending] of Object.entries(endings)) {
    testUnless(kerberosUnavailable, `a child process survives ${name}`, () => {
      const r = spawnSync(process.execPath, ['-e', childScript(ending)], { encoding: 'utf8', timeout: 60000 });
      expect(r.stdout).toMatch(/live \{"credentials":2,"contexts":3\}/);
      if (name.startsWith('an uncaught')) {
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('boom');
      } else {
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      }
    });
  }

  testUnless(kerberosUnavailable, 'worker threads: a full handshake, and termination mid-handshake', async () => {
    const script = `
      const { parentPort, workerData } = require('worker_threads');
      const sspi = require(workerData.lib);
      const out = sspi.Credentials.acquireSync({ package: 'Kerberos', use: sspi.CredentialUse.OUTBOUND });
      const inb = sspi.Credentials.acquireSync({ package: 'Kerberos', use: sspi.CredentialUse.INBOUND });
      (async () => {
        for (let i = 0; ; i++) {
          const client = sspi.SecurityContext.client(out, workerData.spn);
          const server = sspi.SecurityContext.server(inb);
          const r = await server.accept((await client.initialize(null)).outputToken);
          if (i === 0) parentPort.postMessage({ status: r.statusName, live: sspi.liveHandles() });
          if (workerData.once) { client.dispose(); server.dispose(); parentPort.postMessage({ live: sspi.liveHandles() }); return; }
          // Keep handshaking (and leaking contexts) until terminated.
        }
      })();`;
    const run = (once: boolean) => new Worker(script, { eval: true, workerData: { lib, spn: realm.spn, once } });

    const messages: unknown[] = [];
    const w1 = run(true);
    w1.on('message', (m) => messages.push(m));
    await new Promise((resolve, reject) => w1.on('exit', resolve).on('error', reject));
    expect(messages[0]).toEqual({ status: 'SEC_E_OK', live: { credentials: 2, contexts: 2 } });
    expect(messages[1]).toEqual({ live: { credentials: 2, contexts: 0 } });

    const w2 = run(false);
    await new Promise((resolve) => w2.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await w2.terminate()).toBe(1);
    // Counters are per environment: the workers' handles never showed up here.
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  testUnless(kerberosUnavailable, '100 concurrent async accepts on one context run in order, one at a time', async () => {
    const tokens = kerberosTokens(100);
    const cred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    const server = SecurityContext.server(cred);
    const order: number[] = [];
    const results = await Promise.allSettled(tokens.map((t, i) => server.accept(t).finally(() => order.push(i))));
    expect(order).toEqual(tokens.map((_, i) => i));
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { statusName: 'SEC_E_OK' } });
    // The context is complete after the first; SSPI refuses the rest, each as a typed error.
    for (const r of results.slice(1)) {
      expect(r.status).toBe('rejected');
      const e = (r as PromiseRejectedResult).reason;
      expect(e).toBeInstanceOf(SspiError);
      expect(e.code).toMatch(/^SEC_E_/);
    }
    server.dispose();
    cred.dispose();
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  testUnless(kerberosUnavailable, '100 concurrent async accepts on 100 contexts all succeed and leak nothing', async () => {
    const tokens = kerberosTokens(100);
    const cred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    const servers = tokens.map(() => SecurityContext.server(cred));
    cred.dispose();
    const results = await Promise.all(servers.map((s, i) => s.accept(tokens[i])));
    expect(results.every((r) => r.statusName === 'SEC_E_OK')).toBe(true);
    expect(liveHandles()).toEqual({ credentials: 1, contexts: 100 });
    for (const s of servers) s.dispose();
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  testUnless(kerberosUnavailable, 'a burst of completions is settled 32 at a time, with the event loop turning in between', async () => {
    // 200 accepts of garbage on a Kerberos credential (quick SEC_E_ refusals);
    // the JS thread then stays busy until every one has run on the pool, so all
    // 200 completions wait together. An immediate loop counts event-loop turns.
    const cred = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
    const servers = Array.from({ length: 200 }, () => SecurityContext.server(cred));
    let turn = 0;
    let spinning = true;
    const spin = () => {
      turn++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const settledInTurn: number[] = [];
    const all = Promise.allSettled(servers.map((s, i) =>
      s.accept(Buffer.from([0x60, 0x03, 0x06, 0x01, i & 0xff])).finally(() => settledInTurn.push(turn))));
    // native.busy: the wrapper's own busy also counts calls not yet settled in JS.
    const until = Date.now() + 30000;
    while (servers.some((s) => s.native.busy) && Date.now() < until) { /* wait for the pool thread */ }
    expect(servers.filter((s) => s.native.busy)).toHaveLength(0);
    const results = await all;
    spinning = false;
    expect(results.every((r) => r.status === 'rejected' && (r.reason as SspiError).code.startsWith('SEC_E_'))).toBe(true);
    const perTurn = new Map<number, number>();
    for (const t of settledInTurn) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(32);
    expect(perTurn.size).toBeGreaterThanOrEqual(Math.ceil(200 / 32));
    for (const s of servers) s.dispose();
    cred.dispose();
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });
});
