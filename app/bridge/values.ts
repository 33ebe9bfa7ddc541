// The TypeScript side of values.proto: what Python values look like in TypeScript.

/** numpy dtypes that cross as raw bytes. */
export type DType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float16"
  | "float32"
  | "float64"
  | "complex64"
  | "complex128";

/**
 * The TypedArray that holds each dtype (float16 stays as raw 16-bit words; bool as 0/1 bytes; complex as
 * interleaved real, imaginary pairs, so `data` has two numbers per element).
 */
export interface DTypeArrays {
  bool: Uint8Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  complex64: Float32Array;
  complex128: Float64Array;
}
export type TypedArray = DTypeArrays[DType];

type ArrayConstructorFor<D extends DType> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): DTypeArrays[D];
  new (length: number): DTypeArrays[D];
  readonly BYTES_PER_ELEMENT: number;
};

/** The TypedArray constructor of each dtype (see DTypeArrays). */
export const ARRAY_TYPES: { readonly [D in DType]: ArrayConstructorFor<D> } = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/** True for the dtype names the bridge carries as raw bytes. */
export function isDType(name: string): name is DType {
  return Object.hasOwn(ARRAY_TYPES, name);
}

/** Numbers in `data` per array element: 2 for complex dtypes, else 1. */
export function valuesPerElement(dtype: DType): 1 | 2 {
  return dtype === "complex64" || dtype === "complex128" ? 2 : 1;
}

/** A dense numpy array: C order, little-endian. */
export class NDArray<D extends DType = DType> {
  constructor(
    readonly dtype: D,
    readonly shape: readonly number[],
    readonly data: DTypeArrays[D],
  ) {
    if (!isDType(dtype))
      throw new TypeError(
        `NDArray dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(ARRAY_TYPES).join(", ")}`,
      );
    const wanted = ARRAY_TYPES[dtype].name;
    // The bytes cross as they are: a Float32Array sent as int32 would arrive as the floats' bit patterns. Compared
    // by tag, so that arrays from another realm (a TypeScript cell's) pass.
    const given = Object.prototype.toString.call(data).slice(8, -1);
    if (given !== wanted) {
      throw new TypeError(
        `NDArray of ${dtype} needs ${wanted} data, got ${given}; convert it first (e.g. ${wanted}.from(data))`,
      );
    }
    const expected = shape.reduce((a, b) => a * b, 1) * valuesPerElement(dtype);
    if (data.length !== expected) {
      throw new RangeError(
        `NDArray of ${dtype} and shape [${shape.join(", ")}] needs ${expected} values in data, got ${data.length}`,
      );
    }
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length / valuesPerElement(this.dtype);
  }

  /** Nested plain arrays (numbers, bigints, booleans or PyComplex), like numpy's tolist(). */
  toNested(): unknown {
    const flat: unknown[] =
      valuesPerElement(this.dtype) === 2
        ? Array.from(
            { length: this.size },
            (_, i) => new PyComplex(Number(this.data[2 * i]), Number(this.data[2 * i + 1])),
          )
        : Array.from(this.data as ArrayLike<number | bigint>, (v) => (this.dtype === "bool" ? v !== 0 : v));
    if (this.shape.length === 0) return flat[0];
    const build = (dim: number, offset: number): unknown[] => {
      const length = this.shape[dim] ?? 0;
      if (dim === this.shape.length - 1) return flat.slice(offset, offset + length);
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
}

/** A complex number from Python. */
export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}
}

/** Marks an array as a Python tuple so it round-trips as one. */
const TUPLE = Symbol.for("snakebridge.tuple");

/** Builds a Python tuple (a frozen array that encodes as `tuple`). */
export function tuple<T extends readonly PyValue[]>(...items: T): Readonly<T> {
  const array = [...items];
  Object.defineProperty(array, TUPLE, { value: true, enumerable: false });
  return Object.freeze(array) as unknown as Readonly<T>;
}

/** A PyValue that is a list or a tuple. */
export function isPyList(value: PyValue | undefined): value is readonly PyValue[] {
  return Array.isArray(value);
}

/** A PyValue that is a Map (a dict with keys of any kind). */
export function isPyMap(value: PyValue | undefined): value is ReadonlyMap<PyValue, PyValue> {
  return value instanceof Map;
}

/** A PyValue that is a Set. */
export function isPySet(value: PyValue | undefined): value is ReadonlySet<PyValue> {
  return value instanceof Set;
}

/** A PyValue that is a plain object (a dict with string keys): no class instance, array, Map or Set. */
export function isPyRecord(value: PyValue | undefined): value is { readonly [key: string]: PyValue } {
  if (value === null || typeof value !== "object") return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** True for arrays that came from a Python tuple or were made with tuple(). */
export function isTuple(value: unknown): value is readonly PyValue[] {
  return Array.isArray(value) && (value as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

const PYTHON_TYPE = Symbol.for("snakebridge.pythonType");
const FIELDS = Symbol.for("snakebridge.fields");

/**
 * The Python type a tuple or dict came from when it was a subclass ("collections.Counter", "os.stat_result",
 * "numpy.linalg._linalg.SVDResult"); undefined for plain containers. Display only: sent back, the value is
 * a plain tuple or dict.
 */
export function pythonTypeOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const type = (value as Record<symbol, unknown>)[PYTHON_TYPE];
  return typeof type === "string" ? type : undefined;
}

/** The field names of a named tuple or struct sequence ("" for an item without one); [] otherwise. */
export function tupleFields(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return [];
  const fields = (value as unknown as Record<symbol, unknown>)[FIELDS];
  return Array.isArray(fields) ? (fields as string[]) : [];
}

/** Records the Python type of a subclassed tuple or dict (non-enumerable: JSON and equality ignore it). */
export function recordPythonType(value: object, pythonType: string): void {
  Object.defineProperty(value, PYTHON_TYPE, { value: pythonType, enumerable: false });
}

/**
 * Makes a tuple's items readable by field name too (`svd.U`, `stat.st_size`), without shadowing what arrays
 * already have (`length`, `map`...): those stay readable by index. Call before freezing.
 */
export function nameFields(items: PyValue[], fields: readonly string[]): void {
  Object.defineProperty(items, FIELDS, { value: Object.freeze([...fields]), enumerable: false });
  fields.forEach((name, i) => {
    if (name && !(name in items)) Object.defineProperty(items, name, { value: items[i], enumerable: false });
  });
}

/** Where a handle lives and how to let it go; implemented by the bridge. */
export interface HandleOwner {
  releaseHandle(handle: PyHandle): Promise<void>;
}

/** A live Python object that stays in the worker that created it. */
export class PyHandle {
  #released = false;
  readonly #owner: HandleOwner;

  constructor(
    readonly id: string,
    readonly pythonType: string,
    readonly repr: string,
    /** The pool worker that holds the object; calls on it are routed there. */
    readonly workerId: string,
    /** Worker generation: a restarted worker no longer has the object. */
    readonly generation: number,
    owner: HandleOwner,
  ) {
    this.#owner = owner;
  }

  /** True once release() was called. */
  get released(): boolean {
    return this.#released;
  }

  /** Frees the Python object now instead of waiting for garbage collection or TTL. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#owner.releaseHandle(this);
  }

  toString(): string {
    return `PyHandle(${this.pythonType}: ${this.repr})`;
  }
}

/**
 * A host function sent to Python: it arrives as a callable proxy that runs the function here (issue 17).
 * Its arguments arrive as PyValues; it may return a PyValue or a Promise of one.
 */
export type PyCallback = (...args: never[]) => unknown;

/** Any value that can cross into or out of Python. */
export type PyValue =
  | null
  | PyCallback
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | NDArray
  | PyHandle
  | PyComplex
  | readonly PyValue[]
  | ReadonlyMap<PyValue, PyValue>
  | ReadonlySet<PyValue>
  | { readonly [key: string]: PyValue };

/** Keyword arguments. */
export type PyKwargs = Readonly<Record<string, PyValue>>;
