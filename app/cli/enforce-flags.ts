// The enforce-mode flags `call`, `serve` and `bench` share: --allow, --require-signed, --trust, --audit.
import type { EnforcementOptions } from "../integration/fabric/enforcement.js";
import { stringFlag, type FlagSpec, type ParsedArgs } from "./args.js";
import { UsageError } from "./command.js";

export const ENFORCE_FLAGS: FlagSpec = {
  allow: "string",
  "require-signed": "boolean",
  trust: "string",
  audit: "string",
};

export const ENFORCE_USAGE = `  --allow MANIFEST[,MANIFEST...]  enforce mode: only the entrypoints these manifests declare may run
                    (anything else fails with not_allowed); notebooks, the console and Eval are off
  --require-signed  refuse --allow manifests without a valid signature by the --trust key
  --trust PUBLIC_PEM  the key manifest signatures are checked against (snakebridge manifest sign)
  --audit FILE      the hash-chained audit log of enforce mode (default $SNAKEBRIDGE_AUDIT_LOG or
                    ~/.snakebridge/audit.jsonl); check it with: snakebridge audit verify FILE`;

/** The enforce-mode options the flags ask for; undefined without --allow. */
export function enforcementFlags(parsed: ParsedArgs): EnforcementOptions | undefined {
  const allow = (stringFlag(parsed, "allow") ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "");
  const requireSigned = parsed.flags.has("require-signed");
  const trust = stringFlag(parsed, "trust");
  const audit = stringFlag(parsed, "audit");
  if (allow.length === 0) {
    if (requireSigned || trust !== undefined || audit !== undefined)
      throw new UsageError("--require-signed, --trust and --audit apply to enforce mode: add --allow MANIFEST");
    return undefined;
  }
  if (requireSigned && trust === undefined) throw new UsageError("--require-signed needs --trust PUBLIC_PEM");
  return { allow, requireSigned, ...(trust === undefined ? {} : { trust }), ...(audit === undefined ? {} : { audit }) };
}
