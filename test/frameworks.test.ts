// The framework adapters for real: Express, Koa and Fastify servers in this
// process, a Kerberos client from this library over loopback HTTP.
import * as http from 'http';
import type { AddressInfo } from 'net';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import {
  AscRet, AuthInfo, Credentials, CredentialUse, IscReq, liveHandles, NegotiateHttpError, negotiateExpress, negotiateFastify, negotiateKoa, Negotiator,
  SecurityContext,
} from '../lib';
import { describeSspi, kerberosUnavailable, realm, testUnless } from './helpers/sspi';

function get(port: number, agent: http.Agent, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

/** Challenge, Negotiate with a fresh Kerberos client, verify the mutual token. */
async function login(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const first = await get(port, agent);
  expect(first.status).toBe(401);
  expect(first.headers['www-authenticate']).toContain('Negotiate');
  const cred = Credentials.acquireSync({ package: 'Negotiate', use: CredentialUse.OUTBOUND });
  using client = SecurityContext.client(cred, realm.spn);
  cred.dispose();
  const step = client.initializeSync(null, { flags: IscReq.MUTUAL_AUTH });
  const ok = await get(port, agent, { Authorization: `Negotiate ${step.outputToken!.toString('base64')}` });
  const mutual = String(ok.headers['www-authenticate'] ?? '').replace(/^Negotiate /, '');
  if (ok.status === 200) expect(client.initializeSync(Buffer.from(mutual, 'base64'), { flags: IscReq.MUTUAL_AUTH }).done).toBe(true);
  const again = await get(port, agent); // same keep-alive connection, no header
  agent.destroy();
  return { ok, again };
}

async function close(server: http.Server, negotiator?: Negotiator): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  negotiator?.dispose();
}

/** login() must end in 200 for Kerberos, and the keep-alive connection stay authenticated. */
async function expectKerberosLogin(port: number) {
  const { ok, again } = await login(port);
  expect(ok.status).toBe(200);
  expect(JSON.parse(ok.body)).toEqual({ package: 'Kerberos', requests: 1 });
  expect(JSON.parse(again.body)).toEqual({ package: 'Kerberos', requests: 2 });
  return ok;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const reply = (auth: AuthInfo | undefined) => JSON.stringify({ package: auth?.package, requests: auth?.requestsOnConnection });

describeSspi('framework adapters', () => {
  // Handle counters are per process, shared with later test files: leave none.
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 50)); // sockets closing drop their contexts
    expect(liveHandles()).toEqual({ credentials: 0, contexts: 0 });
  });

  testUnless(kerberosUnavailable, 'Express: req.auth after a Kerberos handshake; policy refusals reach the error handler', async () => {
    const negotiator = new Negotiator();
    const app = express();
    app.use(negotiateExpress(negotiator));
    app.get('/', (req, res) => res.type('json').send(reply((req as unknown as { auth?: AuthInfo }).auth)));
    const server = http.createServer(app);
    const port = await listen(server);
    try {
      await expectKerberosLogin(port);
    } finally {
      await close(server, negotiator);
    }
    // A policy the context cannot meet: 403 through Express's error handler, typed.
    const strict = express();
    let seen: unknown;
    const strictNegotiator = new Negotiator({ requireFlags: AscRet.DELEGATE });
    strict.use(negotiateExpress(strictNegotiator));
    strict.get('/', (_req, res) => res.send('no'));
    strict.use((err: NegotiateHttpError, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen = err;
      res.status(err.status).send(err.code);
    });
    const s2 = http.createServer(strict);
    const p2 = await listen(s2);
    try {
      const { ok } = await login(p2);
      expect(ok.status).toBe(403);
      expect(seen).toBeInstanceOf(NegotiateHttpError);
      expect((seen as NegotiateHttpError).code).toBe('ERR_NEGOTIATE_POLICY');
    } finally {
      await close(s2, strictNegotiator);
    }
  });

  testUnless(kerberosUnavailable, 'Koa: ctx.state.auth after a Kerberos handshake', async () => {
    const app = new Koa();
    const negotiator = new Negotiator();
    app.use(negotiateKoa(negotiator));
    app.use((ctx) => {
      ctx.type = 'json';
      ctx.body = reply(ctx.state.auth as AuthInfo);
    });
    const server = http.createServer(app.callback());
    const port = await listen(server);
    try {
      const ok = await expectKerberosLogin(port);
      expect(ok.headers['www-authenticate']).toMatch(/^Negotiate [A-Za-z0-9+/]+/);
    } finally {
      await close(server, negotiator);
    }
  });

  testUnless(kerberosUnavailable, 'Fastify: request.auth after a Kerberos handshake', async () => {
    const app = Fastify();
    app.decorateRequest('auth', null);
    const negotiator = new Negotiator();
    app.addHook('onRequest', negotiateFastify(negotiator));
    app.get('/', async (request) => JSON.parse(reply((request as unknown as { auth?: AuthInfo }).auth)));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    try {
      await expectKerberosLogin(port);
    } finally {
      await app.close();
      negotiator.dispose();
    }
  });
});
