// `snakebridge audit verify LOG`: checks an audit log's hash chain.
import { verifyAuditLog } from "../../integration/fabric/audit-log.js";
import { parseArgs } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";

export const auditCommand: CliCommand = {
  name: "audit",
  summary: "Verify the hash chain of an enforce-mode audit log",
  usage: `Usage: snakebridge audit verify LOG [--json]

Checks every line of an audit log written in enforce mode (--allow ... --audit LOG): each line's hash covers its
content and the previous line's hash, so an edited, inserted or removed line breaks the chain. Exit code 0 when
the chain holds, 1 when it does not (the first broken line is printed).

  --json   print {"ok": ..., "records": N, "line": N, "problem": "..."}`,
  async run(args, io) {
    const parsed = parseArgs(args, { json: "boolean" });
    const [verb, file, ...rest] = parsed.positionals;
    if (verb !== "verify")
      throw new UsageError(
        verb ? `unknown audit action "${verb}"; expected: verify` : "missing the action: snakebridge audit verify LOG",
      );
    if (!file) throw new UsageError("missing the audit log to verify");
    if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
    const result = await verifyAuditLog(file);
    if (parsed.flags.has("json")) {
      io.stdout.write(JSON.stringify(result) + "\n");
    } else if (result.ok) {
      io.stdout.write(`${file}: chain intact, ${result.records} record(s)\n`);
    } else {
      io.stdout.write(
        `${file}: chain BROKEN at line ${String(result.line)}: ${String(result.problem)} (${result.records} record(s) verified before it)\n`,
      );
    }
    return result.ok ? 0 : 1;
  },
};
