// The example server: node:http + Negotiate. `npm run demo:server -- --port N`
// (Windows Node; Wine on Linux). Prints the port it listens on.
//   --port N          listen on N (0 = any free port; default 8080)
//   --ntlm            also allow NTLM (the bare NTLM scheme and NTLM inside Negotiate)
//   --require-integrity  refuse contexts without integrity (403)
//   --test-endpoints  GET /_stats (unauthenticated): live SSPI handles, for leak checks
import * as http from 'http';
import { AscRet, liveHandles, Negotiator } from '../lib';

function arg(name: string): string | null {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : null;
}
const flag = (name: string) => process.argv.includes(name);

const port = Number(arg('--port') ?? 8080);
const ntlm = flag('--ntlm');
const negotiator = new Negotiator({
  packages: ntlm ? ['Kerberos', 'NTLM'] : ['Kerberos'],
  offerNtlmScheme: ntlm,
  requireFlags: flag('--require-integrity') ? AscRet.INTEGRITY : 0,
  log: (line) => console.log(line),
});
const testEndpoints = flag('--test-endpoints');

const server = http.createServer((req, res) => {
  if (testEndpoints && req.url === '/_stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ liveHandles: liveHandles(), negotiatorContexts: negotiator.contexts }));
    return;
  }
  negotiator.handle(req, res).then((auth) => {
    if (!auth) return;
    if (auth === 'pass') {
      res.writeHead(204).end();
      return;
    }
    const body = {
      ok: true,
      scheme: auth.scheme,
      package: auth.package,
      mutual: auth.mutual,
      flags: auth.flagNames,
      user: auth.user,
      identityUnavailable: auth.identityUnavailable,
      requestsOnConnection: auth.requestsOnConnection,
      clientPort: req.socket.remotePort,
    };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }, (e: unknown) => {
    res.writeHead(500).end(String(e));
  });
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`sspi-native demo server listening on http://localhost:${actual}/ (NTLM ${ntlm ? 'allowed' : 'refused'})`);
  console.log(`PORT=${actual}`);
});

const stop = () => server.close(() => {
  negotiator.dispose();
  process.exit(0);
});
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
