// Callback bench (issue 17): Python calling back into TypeScript, Snakebridge beside pythonia (JSPyBridge) in the
// same run. Measures (1) a call that makes one callback, end to end (median µs), and (2) callbacks/s from a Python
// loop calling a TypeScript function. Prints one JSON object with both bridges' numbers and their ratios.
//
//   npx tsx bench/callbacks.ts [--rounds 300] [--loop 3000]   (see bench/README.md)
import { resolve } from "node:path";
import { PythonBridge } from "../app/bridge/index.js";
import { numberArg } from "./bench-args.js";
import { median, round } from "../app/cli/benchmarks/stats.js";

const FIXTURES = resolve("app/bridge/testing/sb_callback_fixtures.py");

interface Measured {
  oneCallbackCallUs: number;
  plainCallUs: number;
  callbacksPerSecond: number;
  /** Median time between two callbacks of the loop (one round trip), robust to a loaded machine's stalls. */
  loopCallbackMedianUs: number;
}

/** The shape both bridges are driven through. */
interface Driver {
  oneCallback(fn: (x: number) => number): Promise<unknown>;
  plain(): Promise<unknown>;
  loop(fn: (i: number) => number, n: number): Promise<unknown>;
}

const WARM_UP_ROUNDS = 1000;

async function measure(driver: Driver, rounds: number, loop: number): Promise<Measured> {
  const inc = (x: number): number => x + 1;
  // Warm both paths to steady state (V8 optimises a function after many calls; 20 rounds measured ours half-cold:
  // 348 µs for a one-callback call and 167 µs for a plain one, against 60-70 µs for the same plain call warm).
  for (let i = 0; i < WARM_UP_ROUNDS; i++) {
    await driver.oneCallback(inc);
    await driver.plain();
  }
  const one: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = process.hrtime.bigint();
    await driver.oneCallback(inc);
    one.push(Number(process.hrtime.bigint() - t) / 1000);
    t = process.hrtime.bigint();
    await driver.plain();
    plain.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const gaps: number[] = [];
  let last = 0n;
  const started = process.hrtime.bigint();
  const total = await driver.loop((i) => {
    const now = process.hrtime.bigint();
    if (last !== 0n) gaps.push(Number(now - last) / 1000);
    last = now;
    return i;
  }, loop);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (Number(total) !== (loop * (loop - 1)) / 2)
    throw new Error(`the loop returned ${String(total)}, not the sum of 0..${loop - 1}`);
  return {
    oneCallbackCallUs: round(median(one)),
    plainCallUs: round(median(plain)),
    callbacksPerSecond: Math.round(loop / seconds),
    loopCallbackMedianUs: round(median(gaps)),
  };
}

interface PythoniaModule {
  python: ((module: string) => Promise<PythoniaFixtures>) & { exit(): void };
}
interface PythoniaFixtures {
  call_each(fn: (x: number) => number, x: number): Promise<unknown>;
  loop_calls(fn: (i: number) => number, n: number): Promise<unknown>;
  keep: unknown;
}
interface PythoniaOperator {
  add(a: number, b: number): Promise<number>;
}

async function main(): Promise<void> {
  const rounds = numberArg("rounds", 300);
  const loop = numberArg("loop", 3000);
  const bridge = await PythonBridge.start({ poolSize: 1, env: { PYTHONPATH: resolve("app/bridge/testing") } });
  const results: Record<string, Measured | { skipped: string }> = {};
  try {
    results["snakebridge"] = await measure(
      {
        oneCallback: (fn) => bridge.call("sb_callback_fixtures.call_each", [fn, 1]),
        plain: () => bridge.call("operator.add", [1, 2]),
        loop: (fn, n) => bridge.call("sb_callback_fixtures.loop_calls", [fn, n], {}, { timeoutMs: 120_000 }),
      },
      rounds,
      loop,
    );
  } finally {
    await bridge.dispose();
  }
  const previous = process.env.PYTHON_BIN;
  process.env.PYTHON_BIN = bridge.interpreter.executable;
  let peer: PythoniaModule | undefined;
  try {
    const specifier = "pythonia";
    const imported = (await import(specifier)) as Partial<PythoniaModule> & { default?: Partial<PythoniaModule> };
    const module = imported.python ? imported : imported.default;
    if (!module?.python) throw new Error("pythonia exports no python()");
    peer = module as PythoniaModule;
    const fixtures = await peer.python(FIXTURES);
    const operator = (await peer.python("operator")) as unknown as PythoniaOperator;
    results["pythonia"] = await measure(
      {
        oneCallback: (fn) => fixtures.call_each(fn, 1),
        plain: () => operator.add(1, 2),
        loop: (fn, n) => fixtures.loop_calls(fn, n),
      },
      rounds,
      loop,
    );
  } catch (error) {
    results["pythonia"] = { skipped: error instanceof Error ? error.message : String(error) };
  } finally {
    if (previous === undefined) delete process.env.PYTHON_BIN;
    else process.env.PYTHON_BIN = previous;
  }
  const sb = results["snakebridge"];
  const py = results["pythonia"];
  const ratios =
    sb !== undefined && "callbacksPerSecond" in sb && py !== undefined && "callbacksPerSecond" in py
      ? {
          oneCallbackCallSpeedup: round(py.oneCallbackCallUs / sb.oneCallbackCallUs, 2),
          callbacksPerSecondRatio: round(sb.callbacksPerSecond / py.callbacksPerSecond, 2),
          loopCallbackMedianSpeedup: round(py.loopCallbackMedianUs / sb.loopCallbackMedianUs, 2),
        }
      : undefined;
  console.log(JSON.stringify({ rounds, loop, results, ratios }, null, 2));
  peer?.python.exit();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
