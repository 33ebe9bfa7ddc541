// The bridge's public surface.
export { PythonBridge } from "./python-bridge.js";
export { MAX_VALUE_NESTING } from "./codec.js";
export type { BridgeOptions, CallOptions, EvalEvent, WorkerHealth, WorkerOutputListener } from "./bridge-options.js";
export { PythonError, type ErrorClassification } from "./python-error.js";
export { currentCall, type CallContext } from "./callbacks/call-context.js";
export { HostTools, type JsonSchema, type ToolFunction, type ToolInfo, type ToolOptions } from "./tools.js";
export {
  MemoryStateStore,
  SessionState,
  SessionStates,
  SqliteStateStore,
  StateConstraintError,
  type StateListener,
  type StateStore,
  type StateVariableInfo,
} from "./session-state.js";
export { CallGuard, INTERNAL_TARGETS, globToRegExp, type AllowPolicy, type AllowRule } from "./allowlist.js";
export { argumentsDigest, type CallObserver, type CallRecord, type ObservedKind } from "./call-observer.js";
export { redactError, redactValue, type ArgumentBinder } from "./argument-binder.js";
export {
  NDArray,
  PyComplex,
  PyHandle,
  tuple,
  isTuple,
  isPyList,
  isPyMap,
  isPyRecord,
  isPySet,
  pythonTypeOf,
  tupleFields,
  valuesPerElement,
  type DType,
  type PyCallback,
  type PyKwargs,
  type PyValue,
  type TypedArray,
} from "./values.js";
export {
  findInterpreter,
  interpreterCandidates,
  probeInterpreter,
  workerPackageRoot,
  InterpreterNotFoundError,
  type InterpreterInfo,
} from "./interpreter.js";
export type { PythonWorker } from "./python-adapter.js";
export type { ResourceLimits } from "../pool/index.js";
export type { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
export type { TelemetrySample } from "../../proto/generated/snakebridge/v1/worker.js";
