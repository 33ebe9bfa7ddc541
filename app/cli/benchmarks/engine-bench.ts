// The engine benchmark behind `snakebridge bench`: every number is paired with a baseline measured in the same run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findInterpreter, NDArray, PythonBridge, type BridgeOptions } from "../../bridge/index.js";
import { JsonPipeBaseline } from "./json-pipe-baseline.js";
import { PythoniaPeer } from "./pythonia-peer.js";
import { PipeEchoFloor } from "./pipe-echo-floor.js";
import { timeInRounds, type TimedPath } from "./latency-rounds.js";
import { elapsedUs, quantile, round } from "./stats.js";

export interface EngineBenchResult {
  python: string;
  calls: number;
  /** Sequential small calls through the pool, cold: one call of each path in turn (latency-rounds.ts). */
  call_p50_us: number;
  call_p99_us: number;
  baseline_p50_us: number;
  baseline_p99_us: number;
  latency_ratio: number;
  throughput_calls_per_s: number;
  throughput_pool_size: number;
  throughput_in_flight: number;
  ndarray_8mb_ms: number;
  ndarray_json_ms: number;
  ndarray_speedup: number;
  pool_start_ms_1: number;
  pool_start_ms_4: number;
  pool_start_ratio: number;
  /** pythonia (JSPyBridge) in the same run: sequential small-call p50, cold (one call of each path in turn). */
  peer_pythonia_p50_us: number | null;
  /** pythonia with 16 calls in flight (one Python process, as it runs). */
  peer_pythonia_throughput: number | null;
  /** call_p50_us ÷ peer_pythonia_p50_us (lower is better). */
  latency_vs_pythonia: number | null;
  /** throughput_calls_per_s ÷ peer_pythonia_throughput (higher is better). */
  throughput_vs_pythonia: number | null;
  /** Why the peer fields are null ("" when they are measured). */
  peer_pythonia_note: string;
  /** The transport floor, interleaved with the calls: a bare Python process echoing 64 bytes over pipes. */
  floor_echo_p50_us: number;
  /** call_p50_us ÷ floor_echo_p50_us: how far a call is above the round trip every bridge pays. */
  latency_vs_floor: number;
  /** peer_pythonia_p50_us ÷ floor_echo_p50_us. */
  peer_pythonia_vs_floor: number | null;
  /** The same small call in a loop (blocks of consecutive calls per path): the pool's p50. */
  loop_call_p50_us: number;
  /** The raw JSON pipe in a loop. */
  loop_baseline_p50_us: number;
  /** pythonia in a loop. */
  loop_peer_pythonia_p50_us: number | null;
  /** The pipe echo floor in a loop. */
  loop_floor_echo_p50_us: number;
  /** loop_call_p50_us ÷ loop_baseline_p50_us. */
  loop_latency_ratio: number;
  /** loop_call_p50_us ÷ loop_peer_pythonia_p50_us (lower is better). */
  loop_latency_vs_pythonia: number | null;
}

export interface EngineBenchOptions {
  calls?: number;
  python?: string;
  /** Progress lines (stderr in the CLI). */
  progress?: (message: string) => void;
  /** Stops the measurement between calls (rejects with the signal's reason); the workers are still shut down. */
  signal?: AbortSignal;
}

const ARRAY_ELEMENTS = 1_000_000;
const THROUGHPUT_ROUNDS = 5;
/**
 * Calls per throughput round, per sequential call timed: 20,000 at the default, about 0.2 s a round. Rounds of
 * 4,000 (40 ms) counted a scavenge or a scheduler stall as several percent of the result: throughput_vs_pythonia
 * swung 0.79-1.28 over six runs, against 0.97-1.12 over four with these.
 */
const THROUGHPUT_CALLS_PER_CALL = 10;
/** Consecutive calls of one path in the loop latency rounds. */
const LOOP_BLOCK = 100;

async function timeStart(size: number, base: BridgeOptions, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  const stateDir = mkdtempSync(join(tmpdir(), "sb-bench-"));
  const t0 = process.hrtime.bigint();
  const bridge = await PythonBridge.start({ ...base, poolSize: size, pool: { stateDir, healthCheckIntervalMs: 0 } });
  const ms = elapsedUs(t0) / 1000;
  await bridge.dispose();
  rmSync(stateDir, { recursive: true, force: true });
  return ms;
}

/** Runs every measurement and returns one flat record. */
export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const calls = options.calls ?? 2000;
  const progress = options.progress ?? (() => undefined);
  const signal = options.signal;
  const interpreter = await findInterpreter(options.python);
  const base: BridgeOptions = { python: interpreter.executable };

  progress(`pool start: 1 and 4 workers (${interpreter.executable})`);
  // Warm the OS page cache first so neither start pays for cold disk reads.
  await timeStart(1, base, signal);
  const start1 = quantile(
    [await timeStart(1, base, signal), await timeStart(1, base, signal), await timeStart(1, base, signal)],
    0.5,
  );
  const start4 = quantile(
    [await timeStart(4, base, signal), await timeStart(4, base, signal), await timeStart(4, base, signal)],
    0.5,
  );
  signal?.throwIfAborted();

  const stateDir = mkdtempSync(join(tmpdir(), "sb-bench-"));
  const bridge = await PythonBridge.start({ ...base, poolSize: 2, pool: { stateDir, healthCheckIntervalMs: 0 } });
  const baseline = new JsonPipeBaseline(interpreter.executable);
  let floor: PipeEchoFloor | undefined;
  const peerStart = await PythoniaPeer.start(interpreter.executable);
  const peer = peerStart.ok ? peerStart.peer : undefined;
  if (!peerStart.ok) progress(`peer: ${peerStart.reason}; its fields are null`);
  try {
    floor = await PipeEchoFloor.start(interpreter.executable);
    const echo = floor;
    const paths: TimedPath[] = [
      { name: "pool", call: (i) => bridge.call("operator.add", [i, 1]) },
      { name: "pipe", call: (i) => baseline.request({ op: "add", x: i }) },
      ...(peer ? [{ name: "pythonia", call: (i: number) => peer.add(i, 1) }] : []),
      { name: "floor", call: () => echo.roundTrip() },
    ];
    const named = paths.map((path) => path.name).join(", ");
    progress(`latency: warming up ${named}`);
    // Warm every path (V8's JIT, Python's caches) so the comparison is of steady states.
    await timeInRounds(paths, { calls: Math.max(1000, calls / 2), block: 1, signal });
    progress(`latency, cold: ${calls} sequential calls each, one of each path in turn (${named})`);
    const cold = await timeInRounds(paths, { calls, block: 1, signal });
    progress(`latency, in a loop: ${calls} sequential calls each, ${LOOP_BLOCK} of a path at a time`);
    const loop = await timeInRounds(paths, { calls, block: LOOP_BLOCK, signal });

    progress(
      `throughput: pool of 2, 16 calls in flight${peer ? ", alternating with pythonia (16 in flight)" : ""}, ${THROUGHPUT_ROUNDS} rounds of ${(calls * THROUGHPUT_CALLS_PER_CALL).toLocaleString("en-US")} calls`,
    );
    const total = calls * THROUGHPUT_CALLS_PER_CALL;
    const inFlight = async (call: (n: number) => Promise<unknown>): Promise<number> => {
      let next = 0;
      const t0 = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            signal?.throwIfAborted();
            await call(next++);
          }
        }),
      );
      return total / (elapsedUs(t0) / 1e6);
    };
    // Alternating rounds, median of each: load that comes and goes during the run hits both sides alike.
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      ours.push(await inFlight((n) => bridge.call("operator.add", [n, 1])));
      if (peer) theirs.push(await inFlight((n) => peer.add(n, 1)));
    }
    const throughput = quantile(ours, 0.5);
    const peerThroughput = peer ? quantile(theirs, 0.5) : undefined;

    progress("ndarray: 1,000,000 float64 as raw bytes vs as a JSON list");
    const binaryMs: number[] = [];
    const jsonMs: number[] = [];
    for (let i = 0; i < 11; i++) {
      signal?.throwIfAborted();
      let t = process.hrtime.bigint();
      const array = (await bridge.call("numpy.arange", [ARRAY_ELEMENTS], { dtype: "float64" })) as NDArray;
      if (!(array.data instanceof Float64Array) || array.size !== ARRAY_ELEMENTS)
        throw new Error("bench: wrong array back");
      binaryMs.push(elapsedUs(t) / 1000);
      t = process.hrtime.bigint();
      const list = (await baseline.request({ op: "array", n: ARRAY_ELEMENTS })) as number[];
      const typed = Float64Array.from(list);
      if (typed.length !== ARRAY_ELEMENTS) throw new Error("bench: wrong JSON array back");
      jsonMs.push(elapsedUs(t) / 1000);
    }

    const quantileOf = (samples: Map<string, number[]>, name: string, q = 0.5): number =>
      quantile(samples.get(name) ?? [], q);
    const callP50 = quantileOf(cold, "pool");
    const peerP50 = peer ? quantileOf(cold, "pythonia") : undefined;
    const baseP50 = quantileOf(cold, "pipe");
    const floorP50 = quantileOf(cold, "floor");
    const loopP50 = quantileOf(loop, "pool");
    const loopPeerP50 = peer ? quantileOf(loop, "pythonia") : undefined;
    const loopBaseP50 = quantileOf(loop, "pipe");
    const nd = quantile(binaryMs, 0.5);
    const js = quantile(jsonMs, 0.5);
    return {
      python: `${interpreter.executable} (${interpreter.version})`,
      calls,
      call_p50_us: round(callP50),
      call_p99_us: round(quantileOf(cold, "pool", 0.99)),
      baseline_p50_us: round(baseP50),
      baseline_p99_us: round(quantileOf(cold, "pipe", 0.99)),
      latency_ratio: round(callP50 / baseP50, 2),
      throughput_calls_per_s: Math.round(throughput),
      throughput_pool_size: 2,
      throughput_in_flight: 16,
      ndarray_8mb_ms: round(nd, 2),
      ndarray_json_ms: round(js, 1),
      ndarray_speedup: round(js / nd, 1),
      pool_start_ms_1: round(start1),
      pool_start_ms_4: round(start4),
      pool_start_ratio: round(start4 / start1, 2),
      peer_pythonia_p50_us: peerP50 === undefined ? null : round(peerP50),
      peer_pythonia_throughput: peerThroughput === undefined ? null : Math.round(peerThroughput),
      latency_vs_pythonia: peerP50 === undefined ? null : round(callP50 / peerP50, 2),
      throughput_vs_pythonia: peerThroughput === undefined ? null : round(throughput / peerThroughput, 2),
      peer_pythonia_note: peerStart.ok ? "" : peerStart.reason,
      floor_echo_p50_us: round(floorP50),
      latency_vs_floor: round(callP50 / floorP50, 2),
      peer_pythonia_vs_floor: peerP50 === undefined ? null : round(peerP50 / floorP50, 2),
      loop_call_p50_us: round(loopP50),
      loop_baseline_p50_us: round(loopBaseP50),
      loop_peer_pythonia_p50_us: loopPeerP50 === undefined ? null : round(loopPeerP50),
      loop_floor_echo_p50_us: round(quantileOf(loop, "floor")),
      loop_latency_ratio: round(loopP50 / loopBaseP50, 2),
      loop_latency_vs_pythonia: loopPeerP50 === undefined ? null : round(loopP50 / loopPeerP50, 2),
    };
  } finally {
    peer?.close();
    floor?.close();
    baseline.close();
    await bridge.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
