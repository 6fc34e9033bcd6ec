// The short concurrency soak (the full one: npm run soak -- --minutes 5).
import { liveHandles } from '../lib';
import { describeSspi, kerberosUnavailable, realm, testUnless } from './helpers/sspi';
import { soak } from './soak/soak';

const SECONDS = Number(process.env.SSPI_SOAK_SECONDS ?? 15);

describeSspi('concurrency soak (short)', () => {
  testUnless(kerberosUnavailable, `${SECONDS} s of interleaved async calls with random dispose: typed outcomes only, nothing leaked`, async () => {
    const stats = await soak({ seed: 20261123, durationMs: SECONDS * 1000, concurrency: 32, spn: realm.spn! });
    expect(stats.findings).toEqual([]);
    // The run really exercised both halves: completed message calls, and calls refused after dispose.
    expect(stats.outcomes['verify ok'] ?? 0).toBeGreaterThan(0);
    expect(stats.outcomes['decrypt ok'] ?? 0).toBeGreaterThan(0);
    expect(stats.afterDispose).toBeGreaterThan(0);
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  }, SECONDS * 1000 + 60_000);
});
