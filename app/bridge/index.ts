// The bridge's public surface.
export { PythonBridge, type BridgeOptions, type CallOptions, type EvalEvent, type WorkerHealth, type WorkerOutputListener } from "./python-bridge.js";
export { PythonError, type ErrorClassification } from "./python-error.js";
export { CallGuard, INTERNAL_TARGETS, globToRegExp, type AllowPolicy, type AllowRule } from "./allowlist.js";
export { argumentsDigest, type CallObserver, type CallRecord, type ObservedKind } from "./call-observer.js";
export { redactError, redactValue, type ArgumentBinder } from "./argument-binder.js";
export {
  NDArray, PyComplex, PyHandle, tuple, isTuple, pythonTypeOf, tupleFields, valuesPerElement, type DType, type PyKwargs, type PyValue, type TypedArray,
} from "./values.js";
export { findInterpreter, interpreterCandidates, probeInterpreter, workerPackageRoot, InterpreterNotFoundError, type InterpreterInfo } from "./interpreter.js";
export type { PythonWorker } from "./python-adapter.js";
export type { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
export type { TelemetrySample } from "../../proto/generated/snakebridge/v1/worker.js";
