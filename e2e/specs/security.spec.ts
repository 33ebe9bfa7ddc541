import { request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import { expect, test } from "../fixtures.js";
import { hostUrl } from "../environment.js";

/** Attempts the WebSocket upgrade at `path`; resolves with the HTTP status (101 = accepted). */
function upgradeStatus(origin: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${origin}${path}`, {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
      },
    });
    request.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    request.end();
  });
}

test("the host refuses the page and the API socket without the session token", async ({ mode, playwright }) => {
  test.skip(mode === "electron", "The token guards the web transport; Electron talks over IPC.");
  const url = new URL(hostUrl());
  const token = url.searchParams.get("token") ?? "";
  expect(token, "the printed URL carries no token").not.toBe("");

  expect(await upgradeStatus(url.origin, "/api/socket"), "the API socket opened without a token").toBe(401);
  expect(await upgradeStatus(url.origin, "/api/socket?token=not-the-token"), "the API socket opened with a wrong token").toBe(401);
  expect(await upgradeStatus(url.origin, `/api/socket?token=${encodeURIComponent(token)}`), "the API socket refused the right token").toBe(101);

  const api = await playwright.request.newContext();
  const page = await api.get(`${url.origin}/`);
  expect(page.status(), "the workbench page was served without a token").toBe(401);
  expect(await page.text()).toContain("token");
  await api.dispose();
});
