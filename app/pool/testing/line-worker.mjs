// A tiny worker for pool tests: reads "<id> <command> [arg]" lines on stdin, answers "<id> <reply>" on stdout.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const failure = process.env.LINE_WORKER_FAIL;
if (failure) {
  process.stderr.write(`${failure}\n`);
  process.exit(2);
}

// Lets tests prove that the pool escalates to SIGKILL.
if (process.env.LINE_WORKER_IGNORE_SIGTERM === "1") process.on("SIGTERM", () => {});

let sick = false;
const grandchildren = [];
const held = [];

const commands = {
  echo: async (arg) => `ok ${arg}`,
  sleep: async (arg) => {
    await new Promise((resolve) => setTimeout(resolve, Number(arg)));
    return "ok slept";
  },
  pid: async () => `ok ${process.pid}`,
  health: async () => (sick ? "sick told to be unhealthy" : `ok ${process.memoryUsage().rss}`),
  sicken: async () => {
    sick = true;
    return "ok";
  },
  // Stays in this worker's process group, as a library's helper process would.
  grandchild: async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    grandchildren.push(child);
    return `ok ${child.pid}`;
  },
  crash: async (arg) => process.exit(Number(arg || 3)),
  // Touches N MiB (so they are resident), then holds them for a while: a call that blows a memory limit.
  allocate: async (arg) => {
    held.push(Buffer.alloc(Number(arg) * 2 ** 20, 1));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    return "ok allocated";
  },
  // The same from a child process, to show that limits count a worker's whole process tree.
  "child-allocate": async (arg) => {
    const code = `const b = Buffer.alloc(${Number(arg)} * 2 ** 20, 1); setInterval(() => b[0]++, 1000);`;
    grandchildren.push(spawn(process.execPath, ["-e", code], { stdio: "ignore" }));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    return "ok allocated";
  },
};

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [id, command, ...rest] = line.split(" ");
  const handler = commands[command];
  if (!handler) {
    process.stdout.write(`${id} error unknown command ${command}\n`);
    return;
  }
  handler(rest.join(" ")).then((reply) => process.stdout.write(`${id} ${reply}\n`));
});
// Closing stdin is the graceful stop request.
lines.on("close", () => {
  if (process.env.LINE_WORKER_IGNORE_SIGTERM !== "1") process.exit(0);
});

const delay = Number(process.env.LINE_WORKER_START_DELAY_MS ?? 0);
setTimeout(() => process.stdout.write(`ready ${process.pid}\n`), delay);
