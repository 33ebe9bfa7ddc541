// Sequential small-call latency for several paths in one run, two ways. "cold": one call of each path in turn, so
// every path has idled while the others ran (a call now and then). "loop": a block of consecutive calls per path,
// the way a program calls in a loop, so each path runs in its steady state. Both shuffle the paths' order each
// round, so neither load that comes and goes nor a fixed position favours one path.
import { elapsedUs, shuffle } from "./stats.js";

/** One way of making the small call. */
export interface TimedPath {
  name: string;
  call: (i: number) => Promise<unknown>;
}

export interface LatencyRoundsOptions {
  /** Timed calls per path. */
  calls: number;
  /** Consecutive calls of one path before the next path's turn: 1 for cold, more for a loop. */
  block: number;
  signal?: AbortSignal | undefined;
}

/** Times `calls` sequential calls of every path, `block` at a time, in a shuffled order each round; µs per path. */
export async function timeInRounds(
  paths: readonly TimedPath[],
  options: LatencyRoundsOptions,
): Promise<Map<string, number[]>> {
  const block = Math.max(1, Math.floor(options.block));
  const samples = new Map<string, number[]>(paths.map((path) => [path.name, []]));
  const order = [...paths];
  for (let done = 0; done < options.calls; done += block) {
    const count = Math.min(block, options.calls - done);
    shuffle(order);
    for (const path of order) {
      const times = samples.get(path.name)!;
      for (let i = 0; i < count; i++) {
        options.signal?.throwIfAborted();
        const t = process.hrtime.bigint();
        await path.call(done + i);
        times.push(elapsedUs(t));
      }
    }
  }
  return samples;
}
