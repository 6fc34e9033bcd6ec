// The full soak (not a jest test): npm run soak -- --minutes 5 [--seed N] [--concurrency 64]
import { platformInfo } from '../../lib';
import { soak } from './soak';

function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const minutes = Number(opt('minutes', '5'));
  const seed = Number(opt('seed', '1'));
  const concurrency = Number(opt('concurrency', '64'));
  const p = platformInfo();
  console.log(`soak: ${minutes} min, seed ${seed}, ${concurrency} context pairs in flight; node ${process.version}${p.wineVersion ? `, Wine ${p.wineVersion}` : ''}`);
  const mb = (b: number) => (b / 1048576).toFixed(1);
  const stats = await soak({
    seed, concurrency, durationMs: minutes * 60_000, spn: process.env.SSPI_TEST_SPN ?? 'HTTP/localhost',
    progress: (s) => console.log(`${s.seconds.toFixed(0)} s: ${s.pairs} pairs, ${s.calls} calls, ${s.afterDispose} after dispose, `
      + `findings ${s.findings.length}, rss ${mb(process.memoryUsage().rss)} MB`),
  });
  console.log(JSON.stringify({ ...stats, findings: stats.findings.slice(0, 50), rssStartMB: mb(stats.rssStart), rssEndMB: mb(stats.rssEnd) }, null, 1));
  if (stats.findings.length) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
