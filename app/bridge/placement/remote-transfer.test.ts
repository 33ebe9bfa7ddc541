// How a remote worker (a Ray actor on another node) is reached, tested on 127.0.0.1 without Ray: the worker's TCP
// servers with TLS (certificates from a throwaway CA made here), refusal of clients that do not trust it or lack
// the token, and large arrays crossing the call lane in bounded pieces instead of one frame.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { createServer, connect as connectTcp, type Server, type Socket } from "node:net";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallKind, ResultMode, type CallRequest } from "../../../proto/generated/snakebridge/v1/worker.js";
import { CallLane, LANE_PIECE_BYTES } from "../call-lane.js";
import { decodeValue, encodeValue } from "../codec.js";
import { interpreterCandidates } from "../interpreter.js";
import { NDArray, type PyValue } from "../values.js";
import { WorkerConnection } from "../worker-client.js";
import { makeTestCertificates, type TestCertificates } from "./testing/tls-certificates.js";

const PYTHON_DIR = resolve(import.meta.dirname, "../../../python");
const TOKEN = randomBytes(18).toString("base64url");
/** 24 MB of float64: six lane pieces each way. */
const ELEMENTS = 3_000_000;

interface Started {
  process: ChildProcess;
  address: string;
  lane: string;
  tls: boolean;
}

let certs: TestCertificates;
const workers: ChildProcess[] = [];

function startWorker(tls: boolean): Promise<Started> {
  const python = interpreterCandidates()[0]!.executable;
  const args = [
    "-m",
    "snakebridge_worker",
    "--transport",
    "tcp",
    "--tcp-host",
    "127.0.0.1",
    ...(tls ? ["--tls-cert", certs.cert, "--tls-key", certs.key] : []),
  ];
  const child = spawn(python, args, {
    env: { ...process.env, SNAKEBRIDGE_WORKER_TOKEN: TOKEN, PYTHONPATH: PYTHON_DIR, PYTHONUNBUFFERED: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  workers.push(child);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error("the worker did not print its handshake within 30 s")), 30_000);
    child.once("exit", (code) => fail(new Error(`the worker exited with ${code} before its handshake`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith("SNAKEBRIDGE_WORKER_READY ")) return;
      clearTimeout(timer);
      const handshake = JSON.parse(line.slice("SNAKEBRIDGE_WORKER_READY ".length)) as {
        address: string;
        fast_address: string;
        tls?: boolean;
      };
      done({ process: child, address: handshake.address, lane: handshake.fast_address, tls: handshake.tls === true });
    });
  });
}

function request(target: string, args: PyValue[]): CallRequest {
  return {
    callId: randomBytes(6).toString("hex"),
    kind: CallKind.CALL_KIND_FUNCTION,
    target,
    handleId: "",
    args: args.map((a) => encodeValue(a)),
    kwargs: [],
    sessionId: "",
    resultMode: ResultMode.RESULT_MODE_UNSPECIFIED,
    shmThresholdBytes: 0n,
    parentCallId: "",
  };
}

function result(response: Awaited<ReturnType<WorkerConnection["callFast"]>>): PyValue {
  if (response.outcome?.$case !== "result") throw new Error(`the call failed: ${JSON.stringify(response.outcome)}`);
  return decodeValue(response.outcome.value, {
    owner: { releaseHandle: () => Promise.resolve() },
    workerId: "w",
    generation: 0,
  });
}

/** A 24 MB array through numpy.negative: checks every element came back negated. */
async function roundTripBigArray(connection: WorkerConnection): Promise<number> {
  const data = new Float64Array(ELEMENTS);
  for (let i = 0; i < ELEMENTS; i++) data[i] = i * 0.5;
  const started = performance.now();
  const back = result(await connection.callFast(request("numpy.negative", [new NDArray("float64", [ELEMENTS], data)])));
  const ms = performance.now() - started;
  expect(back).toBeInstanceOf(NDArray);
  const array = back as NDArray<"float64">;
  expect(array.shape).toEqual([ELEMENTS]);
  let mismatches = 0;
  for (let i = 0; i < ELEMENTS; i++) if (array.data[i] !== -i * 0.5) mismatches++;
  expect(mismatches).toBe(0);
  return ms;
}

/** A TCP proxy in front of a lane that parses its length prefixes in both directions. */
interface FrameLog {
  frames: number;
  pieces: number;
  largest: number;
}
function laneSpy(target: string): Promise<{ server: Server; address: string; up: FrameLog; down: FrameLog }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
  const up: FrameLog = { frames: 0, pieces: 0, largest: 0 };
  const down: FrameLog = { frames: 0, pieces: 0, largest: 0 };
  const watch = (from: Socket, to: Socket, log: FrameLog): void => {
    let pending = Buffer.alloc(0);
    let skip = 0;
    from.on("data", (bytes: Buffer) => {
      to.write(bytes);
      pending = Buffer.concat([pending, bytes]);
      for (;;) {
        if (skip > 0) {
          const take = Math.min(skip, pending.length);
          skip -= take;
          pending = pending.subarray(take);
          if (skip > 0) return;
        }
        if (pending.length < 4) return;
        const prefix = pending.readUInt32LE(0);
        const size = prefix & 0x7fffffff;
        if (prefix >= 0x80000000) log.pieces++;
        else log.frames++;
        log.largest = Math.max(log.largest, size);
        pending = pending.subarray(4);
        skip = size;
      }
    });
    from.on("end", () => to.end());
    from.on("error", () => to.destroy());
  };
  const server = createServer((client) => {
    const upstream = connectTcp({ host, port });
    watch(client, upstream, up);
    watch(upstream, client, down);
  });
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      done({ server, address: `127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, up, down });
    }),
  );
}

beforeAll(() => {
  certs = makeTestCertificates();
});

afterAll(() => {
  for (const child of workers) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(certs.dir, { recursive: true, force: true });
});

describe("a worker on TCP with TLS", () => {
  it("serves gRPC and the call lane over TLS verified against the CA, and a 24 MB array crosses in pieces", async () => {
    const worker = await startWorker(true);
    expect(worker.tls).toBe(true);
    expect(worker.lane).toMatch(/^127\.0\.0\.1:\d+$/);
    const connection = new WorkerConnection(worker.address, TOKEN, worker.lane, { ca: readFileSync(certs.ca) });
    try {
      await connection.waitForReady(10_000);
      expect(result(await connection.callFast(request("math.sqrt", [16])))).toBe(4);
      expect(result(await connection.callUnary(request("math.sqrt", [81]), 10_000))).toBe(9);
      const ms = await roundTripBigArray(connection);
      console.log(`24 MB float64 round trip over the TLS lane: ${ms.toFixed(0)} ms`);
      // The worker still answers small calls after the large transfer (the pieces left no state behind).
      expect(result(await connection.callFast(request("math.sqrt", [4])))).toBe(2);
    } finally {
      connection.close();
    }
  }, 60_000);

  it("refuses a host that does not trust its certificate, a plain-TCP client, and a TLS client without the token", async () => {
    const worker = await startWorker(true);
    const untrusting = new WorkerConnection(worker.address, TOKEN, worker.lane, { ca: readFileSync(certs.otherCa) });
    await expect(CallLane.connect(worker.lane, TOKEN, 5_000, { ca: readFileSync(certs.otherCa) })).rejects.toThrow(
      /certificate/i,
    );
    await expect(untrusting.callUnary(request("math.sqrt", [4]), 3_000)).rejects.toThrow();
    untrusting.close();

    // Plain TCP to the TLS port: the relay drops it, the call fails instead of reaching Python.
    const plain = await CallLane.connect(worker.lane, TOKEN, 5_000);
    await expect(plain.call(request("math.sqrt", [4]))).rejects.toThrow(/closed|failed/);

    // Trusted TLS but the wrong token: the lane itself still checks it.
    const wrongToken = await CallLane.connect(worker.lane, "not-the-token", 5_000, { ca: readFileSync(certs.ca) });
    await expect(wrongToken.call(request("math.sqrt", [4]))).rejects.toThrow(/closed/);

    // A certificate for another name than the one asked for is refused even under the right CA.
    await expect(
      CallLane.connect(worker.lane, TOKEN, 5_000, { ca: readFileSync(certs.ca), serverName: "elsewhere.test" }),
    ).rejects.toThrow(/altnames|certificate/i);
    // ...and accepted under the name it carries.
    const named = await CallLane.connect(worker.lane, TOKEN, 5_000, {
      ca: readFileSync(certs.ca),
      serverName: "worker.test",
    });
    expect(result(await named.call(request("math.sqrt", [9])))).toBe(3);
    named.close();
  }, 60_000);
});

describe("a worker on plain TCP", () => {
  it("sends and receives a 24 MB array in lane pieces of at most 4 MiB, and small frames whole", async () => {
    const worker = await startWorker(false);
    expect(worker.tls).toBe(false);
    const spy = await laneSpy(worker.lane);
    const connection = new WorkerConnection(worker.address, TOKEN, spy.address);
    try {
      await connection.waitForReady(10_000);
      expect(result(await connection.callFast(request("math.sqrt", [16])))).toBe(4);
      const ms = await roundTripBigArray(connection);
      console.log(
        `24 MB float64 round trip over the plain TCP lane: ${ms.toFixed(0)} ms; ` +
          `host→worker ${spy.up.pieces} pieces + ${spy.up.frames} frames, worker→host ${spy.down.pieces} pieces + ${spy.down.frames} frames`,
      );
      // 24 MB is 5.7 pieces: five marked "more" and a last one, each way.
      expect(spy.up.pieces).toBe(5);
      expect(spy.down.pieces).toBe(5);
      expect(spy.up.largest).toBeLessThanOrEqual(LANE_PIECE_BYTES);
      expect(spy.down.largest).toBeLessThanOrEqual(LANE_PIECE_BYTES);
      expect(result(await connection.callFast(request("math.sqrt", [4])))).toBe(2);
    } finally {
      connection.close();
      spy.server.close();
    }
  }, 60_000);

  it("carries two large arrays and a small call issued together, each answered whole", async () => {
    const worker = await startWorker(false);
    const connection = new WorkerConnection(worker.address, TOKEN, worker.lane);
    try {
      await connection.waitForReady(10_000);
      const ones = new Float64Array(ELEMENTS).fill(1);
      const twos = new Float64Array(ELEMENTS).fill(2);
      const [a, small, b] = await Promise.all([
        connection.callFast(request("numpy.sum", [new NDArray("float64", [ELEMENTS], ones)])),
        connection.callFast(request("math.sqrt", [25])),
        connection.callFast(request("numpy.sum", [new NDArray("float64", [ELEMENTS], twos)])),
      ]);
      expect(result(a)).toBe(ELEMENTS);
      expect(result(small)).toBe(5);
      expect(result(b)).toBe(2 * ELEMENTS);
    } finally {
      connection.close();
    }
  }, 60_000);

  it("closes a connection that claims a piece larger than 4 MiB, before reading it, and keeps serving others", async () => {
    const worker = await startWorker(false);
    const [host, port] = worker.lane.split(":");
    const hostile = connectTcp({ host: host!, port: Number(port) });
    await new Promise<void>((done, fail) => {
      hostile.once("connect", () => done());
      hostile.once("error", fail);
    });
    const closed = new Promise<void>((done) => hostile.once("close", () => done()));
    hostile.on("error", () => undefined);
    const header = Buffer.alloc(4);
    header.writeUInt32LE((0x80000000 | (LANE_PIECE_BYTES + 1)) >>> 0, 0);
    hostile.write(header);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise((_, fail) => {
        timer = setTimeout(
          () => fail(new Error("the worker kept a connection that claimed an oversized piece")),
          5_000,
        );
      }),
    ]);
    clearTimeout(timer);
    const connection = new WorkerConnection(worker.address, TOKEN, worker.lane);
    try {
      await connection.waitForReady(10_000);
      expect(result(await connection.callFast(request("math.sqrt", [36])))).toBe(6);
    } finally {
      connection.close();
    }
  }, 30_000);
});
