// Secrets bound by a manifest through a real bridge and worker: resolved at call time from the environment,
// redacted from reprs, results, errors, tracebacks, worker output and the audit log; a missing variable is a
// clear error naming it.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PyHandle, PythonBridge, PythonError } from "../../bridge/index.js";
import { parseManifest } from "../manifest/load-manifest.js";
import { AuditLog } from "./audit-log.js";
import { auditObserver } from "./audit-observer.js";
import { allowPolicyOf } from "./manifest-allowlist.js";
import { SecretBindings } from "./secrets.js";

const SECRET = "sk-live-7f3a9c0e5b2d";
const moduleName = `sbsecret_${process.pid}`;
const env: NodeJS.ProcessEnv = { SB_TEST_API_KEY: SECRET };
let work: string;
let bridge: PythonBridge;
let audit: AuditLog;
const output: string[] = [];

const manifestText = `version: 1
integrations:
  - package: ${moduleName}
    entrypoints:
      functions: [whoami, needs_other]
      classes: [Client]
    bind:
      Client:
        api_key: \${env:SB_TEST_API_KEY}
        region: eu-west-1
      whoami:
        token: \${env:SB_TEST_API_KEY}
      needs_other:
        token: \${env:SB_TEST_UNSET_VARIABLE}
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sb-secrets-"));
  await writeFile(
    join(work, `${moduleName}.py`),
    [
      "class Client:",
      "    def __init__(self, api_key, region='us'):",
      "        self.api_key = api_key",
      "        self.region = region",
      "    def __repr__(self):",
      "        return f'Client(api_key={self.api_key!r}, region={self.region!r})'",
      "    def fail(self):",
      "        raise RuntimeError(f'authentication failed for key {self.api_key}')",
      "    def chatter(self):",
      "        print(f'connecting with {self.api_key}', flush=True)",
      "        return self.region",
      "    def key(self):",
      "        return {'key': self.api_key, 'keys': [self.api_key]}",
      "def whoami(token):",
      "    return f'token={token}'",
      "def needs_other(token):",
      "    return token",
      "",
    ].join("\n"),
  );
  const loaded = parseManifest(manifestText, join(work, "client.yaml"));
  audit = await AuditLog.open(join(work, "audit.jsonl"));
  bridge = await PythonBridge.start({
    poolSize: 1,
    env: { PYTHONPATH: work },
    allow: allowPolicyOf([loaded]),
    observer: auditObserver(audit),
    bind: new SecretBindings([loaded], env),
  });
  bridge.onWorkerOutput((_worker, _stream, text) => output.push(text));
}, 60_000);

afterAll(async () => {
  await bridge?.dispose();
  await audit?.close().catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

describe("manifest bind: with ${env:NAME}", () => {
  it("binds the secret at call time, and redacts it from the handle's repr", async () => {
    const client = await bridge.construct(`${moduleName}.Client`);
    expect(client).toBeInstanceOf(PyHandle);
    expect(client.repr).toBe("Client(api_key='[redacted:SB_TEST_API_KEY]', region='eu-west-1')");
    expect(await bridge.callMethod(client, "chatter")).toBe("eu-west-1"); // the literal binding arrived too
  });

  it("redacts results, nested values included", async () => {
    expect(await bridge.call(`${moduleName}.whoami`)).toBe("token=[redacted:SB_TEST_API_KEY]");
    const client = await bridge.construct(`${moduleName}.Client`);
    expect(await bridge.callMethod(client, "key")).toEqual({
      key: "[redacted:SB_TEST_API_KEY]",
      keys: ["[redacted:SB_TEST_API_KEY]"],
    });
  });

  it("redacts error messages and tracebacks", async () => {
    const client = await bridge.construct(`${moduleName}.Client`);
    const error = await bridge.callMethod(client, "fail").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    const failure = error as PythonError;
    expect(failure.classification).toBe("runtime_error");
    expect(failure.pythonMessage).toBe("authentication failed for key [redacted:SB_TEST_API_KEY]");
    expect(failure.traceback).toContain("[redacted:SB_TEST_API_KEY]");
    expect(`${failure.message}\n${failure.traceback}\n${JSON.stringify(failure.toJSON())}`).not.toContain(SECRET);
  });

  it("redacts what the worker prints (the logs)", async () => {
    const client = await bridge.construct(`${moduleName}.Client`);
    await bridge.callMethod(client, "chatter");
    await new Promise((resolve) => setTimeout(resolve, 200)); // output travels on its own pipe
    const printed = output.join("");
    expect(printed).toContain("connecting with [redacted:SB_TEST_API_KEY]");
    expect(printed).not.toContain(SECRET);
  });

  it("names the missing environment variable and the manifest when it is not set", async () => {
    const error = await bridge.call(`${moduleName}.needs_other`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    expect((error as PythonError).pythonMessage).toMatch(/SB_TEST_UNSET_VARIABLE is not set/);
    expect((error as PythonError).pythonMessage).toContain("client.yaml");
  });

  it("keeps the secret out of the audit log (arguments are hashed, and bound ones are not among them)", async () => {
    await audit.flush();
    const text = await readFile(join(work, "audit.jsonl"), "utf8");
    expect(text).toContain(`${moduleName}.whoami`);
    expect(text).not.toContain(SECRET);
  });

  it("reads the variable at each call: a rotated secret is used and redacted under its new value", async () => {
    env.SB_TEST_API_KEY = "sk-live-rotated-000111";
    try {
      expect(await bridge.call(`${moduleName}.whoami`)).toBe("token=[redacted:SB_TEST_API_KEY]");
    } finally {
      env.SB_TEST_API_KEY = SECRET;
    }
  });
});
