/**
 * Test certificates without openssl or an npm package: a small DER writer
 * and WebCrypto ECDSA P-256. `createTestPki()` makes a CA and a server
 * certificate it signed, valid for the names and IPs given, expiring when
 * asked (in the past too).
 */

const encoder = new TextEncoder();

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : null;
  if (!length) throw new Error("DER value too long");
  return concat([Uint8Array.of(tag, ...length), content]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const seq = (...items: Uint8Array[]) => tlv(0x30, concat(items));
const set = (...items: Uint8Array[]) => tlv(0x31, concat(items));
const explicit = (n: number, item: Uint8Array) => tlv(0xa0 + n, item);
const octets = (bytes: Uint8Array) => tlv(0x04, bytes);
const bits = (bytes: Uint8Array, unused = 0) => tlv(0x03, concat([Uint8Array.of(unused), bytes]));
const bool = (value: boolean) => tlv(0x01, Uint8Array.of(value ? 0xff : 0));

function integer(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1] < 0x80) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0] >= 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

function oid(text: string): Uint8Array {
  const [a, b, ...rest] = text.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function time(date: Date): Uint8Array {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  return date.getUTCFullYear() < 2050 ? tlv(0x17, encoder.encode(iso.slice(2))) : tlv(0x18, encoder.encode(iso));
}

const name = (cn: string) => seq(set(seq(oid("2.5.4.3"), tlv(0x0c, encoder.encode(cn)))));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));
const extension = (id: string, critical: boolean, value: Uint8Array) =>
  critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));

/** WebCrypto gives r||s; X.509 wants SEQUENCE { INTEGER r, INTEGER s }. */
async function sign(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const raw = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, data as Uint8Array<ArrayBuffer>),
  );
  return seq(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
}

function pem(label: string, der: Uint8Array): string {
  const b64 = btoa(String.fromCharCode(...der));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

interface CertificateSpec {
  subject: string;
  issuer: string;
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  dnsNames?: string[];
  ips?: string[];
}

async function certificate(spec: CertificateSpec): Promise<Uint8Array> {
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", spec.publicKey));
  const serial = crypto.getRandomValues(new Uint8Array(12));
  serial[0] &= 0x7f;
  const extensions = spec.ca
    ? [
      extension("2.5.29.19", true, seq(bool(true))),
      extension("2.5.29.15", true, bits(Uint8Array.of(0x06), 1)),
    ]
    : [
      extension("2.5.29.19", true, seq()),
      extension("2.5.29.15", true, bits(Uint8Array.of(0x80), 7)),
      extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))),
      extension(
        "2.5.29.17",
        false,
        seq(
          ...(spec.dnsNames ?? []).map((n) => tlv(0x82, encoder.encode(n))),
          ...(spec.ips ?? []).map((ip) => tlv(0x87, Uint8Array.from(ip.split(".").map(Number)))),
        ),
      ),
    ];
  const tbs = seq(
    explicit(0, integer(Uint8Array.of(2))),
    integer(serial),
    ECDSA_SHA256,
    name(spec.issuer),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spki,
    explicit(3, seq(...extensions)),
  );
  return seq(tbs, ECDSA_SHA256, bits(await sign(spec.signingKey, tbs)));
}

export interface TestPki {
  /** The CA certificate (PEM) to trust. */
  caPem: string;
  /** The server certificate and its PKCS#8 key (PEM), for Deno.serve({ cert, key }). */
  cert: string;
  key: string;
  notAfter: Date;
  /** SHA-256 of the server certificate, lower-case hex. */
  fingerprint256: string;
}

export async function createTestPki(opts: {
  dnsNames: string[];
  ips?: string[];
  /** Days from now until the server certificate expires; negative for an expired one. */
  days: number;
}): Promise<TestPki> {
  const alg = { name: "ECDSA", namedCurve: "P-256" };
  const caKeys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]) as CryptoKeyPair;
  const leafKeys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]) as CryptoKeyPair;
  const now = Date.now();
  const day = 86_400_000;
  const notAfter = new Date(Math.floor((now + opts.days * day) / 1000) * 1000);
  const ca = await certificate({
    subject: "Opsdeck Test CA",
    issuer: "Opsdeck Test CA",
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore: new Date(now - 30 * day),
    notAfter: new Date(now + 365 * day),
    ca: true,
  });
  const leaf = await certificate({
    subject: opts.dnsNames[0] ?? "localhost",
    issuer: "Opsdeck Test CA",
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore: new Date(Math.min(now - day, notAfter.getTime() - day)),
    notAfter,
    ca: false,
    dnsNames: opts.dnsNames,
    ips: opts.ips,
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", leafKeys.privateKey));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", leaf as Uint8Array<ArrayBuffer>));
  return {
    caPem: pem("CERTIFICATE", ca),
    cert: pem("CERTIFICATE", leaf),
    key: pem("PRIVATE KEY", pkcs8),
    notAfter,
    fingerprint256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
  };
}
