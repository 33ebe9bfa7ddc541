import { describe, expect, it } from "vitest";
import { ema } from "../../api";
import { SeriesIndex } from "./series-index";

function filled(n: number, y: (i: number) => number): SeriesIndex {
  const index = new SeriesIndex();
  const xs = Array.from({ length: n }, (_, i) => i + 1);
  index.append(
    xs,
    xs.map((_, i) => y(i)),
  );
  return index;
}

describe("SeriesIndex", () => {
  it("keeps each bucket's min, max and last point, so a one-point spike survives a million points", () => {
    const index = filled(1_000_000, (i) => (i === 654_321 ? 50 : 1 + (i % 7) / 10));
    const buckets = index.buckets(1, 1_000_000, 500);
    expect(buckets.count).toBe(500);
    expect(buckets.points).toBe(1_000_000);
    expect(Math.max(...buckets.max.subarray(0, buckets.count))).toBe(50);
    expect(Math.min(...buckets.min.subarray(0, buckets.count))).toBe(1);
    expect(buckets.x[buckets.count - 1]).toBe(1_000_000);
    expect(buckets.last[buckets.count - 1]).toBe(1 + (999_999 % 7) / 10);
  });

  it("matches a brute-force min/max for arbitrary zoom windows", () => {
    const ys = Array.from({ length: 5000 }, (_, i) => Math.sin(i * 0.37) * 3 + (i % 13));
    const index = filled(5000, (i) => ys[i] as number);
    for (const [x0, x1, count] of [
      [1, 5000, 37],
      [123.5, 4021.2, 300],
      [2000, 2010, 400],
      [4999, 5000, 3],
    ] as const) {
      const buckets = index.buckets(x0, x1, count);
      const inside = ys.filter((_, i) => i + 1 >= x0 && i + 1 <= x1);
      expect(buckets.points).toBe(inside.length);
      expect(Math.min(...buckets.min.subarray(0, buckets.count))).toBe(Math.min(...inside));
      expect(Math.max(...buckets.max.subarray(0, buckets.count))).toBe(Math.max(...inside));
      expect(index.yRange(x0, x1)).toEqual([Math.min(...inside), Math.max(...inside)]);
    }
  });

  it("extends the debiased EMA as points arrive, equal to the batch EMA, and recomputes on a new weight", () => {
    const ys = [4, 3.5, 3.9, 2, 2.2, 1.7, 1.9, 1.2];
    const index = new SeriesIndex(0.6);
    index.append([1, 2, 3], ys.slice(0, 3));
    index.append([4, 5, 6, 7, 8], ys.slice(3));
    const expected = ema(ys, 0.6);
    const buckets = index.buckets(1, 8, 100);
    expect(Array.from(buckets.ema.subarray(0, buckets.count))).toEqual(expected.map((v) => expect.closeTo(v, 12)));
    expect(buckets.ema[0]).toBe(4); // debiased: the first value is not pulled toward 0
    index.setSmoothing(0.9);
    expect(index.buckets(1, 8, 100).ema[7]).toBeCloseTo(ema(ys, 0.9)[7] as number, 12);
  });

  it("drops non-finite values and points that go back in x, and bumps its version on change", () => {
    const index = new SeriesIndex();
    index.append([1, 2, 3, 2.5, 4], [1, Number.NaN, 3, 9, Number.POSITIVE_INFINITY]);
    expect(index.length).toBe(2);
    expect(index.extent()).toEqual([1, 3]);
    const version = index.version;
    index.append([5], [2]);
    expect(index.version).toBe(version + 1);
    expect(index.lastPoint()).toMatchObject({ x: 5, y: 2 });
    expect(new SeriesIndex().buckets(0, 1, 10).count).toBe(0);
  });
});
