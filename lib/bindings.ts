// Channel bindings (EPA): RFC 5929 tls-server-end-point from the server's own
// certificate, packed as SEC_CHANNEL_BINDINGS for a SECBUFFER_CHANNEL_BINDINGS buffer.
import * as crypto from 'crypto';

// Signature algorithm OID -> the hash RFC 5929 section 4.1 prescribes.
const SIGNATURE_HASH: Record<string, string | null> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSA: MD5 and SHA-1 are replaced by SHA-256
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSA
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha256', // sha224WithRSA: "use the hash", and 224 < 256
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null, // Ed25519: no single hash, so no tls-server-end-point
  '1.3.101.113': null, // Ed448
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';
const PSS_HASH: Record<string, string> = {
  '1.3.14.3.2.26': 'sha256', // SHA-1
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

interface Der {
  tag: number;
  start: number; // content start
  end: number; // content end
}

function readDer(buf: Buffer, offset: number): Der {
  if (offset + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[offset];
  let len = buf[offset + 1];
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  if (start + len > buf.length) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

function children(buf: Buffer, node: Der): Der[] {
  const out: Der[] = [];
  for (let p = node.start; p < node.end;) {
    const c = readDer(buf, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oid(buf: Buffer, node: Der): string {
  if (node.tag !== 0x06) throw new Error('expected an OID');
  const bytes = buf.subarray(node.start, node.end);
  const parts: number[] = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The signatureAlgorithm OID of a DER certificate. */
export function certificateSignatureAlgorithm(der: Buffer): { oid: string; params: Der | null; buf: Buffer } {
  const cert = readDer(der, 0);
  const [, algorithm] = children(der, cert);
  if (!algorithm) throw new Error('not an X.509 certificate');
  const [id, params] = children(der, algorithm);
  return { oid: oid(der, id), params: params ?? null, buf: der };
}

/** The hash RFC 5929 prescribes for this certificate, or null when none is defined. */
export function endPointHash(der: Buffer): string | null {
  const sig = certificateSignatureAlgorithm(der);
  if (sig.oid === RSASSA_PSS) {
    // RSASSA-PSS-params: [0] hashAlgorithm, absent = SHA-1 (-> SHA-256).
    const params = sig.params ? children(der, sig.params) : [];
    const hash = params.find((p) => p.tag === 0xa0);
    if (!hash) return 'sha256';
    const [alg] = children(der, hash);
    const [id] = children(der, alg);
    return PSS_HASH[oid(der, id)] ?? null;
  }
  return sig.oid in SIGNATURE_HASH ? SIGNATURE_HASH[sig.oid] : null;
}

/** "tls-server-end-point:" + H(certificate), or null when RFC 5929 defines none. */
export function tlsServerEndPoint(certificate: Uint8Array | crypto.X509Certificate): Buffer | null {
  const der = certificate instanceof crypto.X509Certificate ? certificate.raw : Buffer.from(certificate);
  const hash = endPointHash(der);
  if (!hash) return null;
  return Buffer.concat([Buffer.from('tls-server-end-point:'), crypto.createHash(hash).update(der).digest()]);
}

/** SEC_CHANNEL_BINDINGS with only application data, as Windows HTTP stacks send it. */
export function secChannelBindings(applicationData: Uint8Array): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(applicationData.length, 24); // cbApplicationDataLength
  header.writeUInt32LE(32, 28); // dwApplicationDataOffset
  return Buffer.concat([header, applicationData]);
}
