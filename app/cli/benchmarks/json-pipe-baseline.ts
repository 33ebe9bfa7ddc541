// The baseline: a bare Python process answering JSON lines on stdin/stdout (no pool, no gRPC, no codec).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface, type Interface } from "node:readline";

const SERVER = `
import json, sys
write = sys.stdout.write
flush = sys.stdout.flush
for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "add":
        write(json.dumps({"result": request["x"] + 1}) + "\\n")
    elif request["op"] == "array":
        import numpy as np
        write(json.dumps({"result": np.arange(request["n"], dtype=np.float64).tolist()}) + "\\n")
    flush()
`;

/** One bare Python process serving JSON lines, one request at a time. */
export class JsonPipeBaseline {
  readonly #child: ChildProcess;
  readonly #lines: Interface;
  readonly #waiting: ((line: string) => void)[] = [];

  constructor(python: string) {
    this.#child = spawn(python, ["-u", "-c", SERVER], { stdio: ["pipe", "pipe", "inherit"] });
    this.#lines = createInterface({ input: this.#child.stdout! });
    this.#lines.on("line", (line) => this.#waiting.shift()?.(line));
  }

  /** Sends one request and resolves with the parsed result. */
  request(message: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve) => {
      this.#waiting.push((line) => resolve((JSON.parse(line) as { result: unknown }).result));
      this.#child.stdin!.write(JSON.stringify(message) + "\n");
    });
  }

  /** Stops the process. */
  close(): void {
    this.#lines.close();
    this.#child.kill();
  }
}
