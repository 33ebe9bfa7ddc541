// Describes libraries through the cache first; starts Python work only on a miss.
import { join } from "node:path";
import { PythonBridge } from "../bridge/index.js";
import type { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
import { DescriptorCache, type DescriptorKey } from "./descriptor-cache.js";
import { LibraryIdentityStore, likelyInterpreter, type LibraryIdentity } from "./cache/library-identity.js";

export interface DescribeOptions {
  depth?: number;
  includePrivate?: boolean;
  /** Hash of the manifest parts that shaped this describe ("" for a plain describe). */
  manifestHash?: string;
  /** Ignore cached descriptors and identities (they are replaced by fresh ones). */
  refresh?: boolean;
  /** Cached descriptors older than this are described again. */
  maxAgeMs?: number;
  timeoutMs?: number;
}

/** A describe's result and where it came from. */
export interface DescribeOutcome {
  descriptor: LibraryDescriptor;
  identity: LibraryIdentity;
  fromCache: boolean;
  key: DescriptorKey;
  elapsedMs: number;
}

/** A module the interpreter cannot import, with the pip command that fixes it. */
export class PackageNotInstalledError extends Error {
  constructor(
    readonly module: string,
    readonly packageName: string,
    readonly identity: LibraryIdentity,
    versionConstraint = "",
  ) {
    const requirement = `${packageName}${versionConstraint}`;
    super(
      `Python package "${packageName}" (module "${module}") is not installed in ${identity.pythonExecutable} (${identity.pythonVersion}). ` +
        `Install it with: ${identity.pythonExecutable} -m pip install "${requirement}"`,
    );
    this.name = "PackageNotInstalledError";
  }
}

export interface LibraryDescriberOptions {
  cache?: DescriptorCache;
  /** Interpreter to describe with (default: the one the bridge would pick). */
  python?: string;
  /** A running bridge to use on a miss; otherwise one is started on the first miss and owned here. */
  bridge?: PythonBridge;
  /**
   * The bridge whose interpreter can import `module` (one pool per integration environment); modules it routes
   * elsewhere than `bridge` are identified and described with that bridge's interpreter.
   */
  bridgeFor?: (module: string) => PythonBridge;
}

/** Describes libraries with the descriptor cache in front of the Python worker. */
export class LibraryDescriber {
  readonly cache: DescriptorCache;
  readonly identities: LibraryIdentityStore;
  readonly python: string;
  #bridge: PythonBridge | undefined;
  #ownsBridge = false;
  readonly #bridgeFor: ((module: string) => PythonBridge) | undefined;
  /** How many bridges this describer started (0 when every describe was a cache hit). */
  bridgesStarted = 0;

  constructor(options: LibraryDescriberOptions = {}) {
    this.cache = options.cache ?? new DescriptorCache();
    this.identities = new LibraryIdentityStore(join(this.cache.dir, "identities"));
    this.python = options.python ?? options.bridge?.interpreter.executable ?? likelyInterpreter();
    this.#bridge = options.bridge;
    this.#bridgeFor = options.bridgeFor;
  }

  /** The interpreter that imports `module`: its environment's, else the describer's own. */
  #pythonFor(module: string): string {
    return this.#bridgeFor?.(module).interpreter.executable ?? this.python;
  }

  /** The installed identity of a module; throws PackageNotInstalledError when it is missing. */
  async identify(
    module: string,
    options: { refresh?: boolean; packageName?: string; versionConstraint?: string } = {},
  ): Promise<LibraryIdentity> {
    const identity = await this.identities.resolve(this.#pythonFor(module), module, options);
    if (!identity.found)
      throw new PackageNotInstalledError(
        module,
        options.packageName ?? module.split(".")[0]!,
        identity,
        options.versionConstraint,
      );
    return identity;
  }

  /** The cache key a describe of `module` would use. */
  keyFor(identity: LibraryIdentity, options: DescribeOptions): DescriptorKey {
    return {
      module: identity.module,
      depth: options.depth ?? 1,
      includePrivate: options.includePrivate ?? false,
      libraryVersion: identity.version,
      pythonExecutable: identity.pythonExecutable,
      pythonVersion: identity.pythonVersion,
      manifestHash: options.manifestHash ?? "",
    };
  }

  /** A cached descriptor when one fits, else a fresh introspection (stored for next time). */
  async describe(module: string, options: DescribeOptions = {}): Promise<DescribeOutcome> {
    const started = performance.now();
    const identity = await this.identify(module, { refresh: options.refresh ?? false });
    const key = this.keyFor(identity, options);
    if (!options.refresh) {
      const cached = await this.cache.get(key, options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs });
      if (cached)
        return {
          descriptor: cached.descriptor,
          identity,
          fromCache: true,
          key,
          elapsedMs: performance.now() - started,
        };
    }
    const descriptor = await this.introspect(module, options);
    await this.cache.put(key, descriptor);
    return { descriptor, identity, fromCache: false, key, elapsedMs: performance.now() - started };
  }

  /** Fresh introspection in a worker, bypassing and not touching the cache (used by diff). */
  async introspect(module: string, options: DescribeOptions = {}): Promise<LibraryDescriptor> {
    const bridge = this.#bridgeFor?.(module) ?? (await this.#ensureBridge());
    return bridge.describe(module, {
      depth: options.depth ?? 1,
      includePrivate: options.includePrivate ?? false,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  async #ensureBridge(): Promise<PythonBridge> {
    if (!this.#bridge) {
      this.bridgesStarted++;
      this.#bridge = await PythonBridge.start({ poolSize: 1, python: this.python });
      this.#ownsBridge = true;
    }
    return this.#bridge;
  }

  /** Stops the bridge this describer started (a bridge passed in stays with its owner). */
  async dispose(): Promise<void> {
    if (this.#ownsBridge) await this.#bridge?.dispose();
    this.#bridge = undefined;
    this.#ownsBridge = false;
  }
}
