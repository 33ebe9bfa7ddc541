// Enforce mode, assembled: manifests (signature-checked when required) → allowlist, plus the audit log.
// What `call`, `serve` and `bench` start a bridge with when given --allow.
import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { AllowPolicy, BridgeOptions, CallObserver } from "../../bridge/index.js";
import type { LoadedManifest } from "../manifest/load-manifest.js";
import { AuditLog } from "./audit-log.js";
import { auditObserver } from "./audit-observer.js";
import { allowPolicyOf, loadAllowManifests, type AllowOptions } from "./manifest-allowlist.js";
import { SecretBindings } from "./secrets.js";

export interface EnforcementOptions extends AllowOptions {
  /** Manifest files whose entrypoints are the only ones allowed. */
  allow: readonly string[];
  /** The audit log (default: $SNAKEBRIDGE_AUDIT_LOG, else ~/.snakebridge/audit.jsonl). */
  audit?: string;
}

/** Enforce mode ready to hand to PythonBridge.start(). */
export interface Enforcement {
  manifests: LoadedManifest[];
  policy: AllowPolicy;
  audit: AuditLog;
  /** Records every call in the audit log. */
  observer: CallObserver;
  /** The manifests' `bind:` values (secrets from the environment); undefined when none binds anything. */
  bind: SecretBindings | undefined;
  /** What to hand to PythonBridge.start(): allow, observer and bind. */
  bridgeOptions: Pick<BridgeOptions, "allow" | "observer" | "bind">;
  /** Flushes and closes the audit log. */
  close(): Promise<void>;
}

/** Where the audit log goes when --audit is not given. */
export function defaultAuditLog(): string {
  return process.env.SNAKEBRIDGE_AUDIT_LOG || join(homedir(), ".snakebridge", "audit.jsonl");
}

/** Loads the manifests, builds the allowlist and opens the audit log. */
export async function startEnforcement(options: EnforcementOptions): Promise<Enforcement> {
  if (options.allow.length === 0) throw new Error("enforce mode needs at least one manifest (--allow MANIFEST)");
  const manifests = await loadAllowManifests(options.allow, options);
  const policy = allowPolicyOf(manifests);
  const file = options.audit ?? defaultAuditLog();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const audit = await AuditLog.open(file);
  const observer = auditObserver(audit);
  const secrets = new SecretBindings(manifests);
  const bind = secrets.empty ? undefined : secrets;
  return {
    manifests,
    policy,
    audit,
    observer,
    bind,
    bridgeOptions: { allow: policy, observer, ...(bind === undefined ? {} : { bind }) },
    close: () => audit.close(),
  };
}
