import { describe, expect, it } from "vitest";
import { HEALTHY_UPTIME_MS, RestartBackoff } from "./backoff.js";

describe("RestartBackoff", () => {
  it("doubles from the initial delay up to the cap, and starts over after a healthy minute", () => {
    const backoff = new RestartBackoff(100, 500);
    expect([1, 2, 3, 4, 5].map(() => backoff.nextDelayMs())).toEqual([100, 200, 400, 500, 500]);
    backoff.noteUptime(HEALTHY_UPTIME_MS - 1);
    expect(backoff.nextDelayMs()).toBe(500);
    backoff.noteUptime(HEALTHY_UPTIME_MS);
    expect(backoff.nextDelayMs()).toBe(100);
  });
});
