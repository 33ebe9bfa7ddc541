// libraries.*: introspection through the integration layer's descriptor cache, converted for the UI in one place.
import type { CachedLibraryView } from "../../../api/library-view.js";
import { LibraryDescriber, PackageNotInstalledError } from "../../../integration/library-describer.js";
import { RequestError } from "../api-errors.js";
import { libraryView } from "../convert/library-view.js";
import type { HandlerTable } from "../request-handler.js";

type LibraryRequests = "libraries.describe" | "libraries.cached";

/** Deepest submodule walk the UI may ask for: deeper walks of big libraries take minutes. */
const MAX_DEPTH = 4;

/** The libraries' request handlers. */
export function libraryHandlers(describer: LibraryDescriber): HandlerTable<LibraryRequests> {
  return {
    "libraries.describe": async ({ module, depth, includePrivate, refresh }) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(module)) {
        throw new RequestError(
          "bad_request",
          `"${module}" is not a Python module name (expected dotted identifiers, e.g. "numpy.linalg")`,
        );
      }
      const walk = Math.min(Math.max(depth ?? 1, 0), MAX_DEPTH);
      try {
        const outcome = await describer.describe(module, {
          depth: walk,
          includePrivate: includePrivate ?? false,
          refresh: refresh ?? false,
        });
        return libraryView(outcome.descriptor, outcome.fromCache);
      } catch (error) {
        if (error instanceof PackageNotInstalledError) throw new RequestError("not_found", error.message);
        throw error;
      }
    },
    "libraries.cached": async () => {
      const entries = await describer.cache.summaries();
      // One row per library: the newest stored describe of each.
      const newest = new Map<string, CachedLibraryView>();
      for (const entry of entries) {
        const name = entry.key.module;
        const seen = newest.get(name);
        if (!seen || seen.describedAt < entry.storedAt)
          newest.set(name, { name, version: entry.key.libraryVersion, describedAt: entry.storedAt });
      }
      return [...newest.values()].sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
