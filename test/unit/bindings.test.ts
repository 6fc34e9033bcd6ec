// RFC 5929 tls-server-end-point: known vectors for each signature-hash rule.
// The certificates in test/fixtures were made with openssl; the expected hashes
// are `openssl x509 -outform der | openssl dgst -<hash>` of each.
import * as fs from 'fs';
import * as path from 'path';
import { X509Certificate } from 'crypto';
import { endPointHash, secChannelBindings, tlsServerEndPoint } from '../../lib';

const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
const der = (name: string) => new X509Certificate(fs.readFileSync(path.join(fixtures, `${name}.pem`))).raw;

const VECTORS: Array<[string, string, string]> = [
  ['rsa-sha256', 'sha256', 'a48303a0661779b7d091c14f4a841a893448e9c0282565ee2e161c45cfb9fcc2'],
  // SHA-1 signatures use SHA-256 (RFC 5929 4.1).
  ['rsa-sha1', 'sha256', 'caa6345411fb779eb528536044ec880dbd1a87076ceef3ff112c966a10d8c839'],
  ['ecdsa-sha384', 'sha384', '2c7af1b9655c9eff57790316cb5ccb6d3cbbbe7a9d8fc8210ee266048d5a254027a07bfe4aac78969a64e75bd0aa5b66'],
  // RSASSA-PSS: the hash comes from the algorithm parameters.
  ['rsa-pss-sha512', 'sha512', '6b001b95c2aa23eb60954e6e15a308dcccbd1b4f27288aa673bf06de98187e4c6f5c68205ce684b5113a87665db0956f0adc9b3d68f2b97b6baf87aca077df53'],
];

test.each(VECTORS)('tls-server-end-point of %s uses %s', (name, hash, hex) => {
  const cert = der(name);
  expect(endPointHash(cert)).toBe(hash);
  const value = tlsServerEndPoint(cert)!;
  expect(value.subarray(0, 21).toString()).toBe('tls-server-end-point:');
  expect(value.subarray(21).toString('hex')).toBe(hex);
  expect(tlsServerEndPoint(new X509Certificate(cert))!.equals(value)).toBe(true);
});

test('Ed25519 certificates have no tls-server-end-point', () => {
  expect(endPointHash(der('ed25519'))).toBeNull();
  expect(tlsServerEndPoint(der('ed25519'))).toBeNull();
});

test('SEC_CHANNEL_BINDINGS carries only application data, at offset 32', () => {
  const app = tlsServerEndPoint(der('rsa-sha256'))!;
  const cb = secChannelBindings(app);
  expect(cb.length).toBe(32 + app.length);
  for (let i = 0; i < 24; i += 4) expect(cb.readUInt32LE(i)).toBe(0);
  expect(cb.readUInt32LE(24)).toBe(app.length);
  expect(cb.readUInt32LE(28)).toBe(32);
  expect(cb.subarray(32).equals(app)).toBe(true);
});

test('garbage is an error, not a wrong hash', () => {
  expect(() => endPointHash(Buffer.from([0x30, 0x82, 0xff]))).toThrow();
});
