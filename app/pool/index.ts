export { ProcessPool, MAX_START_FAILURES } from "./process-pool.js";
export {
  PoolError,
  PoolSaturatedError,
  QueueTimeoutError,
  WorkerCrashedError,
  WorkerGoneError,
  PoolClosedError,
  WorkerStartError,
  WorkerOutOfMemoryError,
} from "./errors.js";
export {
  chooseLimitMechanism,
  currentCgroupEnvironment,
  processTreeRssBytes,
  type LimitMechanism,
  type ResourceLimits,
} from "./resource-limits.js";
export {
  defaultStateDir,
  reapOrphans,
  type RegistryRecord,
  type RegisteredWorker,
  type ReapResult,
} from "./process-registry.js";
export { killGroup, signalGroup, terminateGroup } from "./process-group.js";
export type {
  Affinity,
  HealthReport,
  PoolEvent,
  PoolEventType,
  PoolOptions,
  PoolSnapshot,
  PoolCall,
  PoolTask,
  RecycleOptions,
  RunOptions,
  StartContext,
  StartedWorker,
  WorkerAdapter,
  WorkerInfo,
  WorkerProcess,
  WorkerSnapshot,
  WorkerState,
} from "./types.js";
