// A throwaway CA and a worker certificate for 127.0.0.1 (and worker.test), made with openssl for TLS tests.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths in a fresh temp folder: ca.pem, cert.pem/key.pem signed by it, and other.pem, an unrelated CA. */
export interface TestCertificates {
  dir: string;
  ca: string;
  cert: string;
  key: string;
  otherCa: string;
}

/** Makes the certificates (RSA 2048, valid one day). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "sb-tls-test-"));
  const ssl = (...args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  };
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=test-ca",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=other-ca",
    "-keyout",
    "other.key",
    "-out",
    "other.pem",
  );
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=worker", "-keyout", "key.pem", "-out", "worker.csr");
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:worker.test\n");
  ssl(
    "x509",
    "-req",
    "-in",
    "worker.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
    "-out",
    "cert.pem",
  );
  return {
    dir,
    ca: join(dir, "ca.pem"),
    cert: join(dir, "cert.pem"),
    key: join(dir, "key.pem"),
    otherCa: join(dir, "other.pem"),
  };
}
