// What each worker printed recently: one bounded text buffer per worker, oldest text dropped first.

/** Bytes of recent output kept per worker. */
export const WORKER_LOG_LIMIT_BYTES = 256 * 1024;

/** Per-worker ring buffers of stdout/stderr text. */
export class WorkerLogs {
  readonly #chunks = new Map<string, { texts: string[]; bytes: number }>();
  readonly #limitBytes: number;

  constructor(limitBytes = WORKER_LOG_LIMIT_BYTES) {
    this.#limitBytes = limitBytes;
  }

  /** Appends text a worker printed, dropping the oldest text beyond the limit. */
  append(workerId: string, text: string): void {
    let log = this.#chunks.get(workerId);
    if (!log) {
      log = { texts: [], bytes: 0 };
      this.#chunks.set(workerId, log);
    }
    log.texts.push(text);
    log.bytes += Buffer.byteLength(text);
    while (log.bytes > this.#limitBytes && log.texts.length > 0) {
      const oldest = log.texts[0]!;
      const excess = log.bytes - this.#limitBytes;
      const oldestBytes = Buffer.byteLength(oldest);
      if (oldestBytes <= excess) {
        log.texts.shift();
        log.bytes -= oldestBytes;
      } else {
        // Cut the oldest chunk by bytes, then drop any partial UTF-8 character the cut left at its start.
        const kept = Buffer.from(oldest)
          .subarray(excess)
          .toString("utf8")
          .replace(/^\uFFFD+/, "");
        log.texts[0] = kept;
        log.bytes -= oldestBytes - Buffer.byteLength(kept);
      }
    }
  }

  /** The worker's recent output, newest last ("" when it printed nothing). */
  text(workerId: string): string {
    return this.#chunks.get(workerId)?.texts.join("") ?? "";
  }
}
