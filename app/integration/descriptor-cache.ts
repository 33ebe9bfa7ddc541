// Library descriptors cached in memory and on disk, keyed by library version + interpreter + manifest hash.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
import { workerPackageRoot } from "../bridge/index.js";

/** Everything a descriptor depends on. */
export interface DescriptorKey {
  module: string;
  depth: number;
  includePrivate: boolean;
  /** Distribution version ("" for the standard library, which the Python version already pins). */
  libraryVersion: string;
  pythonExecutable: string;
  pythonVersion: string;
  /** Hash of the manifest parts that shape the describe, or "" for a plain `snakebridge describe`. */
  manifestHash: string;
}

/** What a listing shows of a cached descriptor, read without its body. */
export interface CachedSummary {
  key: DescriptorKey;
  storedAt: number;
  file: string;
}

/**
 * Bytes read from the start of a cache file for its summary. A file is `{"format":1,"key":{...},"storedAt":N,
 * "descriptor":...}` (put writes it in that order), so the key and time come first; descriptors run to megabytes.
 */
const SUMMARY_HEAD_BYTES = 16 * 1024;
const DESCRIPTOR_FIELD = ',"descriptor":';

/** A descriptor read back from the cache. */
export interface CachedDescriptor {
  key: DescriptorKey;
  descriptor: LibraryDescriptor;
  /** When it was stored (ms since the epoch). */
  storedAt: number;
  file: string;
}

interface StoredEntry {
  format: 1;
  key: DescriptorKey;
  storedAt: number;
  descriptor: unknown;
}

/** The cache folder: $SNAKEBRIDGE_CACHE_DIR, else ~/.snakebridge/cache/descriptors. */
export function defaultCacheDir(): string {
  return process.env.SNAKEBRIDGE_CACHE_DIR || join(homedir(), ".snakebridge", "cache", "descriptors");
}

let fingerprint: string | undefined;

/**
 * A hash of the introspection agent's own source: descriptors made by an older agent are not reused
 * after an upgrade (or an edit) of the agent, even for an unchanged library.
 */
export function introspectionFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const dir = join(workerPackageRoot, "snakebridge_worker", "introspect");
  const hash = createHash("sha256");
  try {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".py"))
      .sort())
      hash.update(file).update(readFileSync(join(dir, file)));
  } catch {
    hash.update("introspect-source-unavailable");
  }
  fingerprint = hash.digest("hex").slice(0, 16);
  return fingerprint;
}

/** A stable digest of a key (its fields in a fixed order) and of the agent that produced the descriptor. */
export function digestKey(key: DescriptorKey): string {
  const ordered = [
    key.module,
    key.depth,
    key.includePrivate,
    key.libraryVersion,
    key.pythonExecutable,
    key.pythonVersion,
    key.manifestHash,
    introspectionFingerprint(),
  ];
  return createHash("sha256").update(JSON.stringify(ordered)).digest("hex").slice(0, 24);
}

/** Descriptor cache: a memory layer in front of one JSON file per key. */
export class DescriptorCache {
  readonly #memory = new Map<string, CachedDescriptor>();

  constructor(readonly dir: string = defaultCacheDir()) {}

  #file(key: DescriptorKey): string {
    return join(this.dir, `${key.module}-${digestKey(key)}.json`);
  }

  /** The cached descriptor for `key`, unless absent or older than `maxAgeMs`. */
  async get(key: DescriptorKey, options: { maxAgeMs?: number } = {}): Promise<CachedDescriptor | undefined> {
    const digest = digestKey(key);
    let entry = this.#memory.get(digest);
    if (!entry) {
      entry = await this.#read(this.#file(key));
      if (entry) this.#memory.set(digest, entry);
    }
    if (!entry) return undefined;
    if (options.maxAgeMs !== undefined && Date.now() - entry.storedAt > options.maxAgeMs) return undefined;
    return entry;
  }

  /** Stores a descriptor (atomically on disk, so a concurrent reader never sees half a file). */
  async put(key: DescriptorKey, descriptor: LibraryDescriptor): Promise<CachedDescriptor> {
    const file = this.#file(key);
    const entry: CachedDescriptor = { key, descriptor, storedAt: Date.now(), file };
    const stored: StoredEntry = {
      format: 1,
      key,
      storedAt: entry.storedAt,
      descriptor: LibraryDescriptor.toJSON(descriptor),
    };
    await mkdir(this.dir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(stored));
    await rename(temporary, file);
    this.#memory.set(digestKey(key), entry);
    return entry;
  }

  /** Every entry on disk (for listings and `clean`). */
  async entries(): Promise<CachedDescriptor[]> {
    const names = await this.#names();
    const entries = await Promise.all(
      names.filter((n) => n.endsWith(".json")).map((n) => this.#read(join(this.dir, n))),
    );
    return entries.filter((e): e is CachedDescriptor => e !== undefined);
  }

  /**
   * Every entry on disk without its descriptor: the key and time at the head of each file. A listing that read
   * every descriptor in full took 12 s and 2.5 GB for a cache of 250 files, and held the host's event loop.
   */
  async summaries(): Promise<CachedSummary[]> {
    const names = (await this.#names()).filter((n) => n.endsWith(".json"));
    const summaries = await Promise.all(names.map((n) => this.#summary(join(this.dir, n))));
    return summaries.filter((s): s is CachedSummary => s !== undefined);
  }

  async #summary(file: string): Promise<CachedSummary | undefined> {
    let head: string;
    try {
      const handle = await open(file, "r");
      try {
        const buffer = Buffer.alloc(SUMMARY_HEAD_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        head = buffer.toString("utf8", 0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined; // removed meanwhile
      throw error;
    }
    const end = head.indexOf(DESCRIPTOR_FIELD);
    try {
      if (end < 0) throw new Error("no key at its head");
      const stored = JSON.parse(`${head.slice(0, end)}}`) as Omit<StoredEntry, "descriptor">;
      if (stored.format !== 1) return undefined; // another cache format: not listed, as get() treats it as a miss
      return { key: stored.key, storedAt: stored.storedAt, file };
    } catch {
      // Not in put's layout (written by hand, or damaged): read it whole, which says what is wrong if anything.
      const entry = await this.#read(file);
      return entry && { key: entry.key, storedAt: entry.storedAt, file };
    }
  }

  /** Names of the modules with a cached descriptor, read from the file names (no descriptor is parsed). */
  async modules(): Promise<string[]> {
    const names = (await this.#names())
      .map((n) => /^(.+)-[0-9a-f]{24}\.json$/.exec(n)?.[1])
      .filter((m): m is string => m !== undefined);
    return [...new Set(names)];
  }

  /** Deletes everything under the cache folder; returns the paths removed. */
  async clear(): Promise<string[]> {
    this.#memory.clear();
    const names = await this.#names();
    const removed = names.map((n) => join(this.dir, n));
    await Promise.all(removed.map((path) => rm(path, { recursive: true, force: true })));
    return removed;
  }

  async #names(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  async #read(file: string): Promise<CachedDescriptor | undefined> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    try {
      const stored = JSON.parse(text) as StoredEntry;
      if (stored.format !== 1) return undefined; // written by another cache format: treated as a miss, then overwritten
      return {
        key: stored.key,
        storedAt: stored.storedAt,
        descriptor: LibraryDescriptor.fromJSON(stored.descriptor),
        file,
      };
    } catch (error) {
      throw new Error(
        `The descriptor cache file ${file} is damaged (${(error as Error).message}); run \`snakebridge clean\` to empty the cache.`,
        { cause: error },
      );
    }
  }
}
