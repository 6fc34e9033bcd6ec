// Where a sync handshake's time goes (needs the probe build: README.md here).
// Alternating rounds of: bench/raw-handshake.exe; the same calls in C++ inside
// node.exe (__loop, static buffers and with the addon's per-call copies); and
// handshakeSync() through the public API with time inside SSPI and in each
// native phase measured by QueryPerformanceCounter.
//   scripts/realm-run.sh bench/attribution/handshake-split.js [N] [ROUNDS]
const { binding } = require('../../dist/lib/binding');
const { handshakeSync, kerberosPair, runRaw, SPN } = require('../../dist/bench/common');

const native = binding('attribution');
if (typeof native.__timing !== 'function') throw new Error('not the probe build: see bench/attribution/README.md');
const n = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 5);
const us = (seconds) => (seconds / n * 1e6).toFixed(1);
const pair = kerberosPair();
handshakeSync(pair);
for (let r = 0; r < rounds; r++) {
  const raw = runRaw(n);
  const loop = native.__loop(pair.client.native, pair.server.native, SPN, n, false);
  const loopCopies = native.__loop(pair.client.native, pair.server.native, SPN, n, true);
  native.__timing();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) handshakeSync(pair);
  const api = Number(process.hrtime.bigint() - t) / 1e9;
  const m = native.__timing();
  const [parse, , toJs, bufferObjects] = m.t;
  console.log(`µs per handshake: raw C ${us(raw.seconds)} | C++ loop in node.exe ${us(loop)}, with copies ${us(loopCopies)} | `
    + `public API ${us(api)}: inside SSPI ${us(m.seconds)} (${m.calls / n} calls), parse ${us(parse)}, `
    + `result objects ${us(toJs)} (buffer objects ${us(bufferObjects)}), rest (JS, wrappers, dispose) ${us(api - m.seconds - parse - toJs)}`);
}
pair.dispose();
