// app/base: the vocabulary every layer shares (events, disposables, error descriptions, formats). Browser-safe.
export { describeError } from "./errors.js";
export { Emitter, nextValue, setListenerErrorHandler, type Event } from "./event.js";
export { formatBytes } from "./format.js";
export { DisposableStore, disposeAll, toDisposable, type IDisposable } from "./lifecycle.js";
export { ReleasingMap } from "./releasing-map.js";
