// What enforce mode (allowlist on host and worker) plus the audit log cost a small call, measured against a
// plain bridge in the same run, interleaved so background load hits both alike. Target: p50 overhead ≤ 5%.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PythonBridge, type AllowPolicy } from "../../bridge/index.js";
import { AuditLog, verifyAuditLog } from "../../integration/fabric/audit-log.js";
import { auditObserver } from "../../integration/fabric/audit-observer.js";
import { elapsedUs, quantile, round, shuffle } from "./stats.js";

export interface EnforceOverheadResult {
  enforce_calls: number;
  plain_p50_us: number;
  enforce_p50_us: number;
  enforce_p99_us: number;
  /** (enforce p50 / plain p50 − 1) × 100. */
  enforce_overhead_pct: number;
  /** Median of the paired differences (enforced call i − plain call i) over the plain p50, × 100: steadier under load. */
  enforce_overhead_paired_pct: number;
  /** A second plain bridge in the same run: (its p50 / plain p50 − 1) × 100, the bench's noise floor between processes. */
  plain_control_diff_pct: number;
  audit_records: number;
}

export interface EnforceOverheadOptions {
  calls?: number;
  python?: string;
  /** The policy to enforce (from --allow manifests); it must allow operator.add. Default: only operator.add. */
  policy?: AllowPolicy;
  progress?: (message: string) => void;
  signal?: AbortSignal;
}

const TARGET = "operator.add";
const DEFAULT_POLICY: AllowPolicy = { manifests: ["(bench)"], rules: [{ kind: "function", path: TARGET }] };

/** Times `calls` small calls on a plain bridge and on an enforce-mode bridge with an audit log. */
export async function runEnforceOverheadBench(options: EnforceOverheadOptions = {}): Promise<EnforceOverheadResult> {
  const calls = options.calls ?? 2000;
  const signal = options.signal;
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-enforce-"));
  const log = await AuditLog.open(join(dir, "audit.jsonl"));
  const base = { poolSize: 1, ...(options.python ? { python: options.python } : {}) };
  const plain = await PythonBridge.start({ ...base, pool: { stateDir: join(dir, "plain"), healthCheckIntervalMs: 0 } });
  // Two identical plain workers can differ by more than the effect measured here (which core each lands on,
  // caches): a control shows that noise floor beside the overhead.
  const control = await PythonBridge.start({
    ...base,
    pool: { stateDir: join(dir, "control"), healthCheckIntervalMs: 0 },
  });
  const enforced = await PythonBridge.start({
    ...base,
    pool: { stateDir: join(dir, "enforced"), healthCheckIntervalMs: 0 },
    allow: options.policy ?? DEFAULT_POLICY,
    observer: auditObserver(log),
  });
  try {
    options.progress?.(`enforce mode + audit: ${calls} sequential ${TARGET} calls against a plain bridge`);
    for (let i = 0; i < Math.max(1000, calls / 2); i++) {
      signal?.throwIfAborted();
      await plain.call(TARGET, [i, 1]);
      await control.call(TARGET, [i, 1]);
      await enforced.call(TARGET, [i, 1]);
    }
    const plainUs: number[] = [];
    const controlUs: number[] = [];
    const enforcedUs: number[] = [];
    for (let i = 0; i < calls; i++) {
      signal?.throwIfAborted();
      const order: [PythonBridge, number[]][] = [
        [plain, plainUs],
        [control, controlUs],
        [enforced, enforcedUs],
      ];
      // A fresh random order each round: a fixed or merely reversed one gives each bridge a fixed position, and
      // here a process that waited longer before its call answers slower (measured: 8-21 % "overhead" from
      // alternating orders, 5-7 % from random ones, against a 2-5 % control).
      shuffle(order);
      for (const [bridge, times] of order) {
        const t = process.hrtime.bigint();
        await bridge.call(TARGET, [i, 1]);
        times.push(elapsedUs(t));
      }
    }
    await log.flush();
    const verified = await verifyAuditLog(log.file);
    if (!verified.ok)
      throw new Error(`bench: the audit log written during the bench does not verify: ${String(verified.problem)}`);
    const plainP50 = quantile(plainUs, 0.5);
    const paired = quantile(
      enforcedUs.map((us, i) => us - plainUs[i]!),
      0.5,
    );
    const enforcedP50 = quantile(enforcedUs, 0.5);
    const controlP50 = quantile(controlUs, 0.5);
    return {
      enforce_calls: calls,
      plain_p50_us: round(plainP50),
      enforce_p50_us: round(enforcedP50),
      enforce_p99_us: round(quantile(enforcedUs, 0.99)),
      enforce_overhead_pct: round((enforcedP50 / plainP50 - 1) * 100, 1),
      enforce_overhead_paired_pct: round((paired / plainP50) * 100, 1),
      plain_control_diff_pct: round((controlP50 / plainP50 - 1) * 100, 1),
      audit_records: verified.records,
    };
  } finally {
    await plain.dispose();
    await control.dispose();
    await enforced.dispose();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
