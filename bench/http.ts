// Bench 3: HTTP. Requests/s on already-authenticated keep-alive connections
// against the same node:http server without authentication, and full Kerberos
// handshakes/s on new connections. Servers and load generator share this
// process (there is no second Windows Node here); both servers see the same
// load generator, so the ratio is the figure to read.
//   npm run bench -- http [--connections 16] [--requests 4000] [--rounds 3]
import * as http from 'http';
import type { AddressInfo } from 'net';
import { IscReq, liveHandles, Negotiator, SecurityContext, withNegotiate } from '../lib';
import { arg, fmt, header, kerberosPair, KerberosPair, median, SPN } from './common';

const connections = arg('connections', 16);
const requests = arg('requests', 4000);
const rounds = arg('rounds', 3);
const handshakes = arg('handshakes', 1000);

const body = JSON.stringify({ ok: true });
const plain = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
};

function get(agent: http.Agent | false, port: number, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

function token(pair: KerberosPair): string {
  const client = SecurityContext.client(pair.client, SPN);
  try {
    return `Negotiate ${client.initializeSync(null, { flags: IscReq.MUTUAL_AUTH }).outputToken!.toString('base64')}`;
  } finally {
    client.dispose();
  }
}

/** req/s over `connections` keep-alive connections; with a pair, each connection authenticates first. */
async function keepAlive(port: number, pair: KerberosPair | null): Promise<number> {
  const agents = Array.from({ length: connections }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  if (pair) {
    for (const a of agents) if ((await get(a, port, { Authorization: token(pair) })) !== 200) throw new Error('handshake failed');
  } else {
    for (const a of agents) await get(a, port);
  }
  let left = requests;
  const t = process.hrtime.bigint();
  await Promise.all(agents.map(async (a) => {
    while (left-- > 0) if ((await get(a, port)) !== 200) throw new Error('request failed');
  }));
  const rate = requests / (Number(process.hrtime.bigint() - t) / 1e9);
  for (const a of agents) a.destroy();
  return rate;
}

/** Full handshakes/s: every request on a new connection with a new client token. */
async function fresh(port: number, pair: KerberosPair): Promise<number> {
  let left = handshakes;
  const t = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (left-- > 0) if ((await get(false, port, { Authorization: token(pair), Connection: 'close' })) !== 200) throw new Error('handshake failed');
  }));
  return handshakes / (Number(process.hrtime.bigint() - t) / 1e9);
}

function listen(server: http.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

async function main(): Promise<void> {
  header(`HTTP: ${connections} keep-alive connections × ${requests} requests, ${handshakes} full handshakes, ${rounds} rounds`);
  const pair = kerberosPair();
  const negotiator = new Negotiator({ packages: ['Kerberos'] });
  const authServer = http.createServer({ keepAliveTimeout: 60_000 }, withNegotiate(plain, negotiator));
  const plainServer = http.createServer({ keepAliveTimeout: 60_000 }, plain);
  const [authPort, plainPort] = [await listen(authServer), await listen(plainServer)];
  const r: Record<string, number[]> = { plain: [], auth: [], fresh: [] };
  await keepAlive(plainPort, null); // warm-up
  await keepAlive(authPort, pair);
  for (let i = 0; i < rounds; i++) {
    r.plain.push(await keepAlive(plainPort, null));
    r.auth.push(await keepAlive(authPort, pair));
    r.fresh.push(await fresh(authPort, pair));
    console.log(`round ${i + 1}: no auth ${fmt(r.plain[i])} req/s, authenticated keep-alive ${fmt(r.auth[i])} req/s, `
      + `full handshakes ${fmt(r.fresh[i])}/s`);
  }
  const [p, a, f] = [median(r.plain), median(r.auth), median(r.fresh)];
  console.log(`median: no auth ${fmt(p)} req/s, authenticated ${fmt(a)} req/s, full handshakes ${fmt(f)}/s`);
  console.log(`RATIO authenticated keep-alive / no auth = ${fmt(a / p, 3)} (target >= 0.9)`);
  console.log(`RATIO full handshake / no-auth request = ${fmt(f / p, 3)}`);
  authServer.closeAllConnections();
  plainServer.closeAllConnections();
  await Promise.all([new Promise((x) => authServer.close(x)), new Promise((x) => plainServer.close(x))]);
  negotiator.dispose();
  pair.dispose();
  await new Promise((x) => setTimeout(x, 50));
  console.log(`live handles after: ${JSON.stringify(liveHandles())}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
