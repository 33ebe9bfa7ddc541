import { describe, expect, it } from "vitest";

import { downsampleMinMax, ema, type Point } from "./series.js";

describe("ema", () => {
  it("returns the values unchanged at weight 0", () => {
    expect(ema([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it("is debiased: the first value is kept and a constant series stays constant", () => {
    const smoothed = ema([2, 2, 2, 2], 0.9);
    for (const value of smoothed) expect(value).toBeCloseTo(2, 12);
  });

  it("matches the debiased recurrence by hand", () => {
    const w = 0.6;
    const last1 = (1 - w) * 10;
    const last2 = last1 * w + (1 - w) * 20;
    const smoothed = ema([10, 20], w);
    expect(smoothed[0]).toBeCloseTo(last1 / (1 - w), 12);
    expect(smoothed[1]).toBeCloseTo(last2 / (1 - w * w), 12);
  });

  it("passes non-finite values through without poisoning later points", () => {
    const smoothed = ema([1, Number.NaN, 1], 0.5);
    expect(smoothed[1]).toBeNaN();
    expect(smoothed[2]).toBeCloseTo(1, 12);
  });

  it("rejects a weight outside [0, 1)", () => {
    expect(() => ema([1], 1)).toThrow(/weight must be in \[0, 1\)/);
    expect(() => ema([1], -0.1)).toThrow(RangeError);
  });
});

describe("downsampleMinMax", () => {
  it("passes small series through as a copy", () => {
    const points: Point[] = [
      { x: 0, y: 1 },
      { x: 1, y: 2 },
      { x: 2, y: 0 },
    ];
    const result = downsampleMinMax(points, 2);
    expect(result).toEqual(points);
    expect(result).not.toBe(points);
  });

  it("keeps each bucket's min and max in x order", () => {
    const points = [5, 1, 9, 3, 2, 8, 7, 0].map((y, x) => ({ x, y }));
    expect(downsampleMinMax(points, 2)).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 9 },
      { x: 5, y: 8 },
      { x: 7, y: 0 },
    ]);
  });

  it("keeps an injected spike in a 100k-point series", () => {
    const points: Point[] = [];
    for (let x = 0; x < 100_000; x += 1) points.push({ x, y: Math.sin(x / 500) + ((x * 7919) % 13) / 100 });
    points[73_421] = { x: 73_421, y: 50 };
    points[12_345] = { x: 12_345, y: -40 };
    const result = downsampleMinMax(points, 500);
    expect(result.length).toBeLessThanOrEqual(1000);
    expect(result).toContainEqual({ x: 73_421, y: 50 });
    expect(result).toContainEqual({ x: 12_345, y: -40 });
    for (let i = 1; i < result.length; i += 1)
      expect((result[i] as Point).x).toBeGreaterThan((result[i - 1] as Point).x);
  });

  it("rejects a bucket count that is not a positive integer", () => {
    expect(() => downsampleMinMax([], 0)).toThrow(/positive integer/);
    expect(() => downsampleMinMax([], 1.5)).toThrow(RangeError);
  });
});
