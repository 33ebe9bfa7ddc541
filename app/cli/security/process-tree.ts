// Reads /proc the way another local user would: every descendant of a process, its argv and environment.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessView {
  pid: number;
  ppid: number;
  /** argv joined with spaces (NULs replaced). */
  cmdline: string;
  /** The environment the process started with (NUL-separated in /proc, here one entry per element). */
  environ: string[];
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "latin1");
  } catch {
    return undefined; // exited while we looked
  }
}

function parentOf(pid: number): number | undefined {
  const stat = readProc(pid, "stat");
  if (stat === undefined) return undefined;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[1]);
}

/** Every live descendant of `root` (children, grandchildren, ...), not `root` itself. */
export function descendantsOf(root: number): ProcessView[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid !== undefined) parents.set(Number(entry), ppid);
  }
  const inTree = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  inTree.delete(root);
  const views: ProcessView[] = [];
  for (const pid of inTree) {
    const cmdline = readProc(pid, "cmdline");
    const environ = readProc(pid, "environ");
    if (cmdline === undefined || environ === undefined) continue;
    views.push({
      pid,
      ppid: parents.get(pid)!,
      cmdline: cmdline.split("\0").join(" ").trim(),
      environ: environ.split("\0").filter(Boolean),
    });
  }
  return views;
}
