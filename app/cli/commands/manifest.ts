// `snakebridge manifest keygen|sign|verify`: ed25519 signatures over integration manifests.
import {
  generateSigningKey,
  SignatureError,
  signManifest,
  signaturePath,
  verifyManifest,
} from "../../integration/fabric/manifest-signature.js";
import { parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";

export const manifestCommand: CliCommand = {
  name: "manifest",
  summary: "Sign manifests and verify their signatures (ed25519)",
  usage: `Usage: snakebridge manifest keygen PRIVATE_PEM PUBLIC_PEM
       snakebridge manifest sign MANIFEST --key PRIVATE_PEM
       snakebridge manifest verify MANIFEST --trust PUBLIC_PEM

keygen   writes a new ed25519 key pair (the private key with mode 0600; neither file may exist yet)
sign     writes MANIFEST.sig, a signature over the manifest's exact bytes
verify   checks MANIFEST.sig against the trusted public key; exit code 1 when it does not hold

A host started with --require-signed --trust PUBLIC_PEM refuses any --allow manifest that does not verify.`,
  async run(args, io) {
    const parsed = parseArgs(args, { key: "string", trust: "string" });
    const [verb, file, extra, ...rest] = parsed.positionals;
    try {
      if (verb === "keygen") {
        if (!file || !extra || rest.length) throw new UsageError("keygen needs two files: PRIVATE_PEM PUBLIC_PEM");
        const id = await generateSigningKey(file, extra);
        io.stdout.write(`wrote ${file} (private, keep it secret) and ${extra} (public); key id ${id}\n`);
        return 0;
      }
      if (!file || extra !== undefined) throw new UsageError("expected exactly one MANIFEST");
      if (verb === "sign") {
        const key = stringFlag(parsed, "key");
        if (!key) throw new UsageError("sign needs --key PRIVATE_PEM");
        const signature = await signManifest(file, key);
        io.stdout.write(`signed ${file} → ${signaturePath(file)} (key ${signature.key_id.slice(0, 16)}…)\n`);
        return 0;
      }
      if (verb === "verify") {
        const trust = stringFlag(parsed, "trust");
        if (!trust) throw new UsageError("verify needs --trust PUBLIC_PEM");
        const signature = await verifyManifest(file, trust);
        io.stdout.write(`${file}: signature valid (key ${signature.key_id.slice(0, 16)}…)\n`);
        return 0;
      }
      throw new UsageError(
        verb
          ? `unknown manifest action "${verb}"; expected keygen, sign or verify`
          : "missing the action: keygen, sign or verify",
      );
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
  },
};
