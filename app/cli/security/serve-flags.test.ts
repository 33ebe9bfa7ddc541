// serve refuses allow-list flags it cannot honour before it starts anything.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "../command.js";
import { serveCommand } from "../commands/serve.js";

const io = () => ({
  stdout: new Writable({ write: (_c, _e, done) => done() }),
  stderr: new Writable({ write: (_c, _e, done) => done() }),
  interactive: false,
  signal: new AbortController().signal,
});

describe("serve --allow-host / --allow-origin", () => {
  it.each([
    [["--allow-origin", "gpu-box.example"], /--allow-origin: "gpu-box.example" is not an origin/],
    [["--allow-origin", "https://gpu-box.example/path"], /no path/],
    [["--allow-origin", "null"], /is not an origin/],
    [["--allow-host", "evil.example/path"], /--allow-host takes host names/],
    [["--allow-host", "*"], /--allow-host takes host names/],
    [["--allow-host", "a.example,http://b.example"], /--allow-host takes host names/],
  ])("refuses %j", async (args, message) => {
    const run = serveCommand.run([...args, "--no-open", "--port", "0"], io());
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(message);
  });
});
