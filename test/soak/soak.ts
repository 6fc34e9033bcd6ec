// Concurrency soak: many Negotiate (Kerberos) context pairs in flight at once,
// async handshakes and message calls interleaved, and dispose() at random
// moments (before, during and after calls). Every call must end in a result,
// a typed SspiError from SSPI, or ERR_SSPI_DISPOSED when it was issued after
// dispose. Negotiate under Wine crashes on any call that reaches SSPI with a
// deleted handle, so a call that slipped through would end the run.
import { IscReq, AscReq, Credentials, CredentialUse, liveHandles, SecurityContext, SspiError } from '../../lib';
import { rng } from '../fuzz/fuzzer';

export interface SoakOptions {
  seed: number;
  durationMs: number;
  concurrency: number;
  spn: string;
  progress?: (s: SoakStats) => void;
}

export interface SoakStats {
  pairs: number;
  calls: number;
  outcomes: Record<string, number>;
  afterDispose: number;
  findings: string[];
  rssStart: number;
  rssEnd: number;
  seconds: number;
}

const DISPOSED = 'ERR_SSPI_DISPOSED';

export async function soak(o: SoakOptions): Promise<SoakStats> {
  const r = rng(o.seed);
  const client = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.OUTBOUND });
  const server = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.INBOUND });
  const stats: SoakStats = { pairs: 0, calls: 0, outcomes: {}, afterDispose: 0, findings: [], rssStart: process.memoryUsage().rss, rssEnd: 0, seconds: 0 };
  const count = (k: string) => (stats.outcomes[k] = (stats.outcomes[k] ?? 0) + 1);
  const end = Date.now() + o.durationMs;
  const t0 = Date.now();
  let lastProgress = Date.now();

  /** Awaits one call; classifies its outcome; a disposed context must answer ERR_SSPI_DISPOSED. */
  async function call<T>(disposedBefore: boolean, what: string, fn: () => Promise<T>): Promise<T | null> {
    stats.calls++;
    try {
      const v = await fn();
      if (disposedBefore) stats.findings.push(`${what} succeeded on a context disposed before the call`);
      count(`${what} ok`);
      return v;
    } catch (e) {
      if (!(e instanceof SspiError)) {
        stats.findings.push(`${what}: not an SspiError: ${String(e)}`);
        return null;
      }
      if (disposedBefore) {
        stats.afterDispose++;
        if (e.code !== DISPOSED) stats.findings.push(`${what} after dispose gave ${e.code}, not ${DISPOSED}`);
      }
      count(`${what} ${e.code}`);
      return null;
    }
  }

  async function pair(): Promise<void> {
    const c = SecurityContext.client(client, o.spn);
    const s = SecurityContext.server(server);
    stats.pairs++;
    // Dispose at a random moment: now-ish, during the handshake, during messages, or at the end.
    const disposeAfterMs = r() < 0.5 ? r() * 3 : Infinity;
    let disposed = false;
    const timer = disposeAfterMs === Infinity ? null : setTimeout(() => {
      disposed = true;
      (r() < 0.5 ? c : s).dispose();
      if (r() < 0.5) (r() < 0.5 ? s : c).dispose();
    }, disposeAfterMs);
    try {
      const c1 = await call(disposed && c.disposed, 'initialize', () => c.initialize(null, { flags: IscReq.MUTUAL_AUTH | IscReq.INTEGRITY | IscReq.CONFIDENTIALITY }));
      if (!c1) return;
      const s1 = await call(disposed && s.disposed, 'accept', () => s.accept(c1.outputToken!, { flags: AscReq.MUTUAL_AUTH | AscReq.INTEGRITY | AscReq.CONFIDENTIALITY }));
      if (!s1) return;
      if (s1.outputToken) {
        const c2 = await call(disposed && c.disposed, 'initialize-2', () => c.initialize(s1.outputToken!, { flags: IscReq.MUTUAL_AUTH | IscReq.INTEGRITY | IscReq.CONFIDENTIALITY }));
        if (!c2) return;
      }
      // Interleaved message calls, several queued on each context at once.
      const ops: Array<Promise<unknown>> = [];
      for (let i = 0, n = 1 + Math.floor(r() * 6); i < n; i++) {
        const msg = Buffer.alloc(1 + Math.floor(r() * 2000), i);
        if (r() < 0.5) {
          ops.push(call(c.disposed, 'sign', () => c.signAsync(msg)).then((sig) =>
            sig ? call(s.disposed, 'verify', () => s.verifyAsync(msg, sig)) : null));
        } else {
          ops.push(call(s.disposed, 'encrypt', () => s.encryptAsync(msg)).then((enc) =>
            enc ? call(c.disposed, 'decrypt', () => c.decryptAsync(enc)).then((d) => {
              if (d && !d.data.equals(msg)) stats.findings.push('decrypt returned other bytes');
            }) : null));
        }
      }
      await Promise.all(ops);
      // A call issued after dispose never reaches SSPI.
      if (c.disposed) await call(true, 'sign-after-dispose', () => c.signAsync(Buffer.from('x')));
    } finally {
      if (timer) clearTimeout(timer);
      c.dispose();
      s.dispose();
      c.dispose(); // twice: must be a no-op (Wine crashes on a second DeleteSecurityContext)
    }
  }

  async function worker(): Promise<void> {
    while (Date.now() < end) {
      await pair();
      if (o.progress && Date.now() - lastProgress > 10_000) {
        lastProgress = Date.now();
        stats.seconds = (Date.now() - t0) / 1000;
        o.progress(stats);
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    client.dispose();
    server.dispose();
  }
  stats.seconds = (Date.now() - t0) / 1000;
  stats.rssEnd = process.memoryUsage().rss;
  const live = liveHandles();
  if (live.contexts || live.credentials) stats.findings.push(`live handles after the soak: ${JSON.stringify(live)}`);
  return stats;
}
