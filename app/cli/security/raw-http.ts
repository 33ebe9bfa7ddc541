// Speaks HTTP and WebSocket framing byte by byte, so tests can send what no well-behaved client would.
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";

/** An HTTP reply as read off the wire. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The socket, still open, when the reply was 101 Switching Protocols. */
  socket?: Socket;
}

/** Sends `request` (a full HTTP request, CRLFs included) to 127.0.0.1:port; resolves with the reply. */
export function rawExchange(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (error: Error | null, reply?: RawReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(reply!);
    };
    const timer = setTimeout(
      () => finish(new Error(`no complete reply within ${timeoutMs} ms (got ${data.length} bytes)`)),
      timeoutMs,
    );
    const tryParse = (ended: boolean): void => {
      const end = data.indexOf("\r\n\r\n");
      if (end === -1) {
        if (ended) finish(new Error(`connection closed without a reply (${data.length} bytes)`));
        return;
      }
      const [statusLine = "", ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = data.subarray(end + 4);
      if (status === 101) {
        socket.removeAllListeners("data");
        if (body.length > 0) socket.unshift(body);
        finish(null, { status, headers, body: "", socket });
        return;
      }
      const length = headers["content-length"] === undefined ? undefined : Number(headers["content-length"]);
      const chunked = /chunked/i.test(headers["transfer-encoding"] ?? "");
      if ((length !== undefined && body.length >= length) || ended) {
        finish(null, { status, headers, body: chunked ? dechunk(body) : body.toString("utf8") });
        socket.destroy();
      }
    };
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      tryParse(false);
    });
    socket.on("end", () => tryParse(true));
    socket.on("close", () => tryParse(true));
    socket.on("error", (error) => {
      // A reset after a complete reply is the server closing; before one, it is a failure.
      if (data.includes("\r\n\r\n")) tryParse(true);
      else finish(error);
    });
    socket.write(request);
  });
}

function dechunk(body: Buffer): string {
  let out = "";
  let text = body.toString("utf8");
  for (;;) {
    const line = text.indexOf("\r\n");
    if (line === -1) return out;
    const size = parseInt(text.slice(0, line), 16);
    if (!size) return out;
    out += text.slice(line + 2, line + 2 + size);
    text = text.slice(line + 2 + size + 2);
  }
}

/** A GET (or other method) request with exactly these headers; Connection: close is added unless given. */
export function httpRequest(
  target: string,
  headers: Record<string, string | string[] | undefined>,
  method = "GET",
): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "connection")) lines.push("Connection: close");
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** The headers of a WebSocket upgrade request (a fresh key each time). */
export function upgradeHeaders(
  extra: Record<string, string | string[] | undefined> = {},
): Record<string, string | string[] | undefined> {
  return {
    Connection: "Upgrade",
    Upgrade: "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
    ...extra,
  };
}

export interface FrameOptions {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** Client frames must be masked; false builds a protocol violation. */
  mask?: boolean;
  /** Sets RSV1..3 (no extension is negotiated, so any is a violation). */
  rsv?: number;
  /** Announce this length instead of the payload's (an oversize claim). */
  claimedLength?: bigint;
}

/** One WebSocket frame, as a client would (or should not) send it. */
export function frame(options: FrameOptions): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const mask = options.mask ?? true;
  const length = options.claimedLength ?? BigInt(payload.length);
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | options.opcode;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (mask ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ key[index % 4]!));
  return Buffer.concat([header, key, masked]);
}

/** What the server did after a frame: closed with a code, answered with text, or nothing within the wait. */
export type FrameOutcome =
  { kind: "closed"; code: number } | { kind: "text"; text: string } | { kind: "silent" } | { kind: "ended" };

/** Reads the server's next frame on an upgraded socket. */
export function nextServerFrame(socket: Socket, waitMs = 3_000): Promise<FrameOutcome> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    const done = (outcome: FrameOutcome): void => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", onClose);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 2) return;
      const opcode = data[0]! & 0x0f;
      let length = data[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (data.length < 4) return;
        length = data.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (data.length < 10) return;
        length = Number(data.readBigUInt64BE(2));
        offset = 10;
      }
      if (data.length < offset + length) return;
      const payload = data.subarray(offset, offset + length);
      if (opcode === 0x8) done({ kind: "closed", code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 });
      else if (opcode === 0x1) done({ kind: "text", text: payload.toString("utf8") });
      else data = data.subarray(offset + length); // ping/pong: keep reading
    };
    const onClose = (): void => done({ kind: "ended" });
    const timer = setTimeout(() => done({ kind: "silent" }), waitMs);
    socket.on("data", onData);
    socket.on("close", onClose);
  });
}
