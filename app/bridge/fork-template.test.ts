// The worker template: a start that fails at the spawn itself rejects, and never takes the host down with it.
import { describe, expect, it } from "vitest";
import { ForkTemplate } from "./fork-template.js";

describe("ForkTemplate.start", () => {
  it("rejects, saying why, when its process cannot be started at all", async () => {
    // The spawn's 'error' event had no listener: Node raised it as an uncaught exception and the host exited.
    const failed = await ForkTemplate.start({ python: "/no/such/python3" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(failed)).toMatch(/the worker template could not be started: spawn \/no\/such\/python3 ENOENT/);
  });
});
