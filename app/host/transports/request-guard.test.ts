// The allow-lists as data: which Host and Origin values each way of binding accepts (no sockets needed;
// app/cli/security/security.test.ts plays them against a real server).
import { describe, expect, it } from "vitest";
import { RequestGuard, normalizeOrigin } from "./request-guard.js";

const token = "t0k3n";

describe("RequestGuard", () => {
  it("with --host 0.0.0.0 accepts the printed URL's host and loopback, with the served port only", () => {
    const guard = new RequestGuard({ host: "0.0.0.0", port: 8765, token, allowHosts: ["gpu-box.example"] });
    for (const host of ["0.0.0.0:8765", "127.0.0.1:8765", "localhost:8765", "[::1]:8765", "gpu-box.example:8765"]) {
      expect(guard.hostAllowed({ host }), host).toBe(true);
    }
    for (const host of [
      "0.0.0.0:8766",
      "10.0.0.5:8765",
      "gpu-box.example",
      "evil.example:8765",
      "gpu-box.example.evil:8765",
    ]) {
      expect(guard.hostAllowed({ host }), host).toBe(false);
    }
    expect(guard.origin({ origin: "http://gpu-box.example:8765" })).toBe("allowed");
    expect(guard.origin({ origin: "http://0.0.0.0:8765" })).toBe("allowed");
    expect(guard.origin({ origin: "https://gpu-box.example:8765" })).toBe("refused");
  });

  it("takes name:port for a tunnel's local end, and bare names with the served port", () => {
    const guard = new RequestGuard({
      host: "127.0.0.1",
      port: 8765,
      token,
      allowHosts: ["127.0.0.1:9000", "Box.Example"],
    });
    expect(guard.hostAllowed({ host: "127.0.0.1:9000" })).toBe(true);
    expect(guard.hostAllowed({ host: "box.example:8765" })).toBe(true);
    expect(guard.hostAllowed({ host: "box.example:9000" })).toBe(false);
    expect(guard.origin({ origin: "http://127.0.0.1:9000" })).toBe("allowed");
  });

  it("binds IPv6 loopback as [::1] and leaves out the port only for port 80", () => {
    expect(new RequestGuard({ host: "::1", port: 8765, token }).hostAllowed({ host: "[::1]:8765" })).toBe(true);
    const onDefaultPort = new RequestGuard({ host: "127.0.0.1", port: 80, token });
    expect(onDefaultPort.hostAllowed({ host: "127.0.0.1" })).toBe(true);
    expect(onDefaultPort.hostAllowed({ host: "localhost" })).toBe(true);
  });

  it("adds --allow-origin values in the form browsers send, and refuses anything that is not an origin", () => {
    const guard = new RequestGuard({
      host: "127.0.0.1",
      port: 8765,
      token,
      allowOrigins: ["HTTPS://Proxy.Example:443"],
    });
    expect(guard.origin({ origin: "https://proxy.example" })).toBe("allowed");
    expect(guard.origin({})).toBe("absent");
    expect(guard.origin({ origin: "null" })).toBe("refused");
    for (const bad of [
      "proxy.example",
      "https://proxy.example/path",
      "https://user@proxy.example",
      "null",
      "file:///tmp/x",
    ]) {
      expect(() => normalizeOrigin(bad), bad).toThrow(/is not an origin/);
    }
  });

  it("finds the token in the query, either Authorization scheme, or its own cookie among others", () => {
    const guard = new RequestGuard({ host: "127.0.0.1", port: 8765, token });
    const none = new URLSearchParams();
    expect(guard.tokenSource({}, new URLSearchParams(`token=wrong&token=${token}`))).toBe("query");
    expect(guard.tokenSource({ authorization: `Token ${token}` }, none)).toBe("header");
    expect(guard.tokenSource({ authorization: `bearer ${token}` }, none)).toBe("header");
    expect(guard.tokenSource({ cookie: `snakebridge-token-8765=stale; snakebridge-token-8765=${token}` }, none)).toBe(
      "cookie",
    );
    expect(guard.tokenSource({ cookie: `snakebridge-token-8766=${token}` }, none)).toBeNull();
    expect(guard.tokenSource({ authorization: `Basic ${token}` }, none)).toBeNull();
    expect(guard.sessionCookie()).toBe(`snakebridge-token-8765=${token}; Path=/; HttpOnly; SameSite=Strict`);
  });
});
