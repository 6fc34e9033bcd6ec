// Bench 1: addon overhead against the physical limit of this setup.
// The same N in-process Kerberos handshakes (ISC -> ASC -> ISC, both contexts
// deleted) by bench/raw-handshake.c straight on Secur32, and by this library
// (sync, async sequential, async 8 at a time), in alternating rounds.
//   npm run bench -- handshake [--n 2000] [--rounds 5]
import { liveHandles } from '../lib';
import { arg, fmt, handshakeAsync, handshakeSync, header, kerberosPair, median, RAW_EXE, runRaw } from './common';

const n = arg('n', 2000);
const rounds = arg('rounds', 5);

function raw(): number {
  const r = runRaw(n);
  if (!r) throw new Error(`${RAW_EXE} is missing: run npm run bench -- handshake (it builds it on Linux)`);
  return r.n / r.seconds;
}

async function main(): Promise<void> {
  header(`in-process Kerberos handshakes: raw C vs sspi-native (N=${n}, ${rounds} rounds)`);
  const pair = kerberosPair();
  handshakeSync(pair); // the service ticket is in the cache from here on, for every variant
  const rates: Record<string, number[]> = { raw: [], sync: [], async: [], async8: [] };
  for (let r = 0; r < rounds; r++) {
    rates.raw.push(raw());

    let t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) handshakeSync(pair);
    rates.sync.push(n / (Number(process.hrtime.bigint() - t) / 1e9));

    t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await handshakeAsync(pair);
    rates.async.push(n / (Number(process.hrtime.bigint() - t) / 1e9));

    t = process.hrtime.bigint();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next++ < n) await handshakeAsync(pair);
    }));
    rates.async8.push(n / (Number(process.hrtime.bigint() - t) / 1e9));
    console.log(`round ${r + 1}: raw ${fmt(rates.raw[r])}/s, sync ${fmt(rates.sync[r])}/s, `
      + `async ${fmt(rates.async[r])}/s, async×8 ${fmt(rates.async8[r])}/s`);
  }
  pair.dispose();
  const m = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
  console.log(`median handshakes/s: raw C ${fmt(m.raw)}, addon sync ${fmt(m.sync)}, async ${fmt(m.async)}, async×8 ${fmt(m.async8)}`);
  console.log(`RATIO addon sync / raw C = ${fmt(m.sync / m.raw, 3)} (target >= 0.85)`);
  console.log(`RATIO addon async (sequential) / raw C = ${fmt(m.async / m.raw, 3)}`);
  console.log(`RATIO addon async (8 concurrent) / raw C = ${fmt(m.async8 / m.raw, 3)}`);
  console.log(`live handles after: ${JSON.stringify(liveHandles())}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
