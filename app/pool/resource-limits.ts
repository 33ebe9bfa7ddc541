// Worker resource limits. Memory: cgroup v2 `memory.max` where the user owns a delegated cgroup subtree, else an
// RSS watchdog on the host that samples each worker's process tree and kills it past the limit. CPU rate: cgroup
// `cpu.max` only; without cgroups it is unavailable, and saying so beats silently not enforcing it.
// RLIMIT_AS is deliberately not used: torch and gRPC reserve far more address space than they touch.
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";

/** Limits applied to every worker of a pool. */
export interface ResourceLimits {
  /** Resident memory a worker and its children may use, in bytes. */
  memoryBytes?: number;
  /** CPU rate, in cores (0.5 = half a core); needs cgroups. */
  cpus?: number;
  /** "auto" (default): cgroups when a delegated subtree is ours, else the watchdog. */
  mechanism?: "auto" | "cgroup" | "watchdog";
  /** Watchdog sampling period (default 200 ms). */
  sampleIntervalMs?: number;
}

/** Where cgroup v2 lives; tests point it at a folder laid out like cgroupfs. */
export interface CgroupEnvironment {
  /** The cgroup2 mount (default /sys/fs/cgroup). */
  root: string;
  /** This process's cgroup path relative to the root ("/user.slice/…"), or null without cgroup v2. */
  selfPath: string | null;
  /** Our uid (cgroups must be delegated to us, not merely writable because we are root). */
  uid: number | undefined;
}

export type LimitMechanism =
  | { kind: "cgroup"; parent: string; detail: string }
  | { kind: "watchdog"; detail: string }
  | { kind: "none"; detail: string };

/** Reads this process's cgroup v2 placement (read-only; never creates or changes a cgroup). */
export function currentCgroupEnvironment(): CgroupEnvironment {
  let selfPath: string | null = null;
  try {
    const line = readFileSync("/proc/self/cgroup", "utf8")
      .split("\n")
      .find((entry) => entry.startsWith("0::"));
    const mounts = readFileSync("/proc/self/mountinfo", "utf8");
    if (line !== undefined && / - cgroup2 /.test(mounts)) selfPath = line.slice(3).trim() || "/";
  } catch {
    selfPath = null;
  }
  return { root: "/sys/fs/cgroup", selfPath, uid: process.getuid?.() };
}

function controllers(dir: string, file: string): Set<string> {
  try {
    return new Set(readFileSync(join(dir, file), "utf8").trim().split(/\s+/).filter(Boolean));
  } catch {
    return new Set();
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The nearest ancestor of our own cgroup that is delegated to us: owned by our uid, writable, and passing the
 * wanted controllers down. Our own cgroup cannot be it: cgroup v2 forbids processes in a cgroup that hands
 * controllers to children. Returns why not when there is none.
 */
export function findDelegatedCgroup(
  env: CgroupEnvironment,
  wanted: readonly string[],
  requireOwnership: boolean,
): { dir: string } | { why: string } {
  if (env.selfPath === null) return { why: "cgroup v2 is not mounted (or /proc/self/cgroup has no unified entry)" };
  const own = join(env.root, env.selfPath);
  for (
    let dir = dirname(own);
    relative(env.root, dir) !== "" && !relative(env.root, dir).startsWith("..");
    dir = dirname(dir)
  ) {
    if (!existsSync(dir)) continue;
    const owner = statSync(dir).uid;
    if (requireOwnership && (env.uid === undefined || env.uid === 0 || owner !== env.uid)) continue;
    if (!writable(dir) || !writable(join(dir, "cgroup.procs"))) continue;
    const passed = controllers(dir, "cgroup.subtree_control");
    if (wanted.every((name) => passed.has(name))) return { dir };
  }
  const whose =
    env.uid === 0
      ? 'to this user, root (auto mode never uses root\'s cgroups; set limits.mechanism to "cgroup" to use them)'
      : `to uid ${env.uid ?? "?"}`;
  return { why: `no cgroup v2 subtree passing ${wanted.join("+")} is delegated ${whose}` };
}

/** Decides how `limits` will be enforced here; `{ kind: "none" }` when there is nothing to enforce. */
export function chooseLimitMechanism(
  limits: ResourceLimits | undefined,
  env: CgroupEnvironment = currentCgroupEnvironment(),
): LimitMechanism {
  if (limits === undefined || (limits.memoryBytes === undefined && limits.cpus === undefined))
    return { kind: "none", detail: "no limits set" };
  const mode = limits.mechanism ?? "auto";
  const wanted = [
    ...(limits.memoryBytes !== undefined ? ["memory"] : []),
    ...(limits.cpus !== undefined ? ["cpu"] : []),
  ];
  if (mode !== "watchdog") {
    const found = findDelegatedCgroup(env, wanted, mode === "auto");
    if ("dir" in found) return { kind: "cgroup", parent: found.dir, detail: `cgroup v2 under ${found.dir}` };
    if (mode === "cgroup") throw new Error(`Resource limits: mechanism "cgroup" was asked for, but ${found.why}.`);
    if (limits.cpus !== undefined) {
      throw new Error(
        `Resource limits: a CPU limit (cpus: ${limits.cpus}) needs cgroup v2, and ${found.why}. ` +
          "Remove the CPU limit, or start the workbench in a delegated scope (systemd-run --user --scope -p Delegate=yes …).",
      );
    }
    return { kind: "watchdog", detail: `RSS watchdog on the host (${found.why})` };
  }
  if (limits.cpus !== undefined) {
    throw new Error(
      `Resource limits: the watchdog cannot limit CPU (cpus: ${limits.cpus}); CPU limits need mechanism "cgroup" or "auto".`,
    );
  }
  return { kind: "watchdog", detail: "RSS watchdog on the host (mechanism: watchdog)" };
}

/** Resident bytes of `pid` and every descendant it has (Linux /proc); 0 when the process is gone. */
export function processTreeRssBytes(pid: number): number {
  let total = 0;
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === undefined || seen.has(current)) continue;
    seen.add(current);
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${current}/status`, "utf8"));
      if (match?.[1] !== undefined) total += Number(match[1]) * 1024;
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, "utf8").trim();
        if (children) for (const child of children.split(/\s+/)) stack.push(Number(child));
      }
    } catch {
      // The process (or a thread) ended between reads: it holds no memory any more.
    }
  }
  return total;
}

/** One pool's cgroup: a folder under the delegated parent, with one leaf per worker slot. */
export class PoolCgroup {
  readonly dir: string;
  readonly #limits: ResourceLimits;

  constructor(parent: string, poolRunId: string, limits: ResourceLimits) {
    this.#limits = limits;
    this.dir = join(parent, `snakebridge-${poolRunId}`);
    mkdirSync(this.dir);
    const enable = [
      ...(limits.memoryBytes !== undefined ? ["+memory"] : []),
      ...(limits.cpus !== undefined ? ["+cpu"] : []),
    ];
    writeFileSync(join(this.dir, "cgroup.subtree_control"), enable.join(" "));
  }

  /** Moves worker `pid` (and so every process it starts later) into the slot's leaf with the pool's limits. */
  attach(slotId: string, pid: number): void {
    const leaf = join(this.dir, slotId);
    if (!existsSync(leaf)) mkdirSync(leaf);
    if (this.#limits.memoryBytes !== undefined) {
      writeFileSync(join(leaf, "memory.max"), String(Math.floor(this.#limits.memoryBytes)));
      // Swapping past the limit would only slow the worker down before the same end.
      if (existsSync(join(leaf, "memory.swap.max"))) writeFileSync(join(leaf, "memory.swap.max"), "0");
    }
    if (this.#limits.cpus !== undefined) {
      const period = 100_000;
      writeFileSync(join(leaf, "cpu.max"), `${Math.max(1_000, Math.round(this.#limits.cpus * period))} ${period}`);
    }
    writeFileSync(join(leaf, "cgroup.procs"), String(pid));
  }

  /** The kernel's count of OOM kills in the slot's leaf (memory.events), so an exit can be told apart from a crash. */
  oomKills(slotId: string): number {
    try {
      const match = /^oom_kill (\d+)$/m.exec(readFileSync(join(this.dir, slotId, "memory.events"), "utf8"));
      return match?.[1] === undefined ? 0 : Number(match[1]);
    } catch {
      return 0;
    }
  }

  /** Removes the leaves and the pool's folder (each must be empty of processes by now). */
  remove(): string[] {
    const problems: string[] = [];
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      try {
        rmdirSync(join(this.dir, entry.name));
      } catch (error) {
        problems.push(`${join(this.dir, entry.name)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    try {
      rmdirSync(this.dir);
    } catch (error) {
      problems.push(`${this.dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return problems;
  }
}
