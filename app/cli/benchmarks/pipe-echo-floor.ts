// The transport floor in the engine bench: a bare Python process echoing bytes over pipes, the kernel path that a
// local worker's call lane (a FIFO pair), pythonia and the JSON-lines baseline all take. No framing, no codec, no
// event loop, no call: what one round trip between Node and Python costs on this machine at this moment.
import { spawn, type ChildProcess } from "node:child_process";

const SERVER = `
import os, sys
sys.stdout.write("ready\\n")
sys.stdout.flush()
buffer = bytearray(65536)
view = memoryview(buffer)
while True:
    n = os.readv(0, [buffer])
    if n == 0:
        break
    os.write(1, view[:n])
`;

/** A small message, the size of a small call's frame. */
const MESSAGE = Buffer.alloc(64, 7);

/** One echo process on its stdin and stdout; one round trip at a time. */
export class PipeEchoFloor {
  readonly #child: ChildProcess;
  #waiting: { resolve: () => void; remaining: number } | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.stdout?.on("data", (bytes: Buffer) => {
      const waiting = this.#waiting;
      if (waiting === undefined) return;
      waiting.remaining -= bytes.length;
      if (waiting.remaining > 0) return;
      this.#waiting = undefined;
      waiting.resolve();
    });
  }

  /** Starts the echo process and waits until it reads. */
  static async start(python: string, timeoutMs = 30_000): Promise<PipeEchoFloor> {
    const child = spawn(python, ["-u", "-c", SERVER], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (bytes: Buffer) => {
      stderr = (stderr + bytes.toString()).slice(-2000);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the echo process did not start within ${timeoutMs} ms`)),
          timeoutMs,
        );
        child.stdout?.once("data", () => {
          clearTimeout(timer);
          resolve();
        });
        child.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`the echo process exited (code ${String(code)}) before it was ready: ${stderr.trim()}`));
        });
      });
    } catch (error) {
      child.kill();
      throw error;
    }
    return new PipeEchoFloor(child);
  }

  /** Sends one small message and resolves when all of it has come back. */
  roundTrip(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting = { resolve, remaining: MESSAGE.length };
      this.#child.stdin?.write(MESSAGE);
    });
  }

  /** Stops the process. */
  close(): void {
    this.#child.kill();
  }
}
