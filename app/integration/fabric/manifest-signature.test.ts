// Manifest signatures: a signed manifest verifies; an edit, another key or a missing signature is refused.
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateSigningKey, signManifest, verifyManifest } from "./manifest-signature.js";

let dir: string;
let manifest: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sb-sign-"));
  manifest = join(dir, "stdlib.yaml");
  await writeFile(
    manifest,
    "version: 1\nintegrations:\n  - package: statistics\n    entrypoints:\n      functions: [mean]\n",
  );
  await generateSigningKey(join(dir, "a.pem"), join(dir, "a.pub.pem"));
  await generateSigningKey(join(dir, "b.pem"), join(dir, "b.pub.pem"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("manifest signatures", () => {
  it("writes the private key 0600 and refuses to overwrite keys", async () => {
    expect((await stat(join(dir, "a.pem"))).mode & 0o777).toBe(0o600);
    await expect(generateSigningKey(join(dir, "a.pem"), join(dir, "c.pub.pem"))).rejects.toThrow(/EEXIST/);
  });

  it("verifies a signed manifest with the matching public key", async () => {
    const signature = await signManifest(manifest, join(dir, "a.pem"));
    expect((await verifyManifest(manifest, join(dir, "a.pub.pem"))).key_id).toBe(signature.key_id);
  });

  it("refuses an unsigned manifest, naming the command that signs it", async () => {
    await expect(verifyManifest(manifest, join(dir, "a.pub.pem"))).rejects.toThrow(
      /not signed.*snakebridge manifest sign/,
    );
  });

  it("refuses a manifest edited after signing, even by one byte", async () => {
    await signManifest(manifest, join(dir, "a.pem"));
    await writeFile(manifest, (await readFile(manifest, "utf8")).replace("[mean]", "[mean, median]"));
    await expect(verifyManifest(manifest, join(dir, "a.pub.pem"))).rejects.toThrow(/changed after it was signed/);
  });

  it("refuses a signature by a key that is not trusted", async () => {
    await signManifest(manifest, join(dir, "b.pem"));
    await expect(verifyManifest(manifest, join(dir, "a.pub.pem"))).rejects.toThrow(/not by the trusted key/);
  });

  it("refuses a forged signature file that claims the trusted key id", async () => {
    await signManifest(manifest, join(dir, "b.pem"));
    const good = await signManifest(join(dir, "a.pub.pem"), join(dir, "a.pem")); // any bytes signed by a, to learn its key id
    const sig = JSON.parse(await readFile(`${manifest}.sig`, "utf8")) as { key_id: string };
    sig.key_id = good.key_id;
    await writeFile(`${manifest}.sig`, JSON.stringify(sig));
    await expect(verifyManifest(manifest, join(dir, "a.pub.pem"))).rejects.toThrow(/changed after it was signed/);
  });

  it("refuses a private key where a public key is expected, and a non-key file", async () => {
    await signManifest(manifest, join(dir, "a.pem"));
    await expect(verifyManifest(manifest, manifest)).rejects.toThrow(/not a PEM public key/);
  });
});
