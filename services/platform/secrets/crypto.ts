/**
 * Secrets at rest: AES-256-GCM (WebCrypto) under keys derived from
 * OPSDECK_SECRET with HKDF-SHA-256, one key per purpose (a key for
 * provider tokens can never decrypt a channel secret or an OIDC cookie).
 *
 * Stored form: `ciphertext` bytea = version byte 0x01 ‖ 96-bit random IV ‖
 * AES-GCM output (ciphertext ‖ 128-bit tag), plus `key_id` in its own column:
 * the first 8 hex characters of SHA-256 of the derived key, so a row says
 * which key wrote it without revealing anything usable about the key. Each
 * value is bound by the GCM additional data to where it lives (`aad`, e.g.
 * `external_identities.access_token:<row id>`), so a ciphertext copied into
 * another row or column fails to decrypt.
 *
 * Rotation: start with the new OPSDECK_SECRET and the old one in
 * OPSDECK_SECRET_PREVIOUS; old rows still decrypt, new writes use the new key,
 * and `deno task secrets:rotate` re-encrypts what is left.
 */

export const SECRET_PURPOSES = [
  "external_identity_tokens",
  "notification_channel_secrets",
  "oidc_flow_cookie",
] as const;
export type SecretPurpose = typeof SECRET_PURPOSES[number];

const VERSION = 1;
const IV_BYTES = 12;
/** Constant salt: OPSDECK_SECRET is already high-entropy; HKDF's info separates the purposes. */
const HKDF_SALT = new TextEncoder().encode("opsdeck secrets at rest v1");

export interface Sealed {
  ciphertext: Uint8Array<ArrayBuffer>;
  keyId: string;
}

interface Key {
  id: string;
  key: CryptoKey;
}

/** Thrown when a value cannot be decrypted: unknown key id, tampering, or the wrong place. */
export class SecretDecryptError extends Error {
  override name = "SecretDecryptError";
}

export interface Keyring {
  purpose: SecretPurpose;
  /** The key id new values are written with. */
  currentKeyId: string;
  /** Every key id this keyring can decrypt, current first. */
  keyIds: string[];
  encrypt(plaintext: string, aad: string): Promise<Sealed>;
  decrypt(sealed: Sealed, aad: string): Promise<string>;
}

/**
 * Derives the keys of one purpose: `current` encrypts and decrypts, each of
 * `previous` only decrypts (until `secrets:rotate` has moved every row).
 */
export async function createKeyring(
  secrets: { current: string; previous?: readonly string[] },
  purpose: SecretPurpose,
): Promise<Keyring> {
  const current = await deriveKey(secrets.current, purpose);
  const keys = new Map<string, CryptoKey>([[current.id, current.key]]);
  for (const old of secrets.previous ?? []) {
    const derived = await deriveKey(old, purpose);
    if (!keys.has(derived.id)) keys.set(derived.id, derived.key);
  }
  return {
    purpose,
    currentKeyId: current.id,
    keyIds: [...keys.keys()],
    async encrypt(plaintext, aad) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: "AES-GCM", iv, additionalData: encode(aad) },
          current.key,
          encode(plaintext),
        ),
      );
      const out = new Uint8Array(1 + IV_BYTES + sealed.length);
      out[0] = VERSION;
      out.set(iv, 1);
      out.set(sealed, 1 + IV_BYTES);
      return { ciphertext: out, keyId: current.id };
    },
    async decrypt({ ciphertext, keyId }, aad) {
      const key = keys.get(keyId);
      if (!key) {
        throw new SecretDecryptError(
          `no key with id ${keyId} for ${purpose}: set the OPSDECK_SECRET that wrote it in OPSDECK_SECRET_PREVIOUS`,
        );
      }
      if (ciphertext.length < 1 + IV_BYTES + 16 || ciphertext[0] !== VERSION) {
        throw new SecretDecryptError(`malformed ciphertext for ${purpose}`);
      }
      try {
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: ciphertext.slice(1, 1 + IV_BYTES), additionalData: encode(aad) },
          key,
          ciphertext.slice(1 + IV_BYTES),
        );
        return new TextDecoder().decode(plain);
      } catch {
        throw new SecretDecryptError(`ciphertext for ${purpose} failed authentication (tampered or moved)`);
      }
    },
  };
}

async function deriveKey(secret: string, purpose: SecretPurpose): Promise<Key> {
  const ikm = await crypto.subtle.importKey("raw", encode(secret), "HKDF", false, ["deriveBits"]);
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: encode(`opsdeck:${purpose}`) },
      ikm,
      256,
    ),
  );
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bits));
  const id = [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const key = await crypto.subtle.importKey("raw", bits, "AES-GCM", false, ["encrypt", "decrypt"]);
  return { id, key };
}

function encode(value: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(value);
}
