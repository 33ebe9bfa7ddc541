// Manifests → the allowlist of dotted paths enforce mode hands to the bridge (PythonBridge.start({ allow })).
import { resolve } from "node:path";
import type { AllowPolicy, AllowRule } from "../../bridge/index.js";
import { loadManifest, type LoadedManifest } from "../manifest/load-manifest.js";
import { integrationModule } from "../manifest/resolve-entrypoints.js";
import { verifyManifest } from "./manifest-signature.js";

/** A manifest name relative to the integration's module, made absolute (`mean` → `statistics.mean`). */
function absolute(module: string, name: string): string {
  return name === module || name.startsWith(`${module}.`) ? name : `${module}.${name}`;
}

/** The allowlist that lets through exactly what these manifests declare. */
export function allowPolicyOf(manifests: readonly LoadedManifest[]): AllowPolicy {
  const rules: AllowRule[] = [];
  const exclude: string[] = [];
  for (const loaded of manifests) {
    const manifest = loaded.file;
    for (const spec of loaded.spec.integrations) {
      const module = integrationModule(spec);
      const e = spec.entrypoints;
      for (const name of e.functions ?? []) rules.push({ kind: "function", path: absolute(module, name), manifest });
      for (const entry of e.classes ?? []) {
        if (typeof entry === "string") rules.push({ kind: "class", path: absolute(module, entry), manifest });
        else
          rules.push({
            kind: "class",
            path: absolute(module, entry.name),
            ...(entry.methods ? { methods: entry.methods } : {}),
            manifest,
          });
      }
      for (const pattern of e.include ?? []) rules.push({ kind: "pattern", path: absolute(module, pattern), manifest });
      for (const pattern of e.exclude ?? []) exclude.push(absolute(module, pattern));
    }
  }
  return { rules, exclude, manifests: manifests.map((m) => m.file) };
}

export interface AllowOptions {
  /** Refuse manifests without a valid signature by `trust`. */
  requireSigned?: boolean;
  /** Public key (PEM) that manifest signatures must verify against. */
  trust?: string;
}

/** Loads (and, when asked, verifies the signatures of) manifests; throws ManifestError / SignatureError. */
export async function loadAllowManifests(
  files: readonly string[],
  options: AllowOptions = {},
): Promise<LoadedManifest[]> {
  if (options.requireSigned && options.trust === undefined) {
    throw new Error("--require-signed needs --trust PUBLIC_PEM: the key manifest signatures must verify against");
  }
  const loaded: LoadedManifest[] = [];
  for (const file of files) {
    const path = resolve(file);
    if (options.trust !== undefined) await verifyManifest(path, options.trust);
    loaded.push(await loadManifest(path));
  }
  return loaded;
}
