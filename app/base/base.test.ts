import { afterEach, describe, expect, it } from "vitest";
import {
  DisposableStore,
  Emitter,
  describeError,
  disposeAll,
  formatBytes,
  nextValue,
  setListenerErrorHandler,
  toDisposable,
  type IDisposable,
} from "./index.js";

describe("Emitter", () => {
  let restore: IDisposable | undefined;
  afterEach(() => restore?.dispose());

  it("delivers to every listener in subscription order, and stops after the subscription is disposed", () => {
    const emitter = new Emitter<number>("numbers");
    const seen: string[] = [];
    const a = emitter.event((n) => seen.push(`a${n}`));
    emitter.event((n) => seen.push(`b${n}`));
    emitter.fire(1);
    a.dispose();
    emitter.fire(2);
    expect(seen).toEqual(["a1", "b1", "b2"]);
  });

  it("reports a throwing listener by event name and still delivers to the others", () => {
    const reported: string[] = [];
    restore = setListenerErrorHandler((error, name) => reported.push(`${name}: ${describeError(error)}`));
    const emitter = new Emitter<string>("pool.event");
    const seen: string[] = [];
    emitter.event(() => {
      throw new Error("listener broke");
    });
    emitter.event((value) => seen.push(value));
    expect(() => emitter.fire("x")).not.toThrow();
    expect(seen).toEqual(["x"]);
    expect(reported).toEqual(["pool.event: listener broke"]);
  });

  it("keeps two subscriptions of one function separate", () => {
    const emitter = new Emitter<void>();
    let calls = 0;
    const listener = (): void => {
      calls += 1;
    };
    const first = emitter.event(listener);
    emitter.event(listener);
    first.dispose();
    emitter.fire();
    expect(calls).toBe(1);
  });

  it("does not deliver to a listener added during delivery until the next fire", () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    emitter.event(() => {
      if (seen.length === 0) emitter.event((n) => seen.push(n * 10));
      seen.push(0);
    });
    emitter.fire(1);
    emitter.fire(2);
    expect(seen).toEqual([0, 0, 20]);
  });

  it("drops listeners on dispose and ignores later subscriptions", () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    emitter.event((n) => seen.push(n));
    emitter.dispose();
    emitter.event((n) => seen.push(n));
    emitter.fire(1);
    expect(seen).toEqual([]);
    expect(emitter.hasListeners).toBe(false);
  });

  it("nextValue resolves with the next fire and unsubscribes", async () => {
    const emitter = new Emitter<string>();
    const next = nextValue(emitter.event);
    emitter.fire("first");
    emitter.fire("second");
    await expect(next).resolves.toBe("first");
    expect(emitter.hasListeners).toBe(false);
  });
});

describe("DisposableStore", () => {
  it("disposes everything it holds once, and a newcomer after dispose at once", () => {
    const store = new DisposableStore();
    const order: string[] = [];
    store.add(toDisposable(() => order.push("a")));
    store.add(toDisposable(() => order.push("b")));
    store.dispose();
    store.dispose();
    store.add(toDisposable(() => order.push("late")));
    expect(order).toEqual(["a", "b", "late"]);
    expect(store.isDisposed).toBe(true);
  });

  it("runs every disposer even when one throws, then rethrows", () => {
    const ran: string[] = [];
    const items = [
      toDisposable(() => ran.push("first")),
      toDisposable(() => {
        throw new Error("second failed");
      }),
      toDisposable(() => ran.push("third")),
    ];
    expect(() => disposeAll(items)).toThrow("second failed");
    expect(ran).toEqual(["first", "third"]);
  });

  it("clear disposes what it holds and keeps accepting", () => {
    const store = new DisposableStore();
    let count = 0;
    store.add(toDisposable(() => (count += 1)));
    store.clear();
    store.add(toDisposable(() => (count += 10)));
    expect(count).toBe(1);
    store.dispose();
    expect(count).toBe(11);
  });
});

describe("describeError and formatBytes", () => {
  it("describes errors with causes, strings and plain values", () => {
    expect(describeError(new Error("outer", { cause: new Error("inner") }))).toBe("outer (caused by: inner)");
    expect(describeError("plain")).toBe("plain");
    expect(describeError({ code: 7 })).toBe('{"code":7}');
    expect(describeError(undefined)).toBe("undefined");
  });

  it("formats bytes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.50 KiB");
    expect(formatBytes(1.5 * 2 ** 30)).toBe("1.50 GiB");
    expect(formatBytes(250 * 2 ** 20)).toBe("250 MiB");
    expect(formatBytes(null)).toBe("–");
    expect(formatBytes(Number.NaN)).toBe("–");
  });
});
