// RSS growth of node.exe when bench/raw-handshake.c's calls (handshakes plus
// garbage accepts) run in C++ inside it, with the same warm-up and yielding as
// bench/memory.ts (needs the probe build: README.md here).
//   scripts/realm-run.sh --node-arg --expose-gc bench/attribution/memory-native.js [WARMUP] [N] [copies]
const { binding } = require('../../dist/lib/binding');
const { Credentials, CredentialUse } = require('../../dist/lib');
const { kerberosPair, SPN } = require('../../dist/bench/common');

const native = binding('attribution');
if (typeof native.__loopMem !== 'function') throw new Error('not the probe build: see bench/attribution/README.md');
const warmup = Number(process.argv[2] ?? 150000);
const n = Number(process.argv[3] ?? 100000);
const copies = process.argv[4] === 'copies';
const tick = () => new Promise((r) => setImmediate(r));
async function settle() {
  for (let i = 0; i < 5; i++) {
    global.gc();
    await tick();
  }
  return process.memoryUsage().rss / 1048576;
}
(async () => {
  const pair = kerberosPair();
  const kerberos = Credentials.acquireSync({ package: 'Kerberos', use: CredentialUse.INBOUND });
  const run = async (count) => {
    for (let i = 0; i < count; i += 500) {
      native.__loopMem(pair.client.native, pair.server.native, kerberos.native, SPN, Math.min(500, count - i), copies);
      await tick();
    }
  };
  await run(warmup);
  const before = await settle();
  await run(n);
  const after = await settle();
  console.log(`C++ loop in node.exe${copies ? ' (with per-call copies)' : ''}: ${n} handshakes + ${n} garbage accepts after ${warmup}: `
    + `rss ${before.toFixed(2)} -> ${after.toFixed(2)} MB, growth ${(after - before).toFixed(2)} MB`);
  pair.dispose();
  kerberos.dispose();
})();
