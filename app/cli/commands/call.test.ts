// `snakebridge call`: one tag scheme for --json output and for arguments; --json covers argument errors.
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../main.js";
import { cliEntry } from "../testing/process-census.js";

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void): Writable =>
    new Writable({
      write(chunk, _e, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await runCli(argv, {
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    interactive: false,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** Calls `fn` with `args`, expects success, returns the parsed --json output. */
async function callJson(fn: string, ...args: string[]): Promise<unknown> {
  const { code, stdout, stderr } = await cli("call", fn, ...args, "--json");
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe("snakebridge call --json tags", () => {
  it("prints tagged values, and accepts every form it prints back (a round trip through builtins.repr)", async () => {
    const cases: [string, unknown, string][] = [
      ['{"$bytes":"AP8="}', { $bytes: "AP8=" }, "b'\\x00\\xff'"],
      ['{"$tuple":[1,"a"]}', { $tuple: [1, "a"] }, "(1, 'a')"],
      ['{"$set":[3]}', { $set: [3] }, "{3}"],
      ['{"$complex":[1,-2]}', { $complex: [1, -2] }, "(1-2j)"],
      [
        '{"$bigint":"123456789012345678901234567890"}',
        { $bigint: "123456789012345678901234567890" },
        "123456789012345678901234567890",
      ],
      [
        '{"$dict":[[1,"one"],["$x",2]]}',
        {
          $dict: [
            [1, "one"],
            ["$x", 2],
          ],
        },
        "{1: 'one', '$x': 2}",
      ],
      ['{"$float":"NaN"}', { $float: "NaN" }, "nan"],
    ];
    // One worker start per direction: all the forms travel in one list.
    const inputs = `[${cases.map(([input]) => input).join(",")}]`;
    expect(await callJson("builtins.repr", inputs)).toBe(`[${cases.map(([, , repr]) => repr).join(", ")}]`);
    expect(await callJson("copy.copy", inputs)).toEqual(cases.map(([, printed]) => printed));
  }, 60_000);

  it("base64.b64encode takes $bytes and prints $bytes", async () => {
    expect(await callJson("base64.b64encode", '{"$bytes":"AP8="}')).toEqual({
      $bytes: Buffer.from("AP8=").toString("base64"),
    });
  }, 30_000);

  it("ndarrays print with dtype and shape and go back in the same form, complex included", async () => {
    const printed = await callJson("numpy.array", "[[1, 2], [3, 4]]", "--kwargs", '{"dtype": "complex64"}');
    expect(printed).toEqual({
      $ndarray: [
        [{ $complex: [1, 0] }, { $complex: [2, 0] }],
        [{ $complex: [3, 0] }, { $complex: [4, 0] }],
      ],
      dtype: "complex64",
      shape: [2, 2],
    });
    expect(await callJson("builtins.repr", JSON.stringify(printed))).toBe(
      "array([[1.+0.j, 2.+0.j],\n       [3.+0.j, 4.+0.j]], dtype=complex64)",
    );
    const svd = (await callJson("numpy.linalg.svd", '{"$ndarray": [[2, 0], [0, 1]], "dtype": "float64"}')) as Record<
      string,
      unknown
    >;
    expect(svd.$type).toBe("numpy.linalg._linalg.SVDResult");
    expect(svd.$fields).toEqual(["U", "S", "Vh"]);
    expect(await callJson("builtins.len", JSON.stringify(svd))).toBe(3);
  }, 60_000);

  it("refuses a $handle argument with a clear error, as JSON on stdout", async () => {
    const { code, stdout } = await cli(
      "call",
      "builtins.len",
      '{"$handle":"h1","type":"Foo","repr":"<Foo>"}',
      "--json",
    );
    expect(code).toBe(2);
    const { error } = JSON.parse(stdout) as { error: { classification: string; message: string } };
    expect(error.classification).toBe("usage_error");
    expect(error.message).toContain("fresh worker");
  });

  it("argument errors are JSON on stdout too", async () => {
    for (const argv of [
      ["call", "--json"],
      ["call", "math.sqrt", "{bad", "--json"],
      ["call", "math.sqrt", "--bogus", "--json"],
      ["call", "math.sqrt", "--kwargs", "[1]", "--json"],
      ["call", "math.sqrt", '{"$nope": 1}', "--json"],
    ]) {
      const { code, stdout } = await cli(...argv);
      expect(code, argv.join(" ")).toBe(2);
      expect((JSON.parse(stdout) as { error: { type: string } }).error.type).toBe("UsageError");
    }
  });

  it("a failure before the call (an interpreter that is not Python) is JSON on stdout too", async () => {
    const { code, stdout } = await cli("call", "math.sqrt", "2", "--python", "/bin/true", "--json");
    expect(code).toBe(1);
    const { error } = JSON.parse(stdout) as { error: { classification: string; message: string } };
    expect(error.classification).toBe("internal");
    expect(error.message).toMatch(/No usable Python interpreter/);
  });
});

describe("snakebridge call output", () => {
  it("stops quietly when its reader closes the pipe early (| head), with no stack trace", async () => {
    // The CLI process itself, its stdout read for 40 bytes and then closed, as `| head -c 40` does.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", cliEntry, "call", "builtins.eval", '"list(range(10**6))"', "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const head = await new Promise<string>((resolve) => {
      child.stdout.once("data", (chunk: Buffer) => {
        child.stdout.destroy();
        resolve(chunk.toString().slice(0, 40));
      });
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(head.startsWith("[0,1,2,")).toBe(true);
    expect(stderr).not.toMatch(/EPIPE|Error:/);
    expect(code).toBe(0);
  }, 60_000);

  it("prints what the function printed on stderr, and the result alone on stdout", async () => {
    const plain = await cli("call", "builtins.print", '"hello from python"');
    expect([plain.code, plain.stdout, plain.stderr]).toEqual([0, "null\n", "hello from python\n"]);
    const json = await cli("call", "builtins.print", '"and with --json"', "--json");
    expect([json.code, JSON.parse(json.stdout), json.stderr]).toEqual([0, null, "and with --json\n"]);
  });
});
