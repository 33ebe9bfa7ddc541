// The descriptor hashes an SDK was generated from (`snakebridge.lock.json` next to the generated files), and the
// check that compares them with the live libraries when a program starts: a warning on drift, or with `strict`
// a refusal, so code generated against numpy 1.26 does not silently run against numpy 2.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LibraryDescriptor } from "../../../proto/generated/snakebridge/v1/describe.js";
import type { PythonBridge } from "../../bridge/index.js";
import type { ResolvedIntegration } from "../manifest/resolve-entrypoints.js";
import { integrationDepth } from "../manifest/resolve-entrypoints.js";

export const SDK_LOCK_FILE = "snakebridge.lock.json";

export interface LockedLibrary {
  module: string;
  depth: number;
  /** Distribution version ("" for the standard library). */
  version: string;
  python_version: string;
  descriptor_sha256: string;
}

export interface SdkLock {
  version: 1;
  manifest: string;
  generated_at: string;
  libraries: LockedLibrary[];
}

/** sha256 of what a library exposes: its descriptor without timing, interpreter path and warnings. */
export function descriptorHash(descriptor: LibraryDescriptor): string {
  const stable: LibraryDescriptor = { ...descriptor, elapsedMs: 0, pythonExecutable: "", warnings: [] };
  return createHash("sha256").update(LibraryDescriptor.encode(stable).finish()).digest("hex");
}

/** The lock for an SDK generated from these resolved integrations. */
export function sdkLockOf(manifestFile: string, integrations: readonly ResolvedIntegration[]): SdkLock {
  return {
    version: 1,
    manifest: manifestFile,
    generated_at: new Date().toISOString(),
    libraries: integrations.map((i) => ({
      module: i.module,
      depth: integrationDepth(i.spec),
      version: i.descriptor.version,
      python_version: i.descriptor.pythonVersion,
      descriptor_sha256: descriptorHash(i.descriptor),
    })),
  };
}

/** Writes the lock into the SDK's folder; returns its path. */
export async function writeSdkLock(sdkDir: string, lock: SdkLock): Promise<string> {
  const path = join(sdkDir, SDK_LOCK_FILE);
  await writeFile(path, JSON.stringify(lock, null, 2) + "\n");
  return path;
}

/** A library whose live descriptor differs from the one the SDK was generated from. */
export interface SdkDrift {
  module: string;
  lockedVersion: string;
  liveVersion: string;
  lockedPython: string;
  livePython: string;
}

/** Thrown by checkSdkDrift with `strict` when any library drifted. */
export class SdkDriftError extends Error {
  constructor(
    readonly drift: readonly SdkDrift[],
    message: string,
  ) {
    super(message);
    this.name = "SdkDriftError";
  }
}

function describeDrift(d: SdkDrift): string {
  const version =
    d.lockedVersion === d.liveVersion
      ? `version ${d.liveVersion || "(stdlib)"}, API changed`
      : `${d.lockedVersion || "?"} → ${d.liveVersion || "?"}`;
  const python = d.lockedPython === d.livePython ? "" : `, Python ${d.lockedPython} → ${d.livePython}`;
  return `${d.module} (${version}${python})`;
}

export interface DriftCheckOptions {
  /** Refuse (throw SdkDriftError) instead of warning. */
  strict?: boolean;
  /** Where warnings go (default: process.emitWarning). */
  warn?: (message: string) => void;
}

/** Compares the SDK's lock with the libraries the bridge's workers import now; warns, or with `strict` throws. */
export async function checkSdkDrift(
  bridge: PythonBridge,
  sdkDir: string,
  options: DriftCheckOptions = {},
): Promise<SdkDrift[]> {
  const lockPath = join(sdkDir, SDK_LOCK_FILE);
  let lock: SdkLock;
  try {
    lock = JSON.parse(await readFile(lockPath, "utf8")) as SdkLock;
  } catch (error) {
    throw new Error(
      `Cannot read ${lockPath} (${(error as Error).message}): regenerate the SDK with \`snakebridge generate\` to record its libraries.`,
      { cause: error },
    );
  }
  const drift: SdkDrift[] = [];
  for (const locked of lock.libraries) {
    const live = await bridge.describe(locked.module, { depth: locked.depth });
    if (descriptorHash(live) === locked.descriptor_sha256) continue;
    drift.push({
      module: locked.module,
      lockedVersion: locked.version,
      liveVersion: live.version,
      lockedPython: locked.python_version,
      livePython: live.pythonVersion,
    });
  }
  if (drift.length === 0) return drift;
  const message =
    `The SDK in ${sdkDir} was generated from other library versions than the workers import now: ` +
    `${drift.map(describeDrift).join("; ")}. Regenerate it with \`snakebridge generate ${lock.manifest}\`, or install the versions it was generated from.`;
  if (options.strict) throw new SdkDriftError(drift, message);
  (options.warn ?? ((text: string) => process.emitWarning(text, "SnakebridgeSdkDrift")))(message);
  return drift;
}
