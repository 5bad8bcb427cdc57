/** The peer certificate of a TLS socket, in the shape results and alerts use. */
import type tls from "node:tls";

export interface CertificateInfo {
  notAfter: Date;
  notBefore: Date;
  /** SHA-256 of the DER certificate, lower-case hex without colons. */
  fingerprint256: string;
  subject: string;
  issuer: string;
}

export function certificateOf(socket: tls.TLSSocket): CertificateInfo | null {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.valid_to) return null;
  return {
    notAfter: new Date(peer.valid_to),
    notBefore: new Date(peer.valid_from),
    fingerprint256: (peer.fingerprint256 ?? "").replaceAll(":", "").toLowerCase(),
    subject: distinguishedName(peer.subject),
    issuer: distinguishedName(peer.issuer),
  };
}

function distinguishedName(name: object | undefined): string {
  if (!name) return "";
  return Object.entries(name as Record<string, string | string[]>)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : value}`)
    .join(", ");
}

/**
 * Why verification failed, in words. Dates first: the TLS stack reports an
 * expired certificate as an unverifiable one, which sends people looking at
 * their CA instead of their renewal job.
 */
export function verificationProblem(code: string, certificate: CertificateInfo | null, now = new Date()): string {
  if (certificate && certificate.notAfter < now) {
    return `certificate expired on ${certificate.notAfter.toISOString().slice(0, 10)}`;
  }
  if (certificate && certificate.notBefore > now) return "certificate is not valid yet";
  switch (code) {
    case "CERT_HAS_EXPIRED":
      return "certificate has expired";
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return "self-signed certificate";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return "certificate issuer unknown";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return "certificate is not valid for this host name";
    default:
      return code.slice(0, 200) || "certificate not trusted";
  }
}
