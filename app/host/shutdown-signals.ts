// SIGINT, SIGTERM and SIGHUP mean one thing to every long-running command (serve, train, call, bench, npm start):
// stop cleanly. A later, separate request means: leave now.
import { constants } from "node:os";

/** The signals that ask a long-running command to stop cleanly (Ctrl+C, `kill`, a closed terminal). */
export const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Signals this soon after the first one are the same request, not a second: a terminal sends Ctrl+C (and a
 * hang-up) to every process of its foreground group, and `npm` and `npm start` forward the same signal once
 * more. Counting those as "again" would skip the clean stop the first one asked for.
 */
export const REPEAT_WINDOW_MS = 500;

/** The conventional exit status of a process ended by `signal`: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export interface ShutdownSignalOptions {
  /** The first request: drain, checkpoint, stop the workers, remove the registry. */
  onShutdown(signal: ShutdownSignal): void;
  /** A second request, at least REPEAT_WINDOW_MS later: leave at once (default: exit with 128 + signal). */
  onForce?(signal: ShutdownSignal): void;
  /** Injected clock, for tests. */
  now?: () => number;
}

/** Installs the handlers for every shutdown signal; returns a function that removes them. */
export function onShutdownSignals(options: ShutdownSignalOptions): () => void {
  const now = options.now ?? Date.now;
  const force = options.onForce ?? ((signal: ShutdownSignal) => process.exit(signalExitCode(signal)));
  let firstAt: number | undefined;
  const handlers = SHUTDOWN_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (firstAt === undefined) {
        firstAt = now();
        options.onShutdown(signal);
      } else if (now() - firstAt >= REPEAT_WINDOW_MS) {
        force(signal);
      }
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * Passes every shutdown signal on to `child` (a foreground child such as `serve` or Electron, which does the
 * clean stop itself); a repeat within REPEAT_WINDOW_MS is the child's to ignore. Returns the remover.
 */
export function forwardShutdownSignals(child: { kill(signal: NodeJS.Signals): boolean }): () => void {
  const handlers = SHUTDOWN_SIGNALS.map((signal) => {
    const handler = (): void => {
      child.kill(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/** Set by `npm start` for its child (serve or Electron): the pid whose death means "stop cleanly". */
export const STOP_WITH_PARENT_ENV = "SNAKEBRIDGE_STOP_WITH_PARENT";

/**
 * Calls `onGone` once when the parent named by SNAKEBRIDGE_STOP_WITH_PARENT is no longer our parent: `npm start`
 * killed with SIGKILL sends no signal on, so its child would serve on, alone. Does nothing when the variable is
 * unset or names another process than our parent. Returns the remover.
 */
export function onParentGone(onGone: () => void, env: NodeJS.ProcessEnv = process.env, intervalMs = 250): () => void {
  const expected = Number(env[STOP_WITH_PARENT_ENV]);
  if (!Number.isInteger(expected) || expected <= 1 || process.ppid !== expected) return () => undefined;
  const timer = setInterval(() => {
    if (process.ppid === expected) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref(); // watching must never keep a finished command alive
  return () => clearInterval(timer);
}
