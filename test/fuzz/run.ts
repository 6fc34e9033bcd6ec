// The full fuzz run (not a jest test): npm run fuzz -- --cases 1000000 --seed 1
// Options: --seed N, --cases N, --first N (start index, to replay one case:
// --first I --cases 1), --corpus FILE (made from the realm if missing, reused
// if present: with the same corpus file, seed and index a case is the same),
// --weights K,N,M (Kerberos,Negotiate,NTLM shares), --trace FILE (the index of
// the case about to run, written before each: after a crash it names the case),
// --verbose (print every call: with --first I --cases 1, what case I does).
// Prints progress every 10,000 cases and a JSON summary; exits 1 on any finding.
import * as fs from 'fs';
import { AscReq, liveHandles, platformInfo } from '../../lib';
import { fuzz, loadCorpus, makeCorpus, saveCorpus, Target } from './fuzzer';

function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const underWine = platformInfo().wineVersion !== null;
  const seed = Number(opt('seed', '1'));
  const cases = Number(opt('cases', '1000000'));
  const first = Number(opt('first', '0'));
  const corpusFile = opt('corpus', 'fuzz-corpus.json');
  const spn = process.env.SSPI_TEST_SPN ?? 'HTTP/localhost';
  const [k, n, m] = opt('weights', underWine ? '994,3,3' : '80,10,10').split(',').map(Number);
  let corpus;
  if (fs.existsSync(corpusFile)) {
    corpus = loadCorpus(corpusFile);
  } else {
    const ntlm = process.env.SSPI_TEST_NTLM_USER
      ? { user: process.env.SSPI_TEST_NTLM_USER, domain: process.env.SSPI_TEST_NTLM_DOMAIN ?? '', password: process.env.SSPI_TEST_NTLM_PASSWORD ?? '' }
      : null;
    corpus = makeCorpus(spn, ntlm);
    saveCorpus(corpusFile, corpus);
  }
  console.log(`fuzz: seed ${seed}, cases ${first}..${first + cases - 1}, corpus ${corpusFile} (${Object.keys(corpus).join(', ')}), `
    + `weights Kerberos ${k} / Negotiate ${n} / NTLM ${m}; node ${process.version}${underWine ? `, Wine ${platformInfo().wineVersion}` : ''}`);
  const t = Date.now();
  const stats = await fuzz({
    seed, cases, spn, corpus,
    weights: { Kerberos: k, Negotiate: n, NTLM: m } as Record<Target, number>,
    // Wine 8 crashes inside NTLM's ASC with ALLOCATE_MEMORY (see README); real Windows gets it.
    forbiddenFlags: underWine ? AscReq.ALLOCATE_MEMORY : 0,
    // Wine's Negotiate gives tokens its Kerberos refused to its NTLM, which crashes on 1428+ bytes (README).
    maxTokenBytes: underWine ? { Negotiate: 1425 } : {},
    verbose: process.argv.includes('--verbose') ? (line) => console.log(line) : undefined,
    before: opt('trace', '') ? (i) => fs.writeFileSync(opt('trace', ''), String(i)) : undefined,
    progress: (done, s) => console.log(`${done} cases, ${((Date.now() - t) / 1000).toFixed(0)} s, findings ${s.findings.length}, live ${JSON.stringify(liveHandles())}`),
  }, first);
  const seconds = (Date.now() - t) / 1000;
  const live = liveHandles();
  console.log(JSON.stringify({ seed, first, cases: stats.cases, seconds, findings: stats.findings.slice(0, 50), findingCount: stats.findings.length, liveHandles: live, byShape: stats.byShape, results: stats.results }, null, 1));
  if (stats.findings.length || live.contexts || live.credentials) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
