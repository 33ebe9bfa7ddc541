// --ray, --ray-cpus and --ray-gpus as every worker-starting command reads them.
import { describe, expect, it } from "vitest";
import { parseArgs } from "./args.js";
import { placementOption, RAY_FLAGS } from "./ray-option.js";

describe("the --ray flags", () => {
  it("turns the CLI flags into a placement; --ray-cpus/--ray-gpus need --ray and a number", () => {
    const parse = (args: string[]) => placementOption(parseArgs(args, RAY_FLAGS));
    expect(parse([])).toEqual({});
    expect(parse(["--ray", "local", "--ray-gpus", "1", "--ray-cpus=0.5"])).toEqual({
      placement: { kind: "ray", address: "local", numGpus: 1, numCpus: 0.5 },
    });
    expect(() => parse(["--ray-gpus", "1"])).toThrow(/goes with --ray/);
    expect(() => parse(["--ray", "local", "--ray-gpus", "-1"])).toThrow(/number ≥ 0/);
    expect(() => parse(["--ray", "local", "--ray-cpus", "many"])).toThrow(/number ≥ 0/);
    expect(() => parse(["--ray", "nowhere"])).toThrow(/expected "local"/);
  });

  it("--ray-tls-dir names ca.pem, cert.pem and key.pem in that folder, and needs --ray", () => {
    const parse = (args: string[]) => placementOption(parseArgs(args, RAY_FLAGS));
    expect(parse(["--ray", "10.0.0.5:6379", "--ray-tls-dir", "/etc/sb-tls"])).toEqual({
      placement: {
        kind: "ray",
        address: "10.0.0.5:6379",
        tls: { ca: "/etc/sb-tls/ca.pem", cert: "/etc/sb-tls/cert.pem", key: "/etc/sb-tls/key.pem" },
      },
    });
    expect(() => parse(["--ray-tls-dir", "/etc/sb-tls"])).toThrow(/goes with --ray/);
  });
});
