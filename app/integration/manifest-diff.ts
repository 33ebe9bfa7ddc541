// `diff` for a manifest: the newest cached descriptor of each integration against a fresh introspection.
import type { LibraryDescriber } from "./library-describer.js";
import { diffDescriptors, type DescriptorDiff } from "./descriptor-diff.js";
import type { LoadedManifest } from "./manifest/load-manifest.js";
import { integrationDepth, integrationDescribeHash, integrationModule } from "./manifest/resolve-entrypoints.js";

export interface IntegrationDiff {
  module: string;
  /** Library version in the cached descriptor, and now. */
  cachedVersion: string;
  currentVersion: string;
  /** When the compared cache entry was stored; undefined when nothing was cached. */
  cachedAt?: number;
  diff: DescriptorDiff;
}

/** Diffs every integration of a manifest; an integration never described before is reported with cachedAt undefined. */
export async function diffManifest(loaded: LoadedManifest, describer: LibraryDescriber): Promise<IntegrationDiff[]> {
  const entries = await describer.cache.entries();
  const results: IntegrationDiff[] = [];
  for (const spec of loaded.spec.integrations) {
    const module = integrationModule(spec);
    const depth = integrationDepth(spec);
    const manifestHash = integrationDescribeHash(spec);
    const identity = await describer.identify(module, { packageName: spec.package, refresh: true });
    // Any cached version counts: after an upgrade the old version's descriptor is exactly what to compare with.
    const cached = entries
      .filter(
        (e) =>
          e.key.module === module &&
          e.key.depth === depth &&
          !e.key.includePrivate &&
          e.key.manifestHash === manifestHash &&
          e.key.pythonExecutable === identity.pythonExecutable,
      )
      .sort((a, b) => b.storedAt - a.storedAt)[0];
    const fresh = await describer.introspect(module, { depth });
    const empty = { ...fresh, modules: [] };
    results.push({
      module,
      cachedVersion: cached?.key.libraryVersion ?? "",
      currentVersion: identity.version,
      ...(cached ? { cachedAt: cached.storedAt } : {}),
      diff: diffDescriptors(cached?.descriptor ?? empty, fresh),
    });
  }
  return results;
}
