// `snakebridge call`: one tag scheme for --json output and for arguments; --json covers argument errors.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../main.js";

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
});
