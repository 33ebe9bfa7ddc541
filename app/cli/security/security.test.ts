// The security suite: a real `snakebridge serve` (in this process, real Python workers, real sockets
// on 127.0.0.1) attacked the way another local user or a web page would. Every hostile input must be
// refused, and none may crash the host. Prints "security: N hostile inputs, N refused, 0 crashed".
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/workbench-api.js";
import { PythonBridge } from "../../bridge/index.js";
import { serveCommand } from "../commands/serve.js";
import { WorkbenchTestClient } from "../../host/testing/workbench-test-client.js";
import { HostileTally, type Verdict } from "./hostile-tally.js";
import { descendantsOf } from "./process-tree.js";
import {
  frame,
  httpRequest,
  nextServerFrame,
  rawExchange,
  upgradeHeaders,
  type FrameOutcome,
  type RawReply,
} from "./raw-http.js";

const tally = new HostileTally();
/** Problems recorded since the last check: each test reports only its own. */
let reported = 0;
function newProblems(): string[] {
  const fresh = tally.problems.slice(reported);
  reported = tally.problems.length;
  return fresh;
}
const ALLOWED_NAME = "gpu-box.example";
const ALLOWED_ORIGIN = "https://proxy.example";

let scratch: string;
let workspace: string;
let outside: string;
let port: number;
let token: string;
let host: string;
let client: WorkbenchTestClient;
let stopServe: AbortController;
let serving: Promise<number>;
let xdgRecord: string;
const savedEnv = { ...process.env };
const errorLog = vi.spyOn(console, "error");

/** Host-side failures that mean a request hit a bug: an `internal` error or a 500. */
function internalFailures(): number {
  return errorLog.mock.calls.filter((call) => /snakebridge host: .*failed:/.test(String(call[0]))).length;
}

function capture(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "snakebridge-security-"));
  workspace = join(scratch, "workspace");
  outside = join(scratch, "outside");
  const renderer = join(scratch, "renderer");
  mkdirSync(join(renderer, "assets"), { recursive: true });
  mkdirSync(outside);
  mkdirSync(join(workspace, "inner"), { recursive: true });
  mkdirSync(join(workspace, "a-folder"));
  writeFileSync(join(renderer, "index.html"), "<!doctype html><title>workbench</title>");
  writeFileSync(join(renderer, "other.html"), "<!doctype html><title>other page</title>");
  writeFileSync(join(renderer, "assets", "app.js"), "console.log('app')");
  writeFileSync(join(outside, "secret.txt"), "outside secret");
  symlinkSync(join(outside, "secret.txt"), join(renderer, "link-out.txt"));
  symlinkSync(join(renderer, "loop-b"), join(renderer, "loop-a.js"));
  symlinkSync(join(renderer, "loop-a.js"), join(renderer, "loop-b"));
  // An untrusted workspace: links that lead out, chains, a dangling link, a loop, and a name that only starts with "..".
  symlinkSync(join(outside, "secret.txt"), join(workspace, "link-file"));
  symlinkSync(outside, join(workspace, "link-dir"));
  symlinkSync(join(workspace, "chain-2"), join(workspace, "chain-1"));
  symlinkSync(join(outside, "secret.txt"), join(workspace, "chain-2"));
  symlinkSync(join(outside, "created-through-link.txt"), join(workspace, "dangling"));
  symlinkSync("../..", join(workspace, "inner", "up"));
  symlinkSync(join(workspace, "loop-2"), join(workspace, "loop-1"));
  symlinkSync(join(workspace, "loop-1"), join(workspace, "loop-2"));
  writeFileSync(join(workspace, "..notes.txt"), "a name that starts with two dots");
  writeFileSync(join(workspace, "inside.txt"), "inside");
  symlinkSync(join(workspace, "inside.txt"), join(workspace, "link-inside"));

  // A fake xdg-open that records its argv and the redirect file it was given, then lingers like a browser.
  const bin = join(scratch, "bin");
  mkdirSync(bin);
  xdgRecord = join(scratch, "xdg-open.record");
  writeFileSync(
    join(bin, "xdg-open"),
    `#!/bin/sh
printf '%s\\n' "$$" > "${xdgRecord}.pid"
file="\${1#file://}"
cp "$file" "${xdgRecord}.html"
stat -c %a "$file" > "${xdgRecord}.mode"
stat -c %a "$(dirname "$file")" > "${xdgRecord}.dirmode"
printf '%s\\0' "$0" "$@" > "${xdgRecord}"
exec sleep 60
`,
  );
  chmodSync(join(bin, "xdg-open"), 0o755);
  const runtime = join(scratch, "run");
  mkdirSync(runtime, { mode: 0o700 });
  Object.assign(process.env, {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    XDG_RUNTIME_DIR: runtime,
    SNAKEBRIDGE_RENDERER_DIR: renderer,
    SNAKEBRIDGE_RUNS_DB: join(scratch, "runs.db"),
    SNAKEBRIDGE_CACHE_DIR: join(scratch, "cache"),
  });

  const stdout = capture();
  const stderr = capture();
  stopServe = new AbortController();
  serving = serveCommand.run(
    [
      "--port",
      "0",
      "--workers",
      "1",
      "--workspace",
      workspace,
      "--allow-host",
      ALLOWED_NAME,
      "--allow-origin",
      ALLOWED_ORIGIN,
    ],
    { stdout: stdout.stream, stderr: stderr.stream, interactive: false, signal: stopServe.signal },
  );
  serving.catch(() => undefined);
  const url = new URL(await waitFor("the printed URL", () => /Workbench available at (\S+)/.exec(stdout.text())?.[1]));
  port = Number(url.port);
  token = url.searchParams.get("token") ?? "";
  host = `127.0.0.1:${port}`;
  client = await WorkbenchTestClient.connect(url.origin, token);
  await waitFor("the Python workers", () => (/Python workers ready/.test(stderr.text()) ? true : undefined));
}, 120_000);

afterAll(async () => {
  console.log(tally.summary());
  for (const problem of tally.problems) console.log(`  ${problem}`);
  await client?.close();
  stopServe?.abort();
  await serving?.catch(() => undefined);
  const xdgPid = existsSync(`${xdgRecord}.pid`) ? Number(readFileSync(`${xdgRecord}.pid`, "utf8")) : 0;
  if (xdgPid > 0) {
    try {
      process.kill(xdgPid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  process.env = savedEnv;
  errorLog.mockRestore();
  await rm(scratch, { recursive: true, force: true });
}, 60_000);

/** Plays one raw HTTP exchange; `refused(reply)` says whether the host refused as it should. */
async function playHttp(name: string, request: string | Buffer, refused: (reply: RawReply) => boolean): Promise<void> {
  const before = internalFailures();
  let verdict: Verdict;
  let detail = "";
  try {
    const reply = await rawExchange(port, request);
    reply.socket?.destroy();
    detail = `HTTP ${reply.status}`;
    verdict = reply.status >= 500 ? "crashed" : refused(reply) ? "refused" : "accepted";
    if (!hasSecurityHeaders(reply) && reply.status !== 101) {
      verdict = verdict === "refused" ? "accepted" : verdict;
      detail += ", without the security headers";
    }
  } catch (error) {
    verdict = "crashed";
    detail = (error as Error).message;
  }
  if (internalFailures() > before) verdict = "crashed";
  tally.record(name, verdict, detail);
}

function hasSecurityHeaders(reply: RawReply): boolean {
  const csp = reply.headers["content-security-policy"] ?? "";
  return (
    csp.includes("frame-ancestors 'none'") &&
    reply.headers["x-content-type-options"] === "nosniff" &&
    reply.headers["x-frame-options"] === "DENY"
  );
}

const status =
  (...codes: number[]) =>
  (reply: RawReply): boolean =>
    codes.includes(reply.status);

describe("auth variants", () => {
  it("refuses the page without its token, in every spelling", async () => {
    const page = (target: string, extra: Record<string, string> = {}): string =>
      httpRequest(target, { Host: host, ...extra });
    const wrong = [
      ["no token", page("/")],
      ["empty token", page("/?token=")],
      ["wrong token", page("/?token=not-the-token")],
      ["token minus its last character", page(`/?token=${token.slice(0, -1)}`)],
      ["token plus a character", page(`/?token=${token}x`)],
      ["token in upper case", page(`/?token=${token.toUpperCase()}`)],
      ["token under another parameter name", page(`/?Token=${token}`)],
      ["token with a NUL appended", page(`/?token=${token}%00`)],
      [
        "Authorization: Basic with the token",
        page("/", { Authorization: `Basic ${Buffer.from(`user:${token}`).toString("base64")}` }),
      ],
      ["Authorization: token with a wrong token", page("/", { Authorization: "token wrong" })],
      ["Authorization: Bearer with a wrong token", page("/", { Authorization: "Bearer wrong" })],
      ["Authorization: the bare token without a scheme", page("/", { Authorization: token })],
      ["Authorization: token with nothing after it", page("/", { Authorization: "token " })],
      ["Authorization: token with two tokens", page("/", { Authorization: `token wrong ${token}` })],
      ["the cookie of another port", page("/", { Cookie: `snakebridge-token-${port + 1}=${token}` })],
      ["our cookie name with a wrong value", page("/", { Cookie: `snakebridge-token-${port}=wrong` })],
      ["a cookie name that only starts like ours", page("/", { Cookie: `snakebridge-token-${port}0=${token}` })],
      ["/%69ndex.html (encoded page name) without a token", page("/%69ndex.html")],
      ["/index%2ehtml without a token", page("/index%2ehtml")],
      ["/./index.html without a token", page("/./index.html")],
      ["/assets/../index.html without a token", page("/assets/../index.html")],
      ["another .html file without a token", page("/other.html")],
      ["/INDEX.HTML without a token", page("/INDEX.HTML")],
      ["/index.html/ without a token", page("/index.html/")],
    ] as const;
    for (const [name, request] of wrong) await playHttp(name, request, status(401, 404));
    // The right token is accepted through the query, the header (both schemes) and the cookie.
    const rightWays: Record<string, string>[] = [
      { Authorization: `token ${token}` },
      { Authorization: `Bearer ${token}` },
      { Cookie: `other=1; snakebridge-token-${port}=${token}` },
    ];
    for (const extra of rightWays) {
      expect((await rawExchange(port, page("/", extra))).status).toBe(200);
    }
    const first = await rawExchange(port, page(`/?token=${encodeURIComponent(token)}`));
    expect(first.status).toBe(200);
    expect(first.headers["set-cookie"]).toBe(`snakebridge-token-${port}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    expect(newProblems()).toEqual([]);
  });

  it("refuses the API socket without its token, and a cookie alone from a client with no Origin", async () => {
    const upgrade = (target: string, extra: Record<string, string> = {}): string =>
      httpRequest(target, upgradeHeaders({ Host: host, ...extra }));
    const wrong = [
      ["socket: no token", upgrade("/api/socket")],
      ["socket: wrong token", upgrade("/api/socket?token=wrong")],
      ["socket: empty token", upgrade("/api/socket?token=")],
      ["socket: token prefix", upgrade(`/api/socket?token=${token.slice(0, 10)}`)],
      ["socket: wrong Authorization", upgrade("/api/socket", { Authorization: "token nope" })],
      [
        "socket: cookie alone, no Origin (not a browser)",
        upgrade("/api/socket", { Cookie: `snakebridge-token-${port}=${token}` }),
      ],
      [
        "socket: another port's cookie with our Origin",
        upgrade("/api/socket", { Cookie: `snakebridge-token-${port + 1}=${token}`, Origin: `http://${host}` }),
      ],
      ["socket: trailing slash path", upgrade(`/api/socket/?token=${token}`)],
      ["socket: another path", upgrade(`/api/sockets?token=${token}`)],
      [
        "socket: WebSocket version 8",
        httpRequest(`/api/socket?token=${token}`, upgradeHeaders({ Host: host, "Sec-WebSocket-Version": "8" })),
      ],
      [
        "socket: malformed key",
        httpRequest(`/api/socket?token=${token}`, upgradeHeaders({ Host: host, "Sec-WebSocket-Key": "short" })),
      ],
      [
        "socket: Upgrade to another protocol",
        httpRequest(`/api/socket?token=${token}`, upgradeHeaders({ Host: host, Upgrade: "h2c" })),
      ],
      ["socket: plain GET of the socket path", httpRequest(`/api/socket?token=${token}`, { Host: host })],
    ] as const;
    for (const [name, request] of wrong) await playHttp(name, request, status(400, 401, 403, 404, 426));
    // Controls: the token in the query or header, or a browser (Origin) with the cookie, gets in.
    expect((await rawExchange(port, upgrade(`/api/socket?token=${token}`))).status).toBe(101);
    expect((await rawExchange(port, upgrade("/api/socket", { Authorization: `Bearer ${token}` }))).status).toBe(101);
    expect(
      (
        await rawExchange(
          port,
          upgrade("/api/socket", { Cookie: `snakebridge-token-${port}=${token}`, Origin: `http://${host}` }),
        )
      ).status,
    ).toBe(101);
    expect(
      (
        await rawExchange(
          port,
          upgrade("/api/socket", { Cookie: `snakebridge-token-${port}=${token}`, Origin: ALLOWED_ORIGIN }),
        )
      ).status,
    ).toBe(101);
    expect(newProblems()).toEqual([]);
  });

  it("guards /metrics like the page: the token, an allowed Host, no foreign Origin", async () => {
    const metrics = (extra: Record<string, string>, target = "/metrics"): string =>
      httpRequest(target, { Host: host, ...extra });
    const wrong = [
      ["metrics: no token", metrics({})],
      ["metrics: wrong bearer", metrics({ Authorization: "Bearer wrong" })],
      ["metrics: another port's cookie", metrics({ Cookie: `snakebridge-token-${port + 1}=${token}` })],
      ["metrics: forged Host", httpRequest(`/metrics?token=${token}`, { Host: `evil.example:${port}` })],
      ["metrics: foreign Origin", metrics({ Authorization: `Bearer ${token}`, Origin: "http://evil.example" })],
      ["metrics: null Origin", metrics({ Authorization: `Bearer ${token}`, Origin: "null" })],
    ] as const;
    for (const [name, request] of wrong) await playHttp(name, request, status(401, 403));
    const allowed = await rawExchange(port, metrics({ Authorization: `Bearer ${token}` }));
    expect(allowed.status).toBe(200);
    expect(newProblems()).toEqual([]);
  });

  it("refuses methods other than GET and HEAD, and targets that are not plain paths", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]) {
      await playHttp(
        `${method} /`,
        httpRequest(`/?token=${token}`, { Host: host, "Content-Length": "0" }, method),
        status(405),
      );
    }
    const odd = [
      ["absolute-form target", httpRequest(`http://${host}/?token=${token}`, { Host: host })],
      ["//index.html", httpRequest("//index.html", { Host: host })],
      ["malformed percent escape", httpRequest("/%ZZ", { Host: host })],
      ["encoded NUL", httpRequest("/index.html%00.js", { Host: host })],
      ["backslash traversal", httpRequest("/assets/..%5c..%5coutside%5csecret.txt", { Host: host })],
      ["* target", httpRequest("*", { Host: host }, "OPTIONS")],
    ] as const;
    for (const [name, request] of odd) await playHttp(name, request, status(400, 404, 405));
    expect(newProblems()).toEqual([]);
  });
});

describe("Host and Origin forgeries", () => {
  const forgedHosts = (): string[] => [
    `evil.example:${port}`,
    "evil.example",
    `127.0.0.1:${port + 1}`,
    "127.0.0.1",
    "localhost",
    `localhost:${port + 1}`,
    `[::1]:${port + 1}`,
    `127.0.0.1.nip.io:${port}`,
    `0x7f000001:${port}`,
    `2130706433:${port}`,
    `127.1:${port}`,
    `localhost.evil.example:${port}`,
    `localhost.:${port}`,
    `${ALLOWED_NAME}.evil:${port}`,
    `${ALLOWED_NAME}:${port + 1}`,
    `127.0.0.1:${port}@evil.example`,
    `evil.example:${port}#127.0.0.1:${port}`,
  ];

  it("refuses a forged Host on the page and on the socket (DNS rebinding)", async () => {
    for (const forged of forgedHosts()) {
      await playHttp(`page with Host: ${forged}`, httpRequest(`/?token=${token}`, { Host: forged }), status(400, 403));
      await playHttp(
        `socket with Host: ${forged}`,
        httpRequest(`/api/socket?token=${token}`, upgradeHeaders({ Host: forged })),
        status(400, 403),
      );
    }
    await playHttp("page with no Host header", httpRequest(`/?token=${token}`, {}), status(400, 403));
    await playHttp("page with an empty Host header", httpRequest(`/?token=${token}`, { Host: "" }), status(400, 403));
    // Controls: loopback aliases and the allowed name with the served port.
    for (const good of [`localhost:${port}`, `[::1]:${port}`, `${ALLOWED_NAME}:${port}`, `LOCALHOST:${port}`]) {
      expect((await rawExchange(port, httpRequest(`/?token=${token}`, { Host: good }))).status, good).toBe(200);
    }
    expect(newProblems()).toEqual([]);
  });

  it("refuses a foreign or null Origin on the socket and on plain requests, even with the token", async () => {
    const forgedOrigins = [
      "http://evil.example",
      "null",
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      "http://127.0.0.1",
      `http://localhost.evil.example:${port}`,
      `http://127.0.0.1:${port}.evil.example`,
      `http://127.0.0.1.nip.io:${port}`,
      "file://",
      "chrome-extension://abcdefghijklmnop",
      `ws://127.0.0.1:${port}`,
      `http://[::1]:${port + 1}`,
      `http://0.0.0.0:${port}`,
      "HTTP://EVIL.EXAMPLE",
      `http://${ALLOWED_NAME}.evil:${port}`,
      "",
      `http://${host}/path`,
      `http://${host}, http://evil.example`,
      "https://proxy.example.evil",
      "http://proxy.example",
    ];
    for (const origin of forgedOrigins) {
      await playHttp(
        `socket with Origin: ${origin || "(empty)"}`,
        httpRequest(`/api/socket?token=${token}`, upgradeHeaders({ Host: host, Origin: origin })),
        status(403),
      );
    }
    for (const origin of ["http://evil.example", "null", `http://127.0.0.1:${port + 1}`]) {
      await playHttp(
        `asset with Origin: ${origin}`,
        httpRequest("/assets/app.js", { Host: host, Origin: origin }),
        status(403),
      );
      await playHttp(
        `page with Origin: ${origin}`,
        httpRequest(`/?token=${token}`, { Host: host, Origin: origin }),
        status(403),
      );
    }
    expect(newProblems()).toEqual([]);
  });
});

describe("headers", () => {
  it("puts the security headers on 200, 401, 403, 404, 405 and 500 replies", async () => {
    const replies = {
      200: await rawExchange(port, httpRequest("/assets/app.js", { Host: host })),
      401: await rawExchange(port, httpRequest("/", { Host: host })),
      403: await rawExchange(port, httpRequest("/", { Host: "evil.example" })),
      404: await rawExchange(port, httpRequest("/missing.js", { Host: host })),
      405: await rawExchange(port, httpRequest("/", { Host: host }, "POST")),
      // A symlink loop in the build folder is the host's own fault: 500, headers, no stack trace.
      500: await rawExchange(port, httpRequest("/loop-a.js", { Host: host })),
    };
    for (const [code, reply] of Object.entries(replies)) {
      expect(reply.status, code).toBe(Number(code));
      expect(hasSecurityHeaders(reply), `security headers on ${code}`).toBe(true);
      expect(reply.body).not.toMatch(/\n\s+at /);
    }
    const csp = replies[200].headers["content-security-policy"]!;
    for (const directive of [
      "script-src 'self'",
      "worker-src 'self' blob:",
      "style-src 'self' 'unsafe-inline'",
      "base-uri 'none'",
      "form-action 'none'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
  });

  it("serves nothing outside the build folder", async () => {
    for (const target of [
      "/link-out.txt",
      "/..%2f..%2foutside%2fsecret.txt",
      "/%2e%2e/%2e%2e/outside/secret.txt",
      "/../outside/secret.txt",
      `/%2569ndex.html?token=${token}`,
    ]) {
      await playHttp(
        `static ${target}`,
        httpRequest(target, { Host: host }),
        (reply) => reply.status === 404 && !reply.body.includes("outside secret"),
      );
    }
    expect(newProblems()).toEqual([]);
  });
});

/** Plays one Workbench API request that must fail with one of `codes`; anything else is accepted or a crash. */
async function playRequest(
  name: string,
  send: () => Promise<unknown>,
  codes: readonly string[] = ["forbidden", "bad_request", "not_found"],
): Promise<void> {
  const before = internalFailures();
  let verdict: Verdict;
  let detail = "";
  try {
    const result = await send();
    verdict = "accepted";
    detail = JSON.stringify(result).slice(0, 120);
  } catch (error) {
    if (error instanceof ApiError) {
      detail = `${error.code}: ${error.message}`;
      verdict = error.code === "internal" ? "crashed" : codes.includes(error.code) ? "refused" : "accepted";
    } else {
      verdict = "crashed";
      detail = String(error);
    }
  }
  if (internalFailures() > before) verdict = "crashed";
  tally.record(name, verdict, detail);
}

function outsideListing(): string {
  const list = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? [`${entry.name}/`, ...list(join(dir, entry.name)).map((child) => `${entry.name}/${child}`)]
        : [entry.name],
    );
  return `${list(outside).join(",")}|${readFileSync(join(outside, "secret.txt"), "utf8")}`;
}

describe("workspace confinement (traversal and symlinks)", () => {
  it("reads nothing outside the workspace, whatever the spelling or the link", async () => {
    const reads = [
      "../outside/secret.txt",
      "../../etc/passwd",
      "/etc/passwd",
      "inner/../../outside/secret.txt",
      "link-file",
      "link-dir/secret.txt",
      "chain-1",
      "inner/up/outside/secret.txt",
      "loop-1",
      "",
      " ",
      "\0",
      "inside.txt\0.png",
      "x".repeat(5000),
      "n".repeat(300),
      "a-folder",
      "..",
      ".",
      "./",
      "link-dir",
      "inner/up",
      "%2e%2e/outside/secret.txt",
      "..\\outside\\secret.txt",
      "missing.txt",
      `${workspace}/inside.txt`,
      "inside.txt/../../outside/secret.txt",
    ];
    for (const path of reads) {
      await playRequest(`workspace.read ${JSON.stringify(path.slice(0, 60))}`, () =>
        client.request("workspace.read", { path }),
      );
    }
    for (const path of ["link-file", "link-dir/secret.txt", "../outside/secret.txt"]) {
      await playRequest(`notebooks.open ${path}`, () => client.request("notebooks.open", { path }), ["forbidden"]);
    }
    // Controls: a name that only starts with "..", and a link that stays inside, are fine.
    expect((await client.request("workspace.read", { path: "..notes.txt" })).text).toBe(
      "a name that starts with two dots",
    );
    expect((await client.request("workspace.read", { path: "link-inside" })).text).toBe("inside");
    expect(newProblems()).toEqual([]);
  });

  it("writes nothing outside the workspace: not through a linked folder, a linked file, a dangling link or a new subfolder", async () => {
    const before = outsideListing();
    const writes = [
      "../outside/pwn.txt",
      "link-dir/pwn.txt",
      "link-dir/new/deeper/pwn.txt",
      "dangling",
      "link-file",
      "chain-1",
      "inner/up/outside/pwn.txt",
      "/tmp/snakebridge-pwn.txt",
      "a-folder",
      "n".repeat(300),
      "loop-1/x",
      "",
      "\0",
      "..",
      "inside.txt/child.txt",
    ];
    for (const path of writes) {
      await playRequest(`workspace.write ${JSON.stringify(path.slice(0, 60))}`, () =>
        client.request("workspace.write", { path, text: "pwned" }),
      );
    }
    const notebook = { cells: [], metadata: {} };
    for (const path of ["link-dir/pwn.ipynb", "../outside/pwn.ipynb", "dangling.ipynb/../link-dir/x.ipynb"]) {
      await playRequest(`notebooks.save ${path}`, () => client.request("notebooks.save", { path, notebook }), [
        "forbidden",
      ]);
    }
    const manifest = (outDir: string): string =>
      `version: 1\ncodegen:\n  namespace: pwn\n  out_dir: ${outDir}\nintegrations:\n  - package: statistics\n    entrypoints:\n      functions: [mean]\n`;
    for (const outDir of ["../../outside/sdk", "../link-dir/sdk", join(outside, "sdk"), ".."]) {
      await playRequest(
        `manifests.generate out_dir ${outDir}`,
        () =>
          client.request("manifests.generate", {
            text: manifest(outDir),
            path: "manifests/pwn.manifest.yaml",
            write: true,
          }),
        ["forbidden"],
      );
    }
    for (const outputDir of ["link-dir/runs", "../outside/runs", "inner/up/outside/runs", "dangling/runs"]) {
      await playRequest(
        `training.start output_dir ${outputDir}`,
        () =>
          client.request("training.start", { configText: `model: sshleifer/tiny-gpt2\noutput_dir: ${outputDir}\n` }),
        ["forbidden"],
      );
    }
    await playRequest(
      "training.start configPath through a linked folder",
      () => client.request("training.start", { configText: "model: x\n", configPath: "link-dir/evil.run.yaml" }),
      ["forbidden"],
    );
    for (const path of ["link-file", "link-dir/secret.txt", "../outside/secret.txt"]) {
      await playRequest(`training.preview ${path}`, () => client.request("training.preview", { path }), ["forbidden"]);
    }
    expect(outsideListing()).toBe(before);
    expect(existsSync("/tmp/snakebridge-pwn.txt")).toBe(false);
    expect(readFileSync(join(workspace, "inside.txt"), "utf8")).toBe("inside");
    // Controls: writing through a link that stays inside writes its target and keeps the link.
    await client.request("workspace.write", { path: "link-inside", text: "updated" });
    expect(readFileSync(join(workspace, "inside.txt"), "utf8")).toBe("updated");
    expect(await client.request("workspace.write", { path: "..notes.txt", text: "fine" })).toMatchObject({
      path: "..notes.txt",
    });
    expect(newProblems()).toEqual([]);
  });
});

/** Opens an authenticated raw socket (101), for frame-level attacks. */
async function rawSocket(): Promise<NonNullable<RawReply["socket"]>> {
  const reply = await rawExchange(port, httpRequest(`/api/socket?token=${token}`, upgradeHeaders({ Host: host })));
  if (reply.status !== 101 || !reply.socket) throw new Error(`upgrade failed: HTTP ${reply.status}`);
  return reply.socket;
}

/** Sends `bytes` on a fresh socket; refused when the host closes with one of `codes` (or answers `expectText`). */
async function playFrame(name: string, bytes: Buffer, accept: (outcome: FrameOutcome) => boolean): Promise<void> {
  const before = internalFailures();
  const socket = await rawSocket();
  socket.on("error", () => undefined);
  socket.write(bytes);
  // Host events (pool.changed, ...) go to every client; they are not the answer to this frame.
  let outcome = await nextServerFrame(socket, 1_000);
  while (outcome.kind === "text" && outcome.text.startsWith('{"kind":"event"'))
    outcome = await nextServerFrame(socket, 1_000);
  socket.destroy();
  let verdict: Verdict = accept(outcome) ? "refused" : "accepted";
  if (internalFailures() > before) verdict = "crashed";
  tally.record(name, verdict, JSON.stringify(outcome).slice(0, 160));
}

const closedWith =
  (...codes: number[]) =>
  (outcome: FrameOutcome): boolean =>
    outcome.kind === "closed" && codes.includes(outcome.code);
const answeredBadRequest = (outcome: FrameOutcome): boolean =>
  outcome.kind === "text" && /"code":"bad_request"/.test(outcome.text);

describe("malformed frames and oversize messages", () => {
  it("closes on protocol violations and answers malformed messages without running them", async () => {
    const text = (payload: string | Buffer): Buffer =>
      frame({ opcode: 0x1, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload) });
    const violations: [string, Buffer, (outcome: FrameOutcome) => boolean][] = [
      ["unmasked client frame", frame({ opcode: 0x1, payload: Buffer.from("{}"), mask: false }), closedWith(1002)],
      ["reserved bits set", frame({ opcode: 0x1, payload: Buffer.from("{}"), rsv: 0b100 }), closedWith(1002)],
      ["reserved opcode 0x3", frame({ opcode: 0x3, payload: Buffer.from("x") }), closedWith(1002)],
      ["reserved control opcode 0xB", frame({ opcode: 0xb }), closedWith(1002)],
      ["fragmented ping", frame({ opcode: 0x9, fin: false }), closedWith(1002)],
      ["ping longer than 125 bytes", frame({ opcode: 0x9, payload: Buffer.alloc(200) }), closedWith(1002)],
      ["continuation with nothing to continue", frame({ opcode: 0x0, payload: Buffer.from("x") }), closedWith(1002)],
      ["invalid UTF-8 in a text frame", text(Buffer.from([0xc3, 0x28, 0xff])), closedWith(1007)],
      ["binary frame", frame({ opcode: 0x2, payload: Buffer.from("{}") }), closedWith(1003)],
      ["text that is not JSON", text("{not json"), closedWith(1007)],
      [
        "JSON nested 100 000 deep",
        text(`${"[".repeat(100_000)}${"]".repeat(100_000)}`),
        (o) => o.kind === "closed" || o.kind === "silent",
      ],
      ["a frame claiming 1 TiB", frame({ opcode: 0x1, claimedLength: 1n << 40n }), closedWith(1009)],
      [
        "a frame claiming 2^63-1 bytes",
        frame({ opcode: 0x1, claimedLength: (1n << 63n) - 1n }),
        closedWith(1009, 1002),
      ],
      [
        "a frame claiming 64 MiB + 1",
        frame({ opcode: 0x1, claimedLength: 64n * 1024n * 1024n + 1n }),
        closedWith(1009),
      ],
      [
        "request with a string id",
        text(JSON.stringify({ kind: "request", id: "1", method: "host.status", params: {} })),
        (o) => o.kind === "silent",
      ],
      [
        "request with a fractional id",
        text(JSON.stringify({ kind: "request", id: 1.5, method: "host.status", params: {} })),
        answeredBadRequest,
      ],
      [
        "request with an unsafe integer id",
        text(JSON.stringify({ kind: "request", id: 2 ** 60, method: "host.status", params: {} })),
        answeredBadRequest,
      ],
      ["request without a method", text(JSON.stringify({ kind: "request", id: 7 })), answeredBadRequest],
      [
        "request with a numeric method",
        text(JSON.stringify({ kind: "request", id: 7, method: 42 })),
        answeredBadRequest,
      ],
      [
        "unknown method",
        text(JSON.stringify({ kind: "request", id: 7, method: "process.spawn", params: {} })),
        answeredBadRequest,
      ],
      [
        "prototype method name",
        text(JSON.stringify({ kind: "request", id: 7, method: "__proto__", params: {} })),
        answeredBadRequest,
      ],
      [
        "constructor method name",
        text(JSON.stringify({ kind: "request", id: 7, method: "constructor", params: {} })),
        answeredBadRequest,
      ],
      [
        "params of the wrong type",
        text(JSON.stringify({ kind: "request", id: 7, method: "workspace.read", params: "x" })),
        answeredBadRequest,
      ],
      [
        "params null",
        text(JSON.stringify({ kind: "request", id: 7, method: "workspace.read", params: null })),
        answeredBadRequest,
      ],
      [
        "path of the wrong type",
        text(JSON.stringify({ kind: "request", id: 7, method: "workspace.read", params: { path: ["a"] } })),
        answeredBadRequest,
      ],
      [
        "a 1 MiB path",
        text(
          JSON.stringify({
            kind: "request",
            id: 7,
            method: "workspace.read",
            params: { path: "a/".repeat(512 * 1024) },
          }),
        ),
        answeredBadRequest,
      ],
      ["unknown message kind", text(JSON.stringify({ kind: "shutdown", id: 7 })), answeredBadRequest],
      ["JSON null", text("null"), (o) => o.kind === "silent"],
      ["JSON array", text("[1,2,3]"), (o) => o.kind === "silent"],
      ["JSON number", text("42"), (o) => o.kind === "silent"],
      ["cancel of an unknown id", text(JSON.stringify({ kind: "cancel", id: 999 })), (o) => o.kind === "silent"],
      [
        "__proto__ pollution attempt",
        text('{"__proto__":{"polluted":true},"kind":"request","id":8,"method":"no.such","params":{}}'),
        answeredBadRequest,
      ],
    ];
    for (const [name, bytes, accept] of violations) await playFrame(name, bytes, accept);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(newProblems()).toEqual([]);
  });

  it("refuses oversize HTTP requests", async () => {
    await playHttp(
      "a 100 KiB URL",
      httpRequest(`/?token=${"a".repeat(100 * 1024)}`, { Host: host }),
      status(431, 414, 400),
    );
    await playHttp(
      "a 40 KiB Authorization header",
      httpRequest("/", { Host: host, Authorization: `token ${"a".repeat(40 * 1024)}` }),
      status(431, 400),
    );
    await playHttp(
      "a 40 KiB Cookie header",
      httpRequest("/", { Host: host, Cookie: `snakebridge-token-${port}=${"a".repeat(40 * 1024)}` }),
      status(431, 400),
    );
    await playHttp(
      "2000 headers",
      httpRequest("/", { Host: host, ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`X-H${i}`, "x"])) }),
      status(431, 400, 401),
    );
    await playHttp(
      "garbage instead of HTTP",
      Buffer.from("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n", "latin1"),
      status(400),
    );
    expect(newProblems()).toEqual([]);
  });

  it("still serves a well-behaved client after all of that", async () => {
    const fresh = await WorkbenchTestClient.connect(`http://${host}`, token);
    expect((await fresh.request("host.status", {})).state).toBe("ready");
    await fresh.close();
    expect((await client.request("console.eval", { session: "security", code: "1 + 1" })).status).toBe("ok");
  });
});

describe("token hunt over /proc", () => {
  it("finds the session token in no descendant's argv or environment, the browser opener included", async () => {
    // A grandchild started by user code, so the hunt covers what a cell can spawn too.
    await client.request("console.eval", {
      session: "hunt",
      code: "import subprocess\n_sleeper = subprocess.Popen(['sleep', '60'])",
    });
    await waitFor("the fake xdg-open", () => (existsSync(xdgRecord) ? true : undefined), 10_000);
    const argv = readFileSync(xdgRecord, "utf8").split("\0").filter(Boolean);
    expect(argv[1]).toMatch(/^file:\/\/.*\/open\.html$/);
    expect(argv.join(" ")).not.toContain(token);
    // The redirect file carries the URL, privately: 0600 in a 0700 folder.
    expect(readFileSync(`${xdgRecord}.html`, "utf8")).toContain(`token=${token}`);
    expect(readFileSync(`${xdgRecord}.mode`, "utf8").trim()).toBe("600");
    expect(readFileSync(`${xdgRecord}.dirmode`, "utf8").trim()).toBe("700");

    const processes = descendantsOf(process.pid);
    const kinds = processes.map((p) => p.cmdline).join("\n");
    expect(kinds).toMatch(/snakebridge_worker\.forkserver/); // the fork template
    expect(kinds).toMatch(/sleep 60/); // the fake browser and the cell's grandchild
    expect(processes.filter((p) => /sleep 60/.test(p.cmdline)).length).toBeGreaterThanOrEqual(2);
    for (const view of processes) {
      const leaks = [
        view.cmdline.includes(token) ? "argv" : "",
        view.environ.some((entry) => entry.includes(token)) ? "environ" : "",
        view.environ.some((entry) => entry.startsWith("SNAKEBRIDGE_WORKER_TOKEN=")) ? "a worker token in environ" : "",
      ].filter(Boolean);
      tally.record(
        `read /proc/${view.pid} (${view.cmdline.slice(0, 50)})`,
        leaks.length === 0 ? "refused" : "accepted",
        leaks.join(", "),
      );
    }
    await client.request("console.eval", { session: "hunt", code: "_sleeper.kill(); _sleeper.wait()" });
    expect(newProblems()).toEqual([]);
  });

  it("passes a spawned worker its token through a pipe, not the environment", async () => {
    const bridge = await PythonBridge.start({ poolSize: 1, startMode: "spawn", cwd: workspace });
    try {
      expect(await bridge.call("math.sqrt", [16])).toBe(4);
      const workers = descendantsOf(process.pid).filter((p) => /-m snakebridge_worker --token-fd 3/.test(p.cmdline));
      expect(workers.length).toBeGreaterThanOrEqual(1);
      for (const worker of workers) {
        const leaked = worker.environ.some((entry) => entry.startsWith("SNAKEBRIDGE_WORKER_TOKEN="));
        tally.record(
          `read /proc/${worker.pid}/environ of a spawned worker`,
          leaked ? "accepted" : "refused",
          leaked ? "SNAKEBRIDGE_WORKER_TOKEN in environ" : "",
        );
      }
    } finally {
      await bridge.dispose();
    }
    expect(newProblems()).toEqual([]);
  });
});

describe("totals", () => {
  it("refuses every hostile input, at least 100, and nothing crashed", () => {
    expect(tally.inputs).toBeGreaterThanOrEqual(100);
    expect(tally.crashed).toBe(0);
    expect(tally.refused).toBe(tally.inputs);
  });
});
