// Buffers whose pages are already in memory, for large ndarray files read one after another.
//
// Reading a worker's 8 MB array file into a fresh Buffer took 4.4 ms here, 1.1 ms of it copying: the rest is the
// kernel faulting in and zeroing the new buffer's 2,000 pages, on the event loop, while the caller waits. Results of
// one size tend to come in a row (a training loop's tensors, a stream of frames), so after taking an array of a
// size, the host makes the next buffer of that size ready on the thread pool, by reading /dev/zero into it: the
// next array of that size is read into pages already there. A result of another size, or one that comes before its
// buffer is ready, is read into a fresh buffer as before.

import { open } from "node:fs/promises";
import { describeError } from "../base/index.js";

/** Sizes this small fault in too quickly to be worth a buffer held in reserve. */
export const WARM_MIN_BYTES = 1024 * 1024;
/** Buffers ready at once, one per size, the least recently taken size dropped first. */
const MAX_READY = 2;
/** Preparations that fail in a row before the host stops trying (no /dev/zero here, say). */
const MAX_FAILURES = 3;
/** Buffers not taken for this long are let go, so an idle host holds no memory for arrays. */
const IDLE_MS = 10_000;
const ZEROS = "/dev/zero";

/** Warm buffers by size: take one, and the next of that size is prepared off the event loop. */
export class WarmBuffers {
  readonly #maxBytes: number;
  readonly #idleMs: number;
  /** Ready buffers by size, least recently taken first (a Map keeps insertion order). */
  readonly #ready = new Map<number, Buffer>();
  readonly #preparing = new Set<number>();
  #idleTimer: NodeJS.Timeout | undefined;
  /** Why buffers cannot be prepared here (no /dev/zero, say); set after MAX_FAILURES in a row, and none are then. */
  #unavailable: string | undefined;
  readonly #zeros: string;
  #failures = 0;

  /** `zeros` is the file read to fault buffers in: /dev/zero, but for tests. */
  constructor(maxBytes: number, idleMs = IDLE_MS, zeros = ZEROS) {
    this.#maxBytes = maxBytes;
    this.#idleMs = idleMs;
    this.#zeros = zeros;
  }

  /** Whether a buffer of `size` bytes is ready to be taken. */
  has(size: number): boolean {
    return this.#ready.has(size);
  }

  /** A buffer of exactly `size` bytes, its pages in memory, when one is ready; the next of that size is prepared. */
  take(size: number): Buffer | undefined {
    if (size < WARM_MIN_BYTES || size > this.#maxBytes || this.#unavailable !== undefined) return undefined;
    const ready = this.#ready.get(size);
    this.#ready.delete(size);
    this.#prepare(size);
    this.#restartIdleTimer();
    return ready;
  }

  /** Why no buffers are prepared, once preparing one has failed; undefined while they are. */
  get unavailable(): string | undefined {
    return this.#unavailable;
  }

  /** Lets go of every ready buffer (buffers being prepared are dropped when they are done). */
  clear(): void {
    this.#ready.clear();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #prepare(size: number): void {
    // At most as many in flight as are kept: sizes that keep changing would otherwise fill one buffer each, at once
    // (12 sizes of 32 MB were 383 MB), and hold the thread pool that every file operation shares.
    if (this.#preparing.has(size) || this.#preparing.size >= MAX_READY) return;
    this.#preparing.add(size);
    faultedIn(Buffer.allocUnsafeSlow(size), this.#zeros)
      .then((buffer) => {
        this.#failures = 0;
        if (this.#idleTimer === undefined) return; // cleared, or idle, meanwhile: nobody is waiting for it
        this.#ready.delete(size);
        this.#ready.set(size, buffer);
        for (const oldest of this.#ready.keys()) {
          if (this.#ready.size <= MAX_READY) break;
          this.#ready.delete(oldest);
        }
      })
      .catch((error: unknown) => {
        // Only an optimisation failed: every array is still read, into a fresh buffer. A failure can pass (out of
        // descriptors for a moment); MAX_FAILURES in a row say it will not, and it stops, kept for `unavailable`.
        this.#failures += 1;
        if (this.#failures < MAX_FAILURES) return;
        this.#unavailable = `could not prepare a ${size}-byte buffer from ${this.#zeros}: ${describeError(error)}`;
        this.clear();
      })
      .finally(() => this.#preparing.delete(size));
  }

  #restartIdleTimer(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.clear(), this.#idleMs);
    this.#idleTimer.unref();
  }
}

/** Fills `buffer` from `path` (/dev/zero) on the thread pool, so that the kernel faults its pages in there. */
async function faultedIn(buffer: Buffer, path: string): Promise<Buffer> {
  const zeros = await open(path, "r");
  try {
    for (let at = 0; at < buffer.byteLength;) {
      const { bytesRead } = await zeros.read(buffer, at, buffer.byteLength - at, null);
      if (bytesRead === 0) throw new Error(`${path} ended after ${at} bytes`);
      at += bytesRead;
    }
    return buffer;
  } finally {
    await zeros.close();
  }
}
