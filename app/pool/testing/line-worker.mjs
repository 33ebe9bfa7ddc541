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
