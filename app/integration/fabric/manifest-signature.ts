// Optional ed25519 signatures over manifests (node:crypto). The signature sits next to the manifest in
// `<manifest>.sig` as JSON {algorithm, key_id, signature}; it covers the manifest's exact bytes, so any edit
// (even whitespace) needs a new signature. A host started with --require-signed --trust KEYFILE refuses manifests
// that are unsigned or signed by another key.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";

export interface ManifestSignature {
  algorithm: "ed25519";
  /** sha256 of the public key (SPKI DER), hex: says which key signed, for messages. */
  key_id: string;
  /** base64 signature over the manifest's bytes. */
  signature: string;
}

/** A signature check that failed, with what to do about it. */
export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureError";
  }
}

/** Where a manifest's signature lives. */
export function signaturePath(manifestFile: string): string {
  return `${manifestFile}.sig`;
}

/** The id of a public key: sha256 of its SPKI DER. */
export function keyId(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
}

/** Writes a new ed25519 key pair as PEM files (private 0600). */
export async function generateSigningKey(privateFile: string, publicFile: string): Promise<string> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  await writeFile(privateFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  await writeFile(publicFile, publicKey.export({ type: "spki", format: "pem" }), { flag: "wx" });
  return keyId(publicKey);
}

async function readKey(file: string, kind: "private" | "public"): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(file, "utf8");
  } catch (error) {
    throw new SignatureError(`Cannot read the ${kind} key ${file}: ${(error as Error).message}`);
  }
  try {
    const key = kind === "private" ? createPrivateKey(pem) : createPublicKey(pem);
    if (key.asymmetricKeyType !== "ed25519")
      throw new SignatureError(
        `${file} holds a ${String(key.asymmetricKeyType)} key; manifests are signed with ed25519 keys (snakebridge manifest keygen)`,
      );
    return key;
  } catch (error) {
    if (error instanceof SignatureError) throw error;
    throw new SignatureError(`${file} is not a PEM ${kind} key: ${(error as Error).message}`);
  }
}

/** Signs a manifest file with a private key; writes and returns the signature. */
export async function signManifest(manifestFile: string, privateKeyFile: string): Promise<ManifestSignature> {
  const key = await readKey(privateKeyFile, "private");
  const bytes = await readFile(manifestFile);
  const signature: ManifestSignature = {
    algorithm: "ed25519",
    key_id: keyId(key),
    signature: sign(null, bytes, key).toString("base64"),
  };
  await writeFile(signaturePath(manifestFile), JSON.stringify(signature, null, 2) + "\n");
  return signature;
}

/** Checks a manifest's signature against a trusted public key; throws SignatureError saying what is wrong. */
export async function verifyManifest(manifestFile: string, trustedKeyFile: string): Promise<ManifestSignature> {
  const key = await readKey(trustedKeyFile, "public");
  const sigFile = signaturePath(manifestFile);
  let raw: string;
  try {
    raw = await readFile(sigFile, "utf8");
  } catch {
    throw new SignatureError(
      `${manifestFile} is not signed (no ${sigFile}). Sign it with: snakebridge manifest sign ${manifestFile} --key PRIVATE_KEY`,
    );
  }
  let signature: ManifestSignature;
  try {
    signature = JSON.parse(raw) as ManifestSignature;
  } catch {
    throw new SignatureError(`${sigFile} is not valid JSON; sign the manifest again`);
  }
  if (signature.algorithm !== "ed25519" || typeof signature.signature !== "string") {
    throw new SignatureError(`${sigFile} is not an ed25519 manifest signature; sign the manifest again`);
  }
  const trusted = keyId(key);
  if (signature.key_id !== trusted) {
    throw new SignatureError(
      `${manifestFile} was signed by key ${signature.key_id.slice(0, 16)}…, not by the trusted key ${trusted.slice(0, 16)}… (${trustedKeyFile})`,
    );
  }
  const bytes = await readFile(manifestFile);
  if (!verify(null, bytes, key, Buffer.from(signature.signature, "base64"))) {
    throw new SignatureError(
      `${manifestFile} changed after it was signed (its signature does not match). Review the change, then sign it again.`,
    );
  }
  return signature;
}
