// Parsing where workers run: --ray values, SNAKEBRIDGE_RAY, and which placements may be remote.
import { describe, expect, it } from "vitest";
import { defaultShmThreshold } from "./index.js";
import { mayBeRemote, placementFromEnvironment, rayPlacementFromFlag } from "./placement.js";

describe("--ray values", () => {
  it("accepts local, auto, HOST:PORT and ray://HOST:PORT", () => {
    for (const address of [
      "local",
      "auto",
      "10.0.0.5:6379",
      "head.example:6379",
      "ray://head.example:10001",
      "ray://127.0.0.1:10001",
    ]) {
      expect(rayPlacementFromFlag(address)).toEqual({ kind: "ray", address });
    }
  });

  it("refuses what cannot be an address, saying what would be", () => {
    for (const bad of ["", "   ", "head.example", "http://head:8265", "ray://", "10.0.0.5:port", "a b:1", "--local"]) {
      expect(() => rayPlacementFromFlag(bad)).toThrow(/local|auto|HOST:PORT/);
    }
  });

  it("reads SNAKEBRIDGE_RAY, and says which variable is wrong", () => {
    expect(placementFromEnvironment({})).toBeUndefined();
    expect(placementFromEnvironment({ SNAKEBRIDGE_RAY: "" })).toBeUndefined();
    expect(placementFromEnvironment({ SNAKEBRIDGE_RAY: "local" })).toEqual({ kind: "ray", address: "local" });
    expect(() => placementFromEnvironment({ SNAKEBRIDGE_RAY: "nowhere" })).toThrow(/^SNAKEBRIDGE_RAY: /);
    expect(placementFromEnvironment({ SNAKEBRIDGE_RAY: "auto", SNAKEBRIDGE_RAY_TLS_DIR: "/tls" })).toEqual({
      kind: "ray",
      address: "auto",
      tls: { ca: "/tls/ca.pem", cert: "/tls/cert.pem", key: "/tls/key.pem" },
    });
  });
});

describe("remote workers and /dev/shm", () => {
  it("keeps shared memory for local workers and a local head, never for a cluster", () => {
    expect(mayBeRemote(undefined)).toBe(false);
    expect(mayBeRemote({ kind: "local" })).toBe(false);
    expect(mayBeRemote({ kind: "ray", address: "local" })).toBe(false);
    expect(mayBeRemote({ kind: "ray", address: "10.0.0.5:6379" })).toBe(true);
    expect(defaultShmThreshold({ kind: "ray", address: "local" })).toBe(1024 * 1024);
    expect(defaultShmThreshold({ kind: "ray", address: "auto" })).toBe(0);
  });
});
