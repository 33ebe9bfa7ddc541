// Every value kind crosses into Python and back unchanged (real worker, real gRPC).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isTuple,
  MAX_VALUE_NESTING,
  NDArray,
  PyHandle,
  PyComplex,
  pythonTypeOf,
  tuple,
  tupleFields,
  type PythonBridge,
  type PyValue,
} from "./index.js";
import { FREE_SUFFIX } from "./shm-array-file.js";
import { startTestBridge } from "./testing/start-test-bridge.js";

let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge();
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
});

const echo = (value: PyValue): Promise<PyValue> => bridge.call("sb_fixtures.echo", [value]);
const pythonType = async (value: PyValue): Promise<Record<string, PyValue>> =>
  (await bridge.call("sb_fixtures.describe", [value])) as Record<string, PyValue>;

describe("scalars", () => {
  it.each([
    ["null", null],
    ["true", true],
    ["false", false],
    ["zero", 0],
    ["negative int", -42],
    ["float", 3.25],
    ["max safe int", Number.MAX_SAFE_INTEGER],
    ["empty string", ""],
    ["unicode", "héllo wörld — 你好 🐍"],
  ] as [string, PyValue][])("%s round-trips", async (_name, value) => {
    expect(await echo(value)).toEqual(value);
  });

  it("keeps integers beyond 2^53 exact as bigint, both inside and outside int64", async () => {
    expect(await echo(2n ** 60n + 1n)).toBe(2n ** 60n + 1n);
    expect(await echo(-(2n ** 100n) - 7n)).toBe(-(2n ** 100n) - 7n);
    expect(await bridge.call("math.factorial", [25])).toBe(15511210043330985984000000n);
  });

  it("sends JS integers as Python int and fractions as float", async () => {
    expect((await pythonType(7)).type).toBe("int");
    expect((await pythonType(7.5)).type).toBe("float");
  });

  it("keeps the sign of -0 going to Python", async () => {
    expect(await bridge.call("math.copysign", [1, -0])).toBe(-1);
    expect(Object.is(await echo(-0), -0)).toBe(true);
    expect((await pythonType(0)).type).toBe("int");
  });

  it("round-trips bytes and complex numbers", async () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    expect(await echo(bytes)).toEqual(bytes);
    expect((await pythonType(bytes)).type).toBe("bytes");
    const c = (await echo(new PyComplex(1.5, -2))) as PyComplex;
    expect(c).toBeInstanceOf(PyComplex);
    expect([c.real, c.imag]).toEqual([1.5, -2]);
  });
});

describe("containers", () => {
  it("round-trips nested lists and objects", async () => {
    const value = { a: [1, 2, { b: "c", d: [null, true] }], e: { f: 1.5 } };
    expect(await echo(value)).toEqual(value);
  });

  it("keeps tuples as tuples", async () => {
    const result = await echo(tuple(1, "two", 3.5));
    expect(isTuple(result)).toBe(true);
    expect(result).toEqual([1, "two", 3.5]);
    expect((await pythonType(tuple(1, 2))).type).toBe("tuple");
    expect((await pythonType([1, 2])).type).toBe("list");
  });

  it("carries dicts with non-string keys as Maps", async () => {
    const map = new Map<PyValue, PyValue>([
      [1, "one"],
      [tuple(2, 3), "pair"],
    ]);
    const result = (await echo(map)) as Map<PyValue, PyValue>;
    expect(result).toBeInstanceOf(Map);
    expect(result.get(1)).toBe("one");
    expect((await pythonType(map)).key_types).toEqual(["int", "tuple"]);
  });

  it("round-trips sets", async () => {
    const result = await echo(new Set([1, 2, 3]));
    expect(result).toEqual(new Set([1, 2, 3]));
  });

  it("sends a sparse array's holes as None, as JSON sends them as null", async () => {
    const sparse: PyValue[] = [1];
    sparse[2] = 3; // index 1 is a hole, as in [1, , 3]
    expect(await echo(sparse)).toEqual([1, null, 3]);
    expect(await echo(new Array<PyValue>(2))).toEqual([null, null]);
  });

  it("carries values nested as deep as the wire allows, refuses deeper arguments, returns deeper results as handles", async () => {
    const nested = (depth: number, leaf: PyValue): PyValue => (depth === 0 ? leaf : [nested(depth - 1, leaf)]);
    const nestedDicts = (depth: number): PyValue => (depth === 0 ? 1 : { k: nestedDicts(depth - 1) });
    expect(await echo(nested(MAX_VALUE_NESTING, 1))).toEqual(nested(MAX_VALUE_NESTING, 1));
    expect(await echo(nestedDicts(MAX_VALUE_NESTING))).toEqual(nestedDicts(MAX_VALUE_NESTING));
    const refused = await echo(nested(MAX_VALUE_NESTING + 1, 1)).catch((error: unknown) => error);
    expect(refused).toMatchObject({ classification: "serialization_error" });
    expect(String(refused)).toMatch(/nests deeper than 30 levels/);
    // An empty container is a level too: the worker would send the 31st back as a handle.
    const empty = await echo(nested(MAX_VALUE_NESTING, [])).catch((error: unknown) => error);
    expect(empty).toMatchObject({ classification: "serialization_error" });
    // Python builds deeper data than the wire carries: the part beyond the limit stays in Python, as a handle.
    const deep = (await bridge.call("json.loads", [`${"[".repeat(60)}${"]".repeat(60)}`])) as PyValue;
    let level = deep;
    for (let i = 0; i < MAX_VALUE_NESTING; i++) level = (level as PyValue[])[0] as PyValue;
    expect(level).toBeInstanceOf(PyHandle);
    // And the worker that was sent all this still answers (a frame it could not read once broke its lane for good).
    expect(await bridge.call("math.sqrt", [16])).toBe(4);
  });

  it("keeps a Python dict key named __proto__ as plain data", async () => {
    const result = (await bridge.call("json.loads", ['{"__proto__": {"polluted": true}}'])) as Record<string, PyValue>;
    expect(Object.keys(result)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("ndarrays", () => {
  it("refuses data in a typed array that is not its dtype's, which would arrive as reinterpreted bits", () => {
    expect(() => new NDArray("int32", [2], new Float32Array([1.5, 2.5]) as unknown as Int32Array)).toThrow(
      /NDArray of int32 needs Int32Array data, got Float32Array; convert it first/,
    );
    expect(() => new NDArray("float64", [2], new BigInt64Array(2) as unknown as Float64Array)).toThrow(TypeError);
    expect(new NDArray("complex64", [1], new Float32Array([1, 2])).size).toBe(1);
  });

  const cases: [string, NDArray][] = [
    ["float32 2x3", new NDArray("float32", [2, 3], new Float32Array([1, 2, 3, 4, 5, 6.5]))],
    ["float64 vector", new NDArray("float64", [4], new Float64Array([0.1, -2, 3e100, Number.NaN]))],
    ["int64 2x2x2", new NDArray("int64", [2, 2, 2], new BigInt64Array([1n, -2n, 3n, 2n ** 62n, 5n, 6n, 7n, 8n]))],
    ["bool 3", new NDArray("bool", [3], new Uint8Array([1, 0, 1]))],
    ["int32 empty", new NDArray("int32", [0, 3], new Int32Array(0))],
    ["uint8 scalar", new NDArray("uint8", [], new Uint8Array([9]))],
  ];
  it.each(cases)("%s round-trips with dtype and shape", async (_name, array) => {
    const info = await pythonType(array);
    expect(info.type).toBe("ndarray");
    expect(info.dtype).toBe(array.dtype);
    expect(info.shape).toEqual([...array.shape]);
    const back = (await echo(array)) as NDArray;
    expect(back).toBeInstanceOf(NDArray);
    expect(back.dtype).toBe(array.dtype);
    expect(back.shape).toEqual(array.shape);
    expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(
      Array.from(array.data as ArrayLike<number | bigint>),
    );
  });

  it("brings numpy results back as typed arrays", async () => {
    const result = (await bridge.call("numpy.linspace", [0, 1, 5])) as NDArray;
    expect(result.dtype).toBe("float64");
    expect(result.data).toBeInstanceOf(Float64Array);
    expect(Array.from(result.data as Float64Array)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it("moves large arrays through shared memory intact", async () => {
    const result = (await bridge.call("numpy.arange", [2_000_000], { dtype: "float64" })) as NDArray;
    expect(result.size).toBe(2_000_000);
    expect((result.data as Float64Array)[1_999_999]).toBe(1_999_999);
  });

  it("large arrays issued together and one after another each arrive intact; the worker keeps at most two files", async () => {
    const session = { session: "array-files" }; // one worker, so its folder can be inspected
    const arange = (start: number): Promise<PyValue> =>
      bridge.call("numpy.arange", [start, start + 300_000], { dtype: "float64" }, session);
    const starts = [0, 1000, 2000, 3000, 7, 8];
    const together = (await Promise.all(starts.slice(0, 4).map(arange))) as NDArray[];
    const arrays = [...together, (await arange(7)) as NDArray, (await arange(8)) as NDArray];
    arrays.forEach((array, k) => {
      const data = array.data as Float64Array;
      expect([data.length, data[0], data[299_999]]).toEqual([300_000, starts[k], starts[k]! + 299_999]);
    });
    expect(new Set(arrays.map((a) => a.data.buffer)).size).toBe(6); // no two share memory
    const folder = (await bridge.call("snakebridge_worker.process.scratch.shm_dir", [], {}, session)) as string;
    const files = ((await bridge.call("os.listdir", [folder], {}, session)) as string[]).filter((name) =>
      name.startsWith("nd-"),
    );
    expect(files.length).toBeGreaterThan(0); // handed back for the next array...
    expect(files.length).toBeLessThanOrEqual(2); // ...and not piling up
    expect(files.filter((name) => !name.endsWith(FREE_SUFFIX))).toEqual([]); // every result was read
  });

  it("turns numpy scalars into plain numbers", async () => {
    expect(await bridge.call("numpy.float32", [1.5])).toBe(1.5);
    expect(await bridge.call("numpy.int64", [7])).toBe(7);
  });
});

describe("tuple and dict subclasses, complex and big-endian arrays: data, not handles", () => {
  it("a named tuple is a tuple readable by field name, with its Python type; sent back it is a plain tuple", async () => {
    const svd = (await bridge.call("numpy.linalg.svd", [
      new NDArray("float64", [2, 2], Float64Array.from([3, 0, 0, 2])),
    ])) as readonly PyValue[];
    expect(isTuple(svd)).toBe(true);
    expect(pythonTypeOf(svd)).toBe("numpy.linalg._linalg.SVDResult");
    expect(tupleFields(svd)).toEqual(["U", "S", "Vh"]);
    const byName = svd as unknown as Record<string, PyValue>;
    expect(byName.S).toBe(svd[1]);
    expect(Array.from((byName.S as NDArray).data as Float64Array)).toEqual([3, 2]);
    expect((await pythonType(svd)).type).toBe("tuple");

    const point = await bridge.call("sb_fixtures.point", [1, 2]);
    expect(point).toEqual([1, 2]);
    expect(pythonTypeOf(point)).toBe("sb_fixtures.Point");
    expect((point as unknown as { y: number }).y).toBe(2);
    expect((await pythonType(point)).type).toBe("tuple");
  });

  it("a struct sequence (os.stat_result) is a tuple with its visible fields named; a field named like an array method stays an index", async () => {
    const stat = (await bridge.call("os.stat", ["."])) as readonly PyValue[];
    expect(pythonTypeOf(stat)).toBe("os.stat_result");
    expect(tupleFields(stat).slice(0, 7)).toEqual([
      "st_mode",
      "st_ino",
      "st_dev",
      "st_nlink",
      "st_uid",
      "st_gid",
      "st_size",
    ]);
    expect((stat as unknown as { st_size: number }).st_size).toBe(stat[6]);
    const shadowing = (await bridge.call("sb_fixtures.shadowing")) as readonly PyValue[];
    expect(shadowing.length).toBe(2);
    expect(tupleFields(shadowing)).toEqual(["length", "size"]);
    expect((shadowing as unknown as { size: number }).size).toBe(20);
  });

  it.each([
    ["collections.Counter", "sb_fixtures.counter", { a: 5, b: 2, r: 2, c: 1, d: 1 }],
    ["collections.OrderedDict", "sb_fixtures.ordered", { z: 1, a: 2 }],
    ["collections.defaultdict", "sb_fixtures.default_dict", { k: [1] }],
  ] as [string, string, PyValue][])(
    "a %s is a dict with its type recorded; sent back it is a plain dict",
    async (type, fn, expected) => {
      const value = await bridge.call(fn);
      expect(value).toEqual(expected);
      expect(pythonTypeOf(value)).toBe(type);
      expect((await pythonType(value as PyValue)).type).toBe("dict");
    },
  );

  it("complex arrays are NDArrays of complex64/complex128 over interleaved floats, and round-trip", async () => {
    const c128 = (await bridge.call("numpy.array", [[new PyComplex(1, 2), new PyComplex(3, -4)]])) as NDArray;
    expect(c128.dtype).toBe("complex128");
    expect(c128.size).toBe(2);
    expect(Array.from(c128.data as Float64Array)).toEqual([1, 2, 3, -4]);
    expect(c128.toNested()).toEqual([new PyComplex(1, 2), new PyComplex(3, -4)]);
    const c64 = (await bridge.call("numpy.ones", [[2, 1]], { dtype: "complex64" })) as NDArray;
    expect(c64.dtype).toBe("complex64");
    expect(c64.shape).toEqual([2, 1]);
    expect(Array.from(c64.data as Float32Array)).toEqual([1, 0, 1, 0]);
    expect(await pythonType(c128)).toEqual({ type: "ndarray", dtype: "complex128", shape: [2] });
    const back = (await echo(c64)) as NDArray;
    expect(Array.from(back.data as Float32Array)).toEqual([1, 0, 1, 0]);
  });

  it("big-endian arrays arrive in native byte order", async () => {
    const big = (await bridge.call("numpy.arange", [4], { dtype: ">i4" })) as NDArray;
    expect(big.dtype).toBe("int32");
    expect(Array.from(big.data as Int32Array)).toEqual([0, 1, 2, 3]);
    const bigFloat = (await bridge.call("numpy.array", [[1.5, -2]], { dtype: ">f8" })) as NDArray;
    expect(Array.from(bigFloat.data as Float64Array)).toEqual([1.5, -2]);
  });
});
