// Ray workers with TLS: a private head on 127.0.0.1 whose actors serve gRPC and the call lane over TLS, and a
// 24 MB array sent inline (no /dev/shm, as for a remote node) crossing in lane pieces.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NDArray, type PythonBridge } from "../index.js";
import { startTestBridge } from "../testing/start-test-bridge.js";
import { rayAvailability } from "./testing/ray-available.js";
import { makeTestCertificates, type TestCertificates } from "./testing/tls-certificates.js";

const ray = rayAvailability();

describe.skipIf(!ray.ok)(`Ray workers with TLS (${ray.reason})`, () => {
  let bridge: PythonBridge;
  let certs: TestCertificates;
  beforeAll(async () => {
    certs = makeTestCertificates();
    bridge = await startTestBridge({
      poolSize: 1,
      python: ray.python,
      shmThresholdBytes: 0,
      placement: {
        kind: "ray",
        address: "local",
        workerHost: "127.0.0.1",
        objectStoreBytes: 80 * 1024 * 1024,
        tls: { ca: certs.ca, cert: certs.cert, key: certs.key },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await bridge?.dispose();
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  }, 60_000);

  it("starts the actor's worker with TLS and moves calls and a 24 MB array through it", async () => {
    const [worker] = bridge.pool.snapshot().workers;
    expect(bridge.workerPlacement(worker!.id)?.nodeIp).toBe("127.0.0.1");
    expect(await bridge.call("math.sqrt", [49])).toBe(7);
    const n = 3_000_000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = i;
    const started = performance.now();
    const back = (await bridge.call("numpy.negative", [new NDArray("float64", [n], data)])) as NDArray<"float64">;
    console.log(`24 MB float64 round trip through a TLS Ray worker: ${(performance.now() - started).toFixed(0)} ms`);
    expect(back.shape).toEqual([n]);
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (back.data[i] !== -i) mismatches++;
    expect(mismatches).toBe(0);
  }, 60_000);
});
