// Connects the bridge's call observer to the audit log: one chained record per call in enforce mode.
import type { CallObserver } from "../../bridge/index.js";
import type { AuditLog } from "./audit-log.js";

/** A CallObserver that appends each finished call to `log` (arguments only as their hash). */
export function auditObserver(log: AuditLog): CallObserver {
  return {
    onCallEnd(record) {
      log.append({
        time: record.startedAt,
        target: record.target,
        kind: record.kind,
        session: record.session,
        durationMs: record.durationMs,
        outcome: record.outcome,
        argsSha256: record.argsSha256, // hashed when the record is written, off the call's path
      });
    },
  };
}

/** One observer that tells several (audit and metrics, say). */
export function fanOut(observers: readonly (CallObserver | undefined)[]): CallObserver | undefined {
  const present = observers.filter((o): o is CallObserver => o !== undefined);
  if (present.length <= 1) return present[0];
  return {
    onCallEnd: (record) => {
      for (const o of present) o.onCallEnd(record);
    },
    onStreamItem: (target) => {
      for (const o of present) o.onStreamItem?.(target);
    },
  };
}
