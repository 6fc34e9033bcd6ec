// A seeded fuzzer for the accept path, through the public API only.
// Each case is reproducible from (seed, index) and the corpus file: real
// Kerberos / SPNEGO / NTLM tokens made once from the test realm, then mutated.
// A case passes when the call returns a StepResult or throws an SspiError with
// a code and an unsigned status; anything else is a finding. A crash ends the
// process, which the caller (jest or run.ts) reports.
import * as fs from 'fs';
import {
  AscReq, BufferSpec, Credentials, CredentialUse, IscReq, SecBufferAttr, SecBufferType, SecurityContext, SspiError, StepResult,
} from '../../lib';

export type Target = 'Kerberos' | 'Negotiate' | 'NTLM';

export interface FuzzOptions {
  seed: number;
  cases: number;
  spn: string;
  /** Share of cases per target credential. Under Wine, Negotiate and NTLM start an ntlm_auth process for every token they cannot parse (~24 ms). */
  weights: Record<Target, number>;
  /** ASC_REQ_* bits never set (Wine crashes in NTLM with ASC_REQ_ALLOCATE_MEMORY). */
  forbiddenFlags: number;
  corpus: Record<string, Buffer>;
  /** Tokens for a target are cut to this many bytes (Wine: Negotiate falls back to NTLM, which crashes on long tokens). */
  maxTokenBytes?: Partial<Record<Target, number>>;
  progress?: (done: number, stats: FuzzStats) => void;
  /** Called before each case (e.g. to write the index to a file, to find a crashing case). */
  before?: (index: number) => void;
  /** Describes each call before it is made (replaying one case). */
  verbose?: (line: string) => void;
}

function describeSpec(b: BufferSpec | unknown): string {
  if (!b || typeof b !== 'object') return String(b);
  const s = b as BufferSpec;
  return `{type 0x${(s.type >>> 0).toString(16)}, ${s.data ? `data ${(s.data as Uint8Array).length} B` : `size ${s.size}`}}`;
}

export interface FuzzStats {
  cases: number;
  results: Record<string, number>;
  findings: Array<{ index: number; what: string }>;
  byShape: Record<string, number>;
}

/** mulberry32: small, fast, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The per-case generator: case i of seed s is the same whatever ran before it. */
function caseRng(seed: number, index: number): () => number {
  return rng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index, 0xc2b2ae35)) >>> 0);
}

/** Real tokens from the realm: the seeds of every mutation. */
export function makeCorpus(spn: string, ntlm: { user: string; domain: string; password: string } | null): Record<string, Buffer> {
  const corpus: Record<string, Buffer> = {};
  const step = (pkg: Target, cred: Credentials, serverCred: Credentials | null) => {
    const client = SecurityContext.client(cred, spn);
    const server = serverCred ? SecurityContext.server(serverCred) : null;
    try {
      const first = client.initializeSync(null, { flags: IscReq.MUTUAL_AUTH | IscReq.CONNECTION });
      corpus[`${pkg}-client-1`] = first.outputToken!;
      if (!server) return;
      const reply = server.acceptSync(first.outputToken!, { flags: AscReq.MUTUAL_AUTH | AscReq.CONNECTION });
      if (reply.outputToken) corpus[`${pkg}-server-1`] = reply.outputToken;
      if (!reply.done && reply.outputToken) {
        const second = client.initializeSync(reply.outputToken, { flags: IscReq.MUTUAL_AUTH | IscReq.CONNECTION });
        if (second.outputToken) corpus[`${pkg}-client-2`] = second.outputToken;
      }
    } finally {
      client.dispose();
      server?.dispose();
    }
  };
  for (const pkg of ['Kerberos', 'Negotiate'] as Target[]) {
    const out = Credentials.acquireSync({ package: pkg, use: CredentialUse.OUTBOUND });
    const inb = Credentials.acquireSync({ package: pkg, use: CredentialUse.INBOUND });
    try {
      step(pkg, out, inb);
    } finally {
      out.dispose();
      inb.dispose();
    }
  }
  if (ntlm) {
    const out = Credentials.acquireSync({ package: 'NTLM', use: CredentialUse.OUTBOUND, ...ntlm });
    const inb = Credentials.acquireSync({ package: 'NTLM', use: CredentialUse.INBOUND });
    try {
      step('NTLM', out, inb);
    } finally {
      out.dispose();
      inb.dispose();
    }
  }
  return corpus;
}

export function saveCorpus(file: string, corpus: Record<string, Buffer>): void {
  fs.writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(corpus).map(([k, v]) => [k, v.toString('base64')])), null, 1));
}

export function loadCorpus(file: string): Record<string, Buffer> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

const BUFFER_TYPES = [
  SecBufferType.EMPTY, SecBufferType.DATA, SecBufferType.TOKEN, SecBufferType.PKG_PARAMS, SecBufferType.MISSING,
  SecBufferType.EXTRA, SecBufferType.STREAM_TRAILER, SecBufferType.STREAM_HEADER, SecBufferType.PADDING, SecBufferType.STREAM,
  SecBufferType.MECHLIST, SecBufferType.MECHLIST_SIGNATURE, SecBufferType.TARGET, SecBufferType.CHANNEL_BINDINGS,
  SecBufferType.CHANGE_PASS_RESPONSE, SecBufferType.TARGET_HOST, SecBufferType.ALERT, SecBufferType.APPLICATION_PROTOCOLS,
];

class Case {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Byte-level mutations of a real token: flips, truncation, splices, length-field damage. */
function mutate(c: Case, token: Buffer, corpus: Buffer[]): Buffer {
  let t = Buffer.from(token);
  const rounds = 1 + c.int(4);
  for (let k = 0; k < rounds; k++) {
    switch (c.int(9)) {
      case 0: // bit flips
        for (let i = 0, n = 1 + c.int(8); i < n && t.length; i++) t[c.int(t.length)] ^= 1 << c.int(8);
        break;
      case 1: // truncate
        t = t.subarray(0, c.int(t.length + 1));
        break;
      case 2: // random bytes over a span
        if (t.length) {
          const at = c.int(t.length);
          c.bytes(Math.min(1 + c.int(32), t.length - at)).copy(t, at);
        }
        break;
      case 3: // insert
        t = Buffer.concat([t.subarray(0, c.int(t.length + 1)), c.bytes(1 + c.int(64)), t.subarray(c.int(t.length + 1))]);
        break;
      case 4: // splice with another corpus token
        {
          const o = c.pick(corpus);
          t = Buffer.concat([t.subarray(0, c.int(t.length + 1)), o.subarray(c.int(o.length + 1))]);
        }
        break;
      case 5: // damage a DER length byte (0x8x forms and short forms)
        for (let i = 0; i < t.length; i++) {
          if ((t[i] & 0xf0) === 0x80 && c.chance(0.3)) {
            t[i] = c.pick([0x80, 0x81, 0x82, 0x83, 0x84, 0x8f, 0xff]);
            break;
          }
        }
        break;
      case 6: // interesting values at a random offset (NTLM offsets/lengths are LE32/LE16)
        if (t.length >= 4) t.writeUInt32LE(c.pick([0, 1, 0x7fffffff, 0xffffffff, 0x80000000, t.length, 0xffff]), c.int(t.length - 3));
        break;
      case 7: // duplicate a span
        if (t.length) {
          const at = c.int(t.length);
          t = Buffer.concat([t, t.subarray(at, at + c.int(128))]);
        }
        break;
      default: // zero a span
        if (t.length) t.fill(0, c.int(t.length), c.int(t.length + 1));
    }
  }
  return t;
}

let tokenCap = Infinity;

function token(c: Case, corpus: Buffer[]): Buffer {
  const p = c.r();
  let t: Buffer;
  if (p < 0.1) t = c.pick(corpus); // unmodified (replays, wrong direction)
  else if (p < 0.2) t = c.bytes(c.int(c.chance(0.9) ? 600 : 20000)); // noise, sometimes large
  else if (p < 0.22) t = Buffer.alloc(0);
  else t = mutate(c, c.pick(corpus), corpus);
  return t.length > tokenCap ? t.subarray(0, tokenCap) : t;
}

function randomSpec(c: Case, corpus: Buffer[], input: boolean): BufferSpec {
  let type: number = c.chance(0.9) ? c.pick(BUFFER_TYPES) : c.int(0x10000);
  if (c.chance(0.15)) type |= c.pick([SecBufferAttr.READONLY, SecBufferAttr.READONLY_WITH_CHECKSUM, 0x40000000 /* SECBUFFER_UNMAPPED */]);
  if (input && c.chance(0.7)) return { type, data: token(c, corpus) };
  return { type, size: c.chance(0.2) ? 0 : c.int(c.chance(0.9) ? 16384 : 70000) };
}

function flags(c: Case, forbidden: number): number {
  const f = c.chance(0.3) ? AscReq.MUTUAL_AUTH | AscReq.CONNECTION : c.chance(0.5) ? c.int(0x100000000) : (1 << c.int(32)) >>> 0;
  return (f & ~forbidden) >>> 0;
}

function classify(e: unknown): string | null {
  if (!(e instanceof SspiError)) return null;
  if (typeof e.code !== 'string' || e.code.length === 0) return null;
  if (!Number.isInteger(e.status) || e.status < 0 || e.status > 0xffffffff) return null;
  return e.code;
}

/** Runs one case; returns the outcome name, or throws an Error describing a finding. */
async function runCase(c: Case, creds: Record<Target, Credentials>, o: FuzzOptions, corpus: Buffer[], stats: FuzzStats): Promise<string> {
  const total = o.weights.Kerberos + o.weights.Negotiate + o.weights.NTLM;
  let x = c.r() * total;
  const target: Target = (x -= o.weights.Kerberos) < 0 ? 'Kerberos' : (x -= o.weights.Negotiate) < 0 ? 'Negotiate' : 'NTLM';
  tokenCap = o.maxTokenBytes?.[target] ?? Infinity;
  const server = SecurityContext.server(creds[target]);
  const shape = c.pick(['token', 'token', 'token', 'extra-input', 'raw-lists', 'async', 'two-legs', 'bad-js'] as const);
  const say = o.verbose;
  const accept = (t: unknown, opts: { flags?: number; extraInput?: BufferSpec[]; output?: BufferSpec[] } = {}) => {
    say?.(`${target} acceptSync token ${t instanceof Uint8Array ? `${t.length} B ${Buffer.from(t).subarray(0, 24).toString('hex')}` : String(t)}, `
      + `flags 0x${((opts.flags ?? 0) >>> 0).toString(16)}, extraInput [${(opts.extraInput ?? []).map(describeSpec).join(', ')}], `
      + `output ${opts.output ? `[${opts.output.map(describeSpec).join(', ')}]` : 'default'}`);
    return server.acceptSync(t as Buffer, opts);
  };
  const rawStep = (step: { input: BufferSpec[] | null; flags: number; dataRep: number; output: BufferSpec[] | null }) => {
    say?.(`${target} rawStepSync input ${Array.isArray(step.input) ? `[${step.input.map(describeSpec).join(', ')}]` : String(step.input)}, `
      + `flags 0x${(step.flags >>> 0).toString(16)}, dataRep 0x${(step.dataRep >>> 0).toString(16)}, `
      + `output ${Array.isArray(step.output) ? `[${step.output.map(describeSpec).join(', ')}]` : String(step.output)}`);
    return server.rawStepSync(step);
  };
  stats.byShape[shape] = (stats.byShape[shape] ?? 0) + 1;
  try {
    let r: StepResult | { status: number };
    switch (shape) {
      case 'token':
        r = accept(token(c, corpus), { flags: flags(c, o.forbiddenFlags) });
        break;
      case 'extra-input':
        r = accept(token(c, corpus), {
          flags: flags(c, o.forbiddenFlags),
          extraInput: Array.from({ length: c.int(4) }, () => randomSpec(c, corpus, true)),
          output: c.chance(0.5) ? Array.from({ length: c.int(4) }, () => randomSpec(c, corpus, false)) : undefined,
        });
        break;
      case 'raw-lists':
        r = rawStep({
          input: c.chance(0.1) ? null : Array.from({ length: c.int(6) }, () => randomSpec(c, corpus, true)),
          flags: flags(c, o.forbiddenFlags),
          dataRep: c.pick([0, 0x10, 0x00000000, c.int(0x100000000)]),
          output: c.chance(0.1) ? null : Array.from({ length: c.int(5) }, () => randomSpec(c, corpus, false)),
        });
        break;
      case 'async':
        r = await server.accept(token(c, corpus), { flags: flags(c, o.forbiddenFlags) });
        break;
      case 'two-legs': {
        const first = accept(c.chance(0.5) ? c.pick(corpus) : token(c, corpus), { flags: flags(c, o.forbiddenFlags) });
        r = first.done ? first : accept(token(c, corpus), { flags: flags(c, o.forbiddenFlags) });
        break;
      }
      default: {
        // Bad arguments from JS: must be typed errors, never a crash or a TypeError.
        const bad: unknown[] = [
          'a string', 42, { length: 5 }, [1, 2, 3], new ArrayBuffer(8), Symbol('x'),
        ];
        const which = c.int(5);
        if (which === 0) r = accept(c.pick(bad) as Buffer);
        else if (which === 1) r = rawStep({ input: [{ type: SecBufferType.TOKEN, size: c.pick([-1, 1.5, 2 ** 33, NaN, 65 * 1024 * 1024]) }], flags: 0, dataRep: 0x10, output: null });
        else if (which === 2) r = rawStep({ input: [{ type: c.pick([-1, 2 ** 32, 1.5, NaN]), size: 4 }], flags: 0, dataRep: 0x10, output: null });
        else if (which === 3) r = accept(c.pick(corpus), { flags: c.pick([-1, 2 ** 32, 1.5, NaN]) });
        else r = rawStep({ input: c.pick(bad) as BufferSpec[], flags: 0, dataRep: 0x10, output: c.pick(bad) as BufferSpec[] });
      }
    }
    return `${target} ${'statusName' in r ? r.statusName : `status 0x${r.status.toString(16)}`}`;
  } catch (e) {
    const code = classify(e);
    if (code === null) throw new Error(`${shape} on ${target}: not a typed SspiError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return `${target} ${code}`;
  } finally {
    server.dispose();
  }
}

export async function fuzz(o: FuzzOptions, first = 0): Promise<FuzzStats> {
  const corpus = Object.values(o.corpus);
  const creds = Object.fromEntries((['Kerberos', 'Negotiate', 'NTLM'] as Target[]).map((p) => [p,
    Credentials.acquireSync({ package: p, use: CredentialUse.INBOUND })])) as Record<Target, Credentials>;
  const stats: FuzzStats = { cases: 0, results: {}, findings: [], byShape: {} };
  try {
    for (let i = first; i < first + o.cases; i++) {
      o.before?.(i);
      const c = new Case(caseRng(o.seed, i));
      try {
        const outcome = await runCase(c, creds, o, corpus, stats);
        stats.results[outcome] = (stats.results[outcome] ?? 0) + 1;
      } catch (e) {
        stats.findings.push({ index: i, what: e instanceof Error ? e.message : String(e) });
      }
      stats.cases++;
      if (o.progress && stats.cases % 10_000 === 0) o.progress(stats.cases, stats);
    }
  } finally {
    for (const cred of Object.values(creds)) cred.dispose();
  }
  return stats;
}
