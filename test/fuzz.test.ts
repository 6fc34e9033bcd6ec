// The short seeded fuzz run of the accept path (the full run: npm run fuzz).
import * as os from 'os';
import * as path from 'path';
import { AscReq, liveHandles } from '../lib';
import { fuzz, makeCorpus, saveCorpus } from './fuzz/fuzzer';
import { describeSspi, kerberosUnavailable, realm, testUnless, underWine } from './helpers/sspi';

const CASES = Number(process.env.SSPI_FUZZ_CASES ?? 20_000);
const SEED = Number(process.env.SSPI_FUZZ_SEED ?? 20261123);

describeSspi('fuzzing the accept path (short seeded run)', () => {
  testUnless(kerberosUnavailable, `${CASES} seeded cases: every outcome is a StepResult or a typed SspiError`, async () => {
    const ntlm = realm.ntlmUser ? { user: realm.ntlmUser, domain: realm.ntlmDomain ?? '', password: realm.ntlmPassword ?? '' } : null;
    const corpus = makeCorpus(realm.spn!, ntlm);
    // Kept for replaying a finding: npm run fuzz -- --corpus FILE --seed S --first I --cases 1
    const corpusFile = path.join(os.tmpdir(), `sspi-fuzz-corpus-${process.pid}.json`);
    saveCorpus(corpusFile, corpus);
    expect(Object.keys(corpus)).toEqual(expect.arrayContaining(['Kerberos-client-1', 'Negotiate-client-1']));
    const stats = await fuzz({
      seed: SEED, cases: CASES, spn: realm.spn!, corpus,
      // Under Wine every unparsable Negotiate/NTLM token costs an ntlm_auth process (~24 ms).
      weights: underWine ? { Kerberos: 990, Negotiate: 5, NTLM: 5 } : { Kerberos: 80, Negotiate: 10, NTLM: 10 },
      forbiddenFlags: underWine ? AscReq.ALLOCATE_MEMORY : 0,
      maxTokenBytes: underWine ? { Negotiate: 1425 } : {},
    });
    if (stats.findings.length) console.log(`seed ${SEED}, corpus ${corpusFile}:`, stats.findings.slice(0, 10));
    expect(stats.findings).toEqual([]);
    expect(stats.cases).toBe(CASES);
    // The run reached more than one kind of outcome on each path it drove.
    const outcomes = Object.keys(stats.results);
    expect(outcomes.some((o) => o.startsWith('Kerberos SEC_E_'))).toBe(true);
    expect(outcomes.some((o) => o.includes('ERR_SSPI_INVALID_ARGUMENT'))).toBe(true);
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  }, 600_000);
});
