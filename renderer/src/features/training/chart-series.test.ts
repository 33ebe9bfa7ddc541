import { describe, expect, it } from "vitest";
import { formatEta, stepClock, toPoints } from "./chart-series";

const series = [
  { step: 1, at: 1000, value: 4 },
  { step: 2, at: 2000, value: 2 },
  { step: null, at: 2500, value: 9 },
  { step: 3, at: 3000, value: Number.NaN },
];

describe("chart series", () => {
  it("uses steps or seconds since start for x and drops points without one", () => {
    expect(toPoints(series, "step", 0)).toEqual([
      { x: 1, y: 4 },
      { x: 2, y: 2 },
    ]);
    expect(toPoints(series, "time", 1000).map((point) => point.x)).toEqual([0, 1, 1.5]);
  });

  it("formats an ETA", () => {
    expect(formatEta(75)).toBe("1m 15s");
    expect(formatEta(null)).toBe("—");
  });
});

describe("telemetry on a step axis", () => {
  it("places samples without a step between the logged steps around them", () => {
    const loss = [
      { step: 10, at: 2_000, value: 5 },
      { step: 20, at: 4_000, value: 4 },
    ];
    const clock = stepClock(loss, 0);
    const rss = [
      { step: null, at: 1_000, value: 1 },
      { step: null, at: 3_000, value: 2 },
      { step: null, at: 9_000, value: 3 },
    ];
    expect(toPoints(rss, "step", 0, clock)).toEqual([
      { x: 5, y: 1 },
      { x: 15, y: 2 },
      { x: 20, y: 3 },
    ]);
  });

  it("leaves them out until a step has been logged", () => {
    expect(toPoints([{ step: null, at: 1, value: 1 }], "step", 0, stepClock([], 0))).toEqual([]);
  });
});
