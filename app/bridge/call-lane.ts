// The call lane: worker.proto's LaneFrame, length-prefixed, on a byte stream: a FIFO pair to a local worker, a TCP
// socket to a remote one (a Unix socket where a worker offers one).
//
// The hot path for calls. gRPC costs ~150 µs per small call (HTTP/2 framing, a thread hop in the worker); the
// lane carries the same CallRequest/CallResponse/CancelRequest messages with a 4-byte little-endian length
// prefix. Requests made in one event-loop tick leave in one frame (the worker answers them in one frame too).
// The lane is symmetric: the worker may send requests, answered through `onRequest` (issue 17's callbacks).
import { close, closeSync, constants, fstatSync, open } from "node:fs";
import { connect, Socket } from "node:net";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { ErrorClass } from "../../proto/generated/snakebridge/v1/errors.js";
import {
  LaneFrame,
  type CallRequest,
  type CallResponse,
  type CancelRequest,
} from "../../proto/generated/snakebridge/v1/worker.js";
import { describeError, ReleasingMap } from "../base/index.js";
import { configuredHostSpinUs, mayHoldLoop, pollClock, pollCpus, pollRead, PollWindow } from "./answer-poll.js";
import { PythonError } from "./python-error.js";
import { checkWorkerFile, isCheckedFile, type WorkerFileKind } from "./worker-files.js";

/**
 * Hears the outcome of one call sent on the fast path: its answer, or the failure of the connection. One object per
 * call (the batcher's own), where a promise would cost a promise, its two functions and a continuation per call.
 */
export interface AnswerReceiver {
  answered(response: CallResponse): void;
  failed(error: Error): void;
}

/** Answers a call the worker makes to the host; undefined sends no answer (nobody waits for it any more). */
export type LaneRequestHandler = (request: CallRequest) => Promise<CallResponse | undefined>;

const MAX_FRAME_BYTES = 1024 * 1024 * 1024 + 1024;
/**
 * A frame larger than this (a large ndarray, sent inline because a remote worker shares no /dev/shm) travels as
 * pieces of at most this size: the length prefix's top bit says "more pieces follow". The other side joins them
 * (lane.py does the same), so neither side sizes a read buffer on one claimed length beyond a piece.
 */
export const LANE_PIECE_BYTES = 4 * 1024 * 1024;
const MORE_PIECES = 0x80000000;

/** TLS for a lane on the network: the worker's certificate is verified against `ca` (PEM). */
export interface LaneTls {
  ca: string | Buffer;
  /** The name the certificate must carry, when it is not the address's host. */
  serverName?: string;
}
const READ_BUFFER_BYTES = 256 * 1024;
/** The largest frame whose encoding buffer is kept for the next frame. */
const REUSED_ENCODER_BYTES = 64 * 1024;
/** A local worker's lane: lane.in and lane.out, FIFOs in its private folder (python/.../rpc/fifo_lane.py). */
const LANE_FIFO: WorkerFileKind = { prefix: "lane.", kind: "fifo" };
/** Or lane.sock, a Unix socket in that folder (lane.py's start_lane, where a platform has no FIFOs). */
const LANE_SOCKET: WorkerFileKind = { prefix: "lane.", kind: "socket" };

/** Splits "fifo:/folder", "unix:/path/lane.sock" or "host:port" into where to connect. */
function socketOptions(address: string): { fifo: string } | { path: string } | { host: string; port: number } {
  if (address.startsWith("fifo:")) return { fifo: address.slice("fifo:".length) };
  if (address.startsWith("unix:")) return { path: address.slice("unix:".length) };
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[|\]$/g, "");
  return { host, port: Number(address.slice(colon + 1)) };
}

/** This process's open lanes: a poll for one lane's answer is weighed against the others (see #mayPoll). */
const openLanes = new Set<CallLane>();

/** A local lane's descriptor for its answers, polled after a call leaves (answer-poll.ts). */
interface AnswerPoll {
  fd: number;
  buffer: Buffer;
  window: PollWindow;
}

/** Reads land in one reused buffer instead of a fresh 64 KiB one per read; what is kept is copied (see receive). */
function reusedReadBuffer(receive: (bytes: Buffer) => void): {
  buffer: Buffer;
  callback: (bytes: number, buffer: Uint8Array) => boolean;
} {
  return {
    buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
    callback: (bytes, buffer) => {
      receive(Buffer.from(buffer.subarray(0, bytes)));
      return true;
    },
  };
}

/** Opens a FIFO end without blocking, retrying while the worker's end is not there yet. */
function openFifo(path: string, flags: number, deadline: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      // Only a FIFO in a worker's private folder: a worker (a remote one lying in its handshake) must not make the
      // host write frames into any other file.
      const checked = checkWorkerFile(path, LANE_FIFO);
      if ("refused" in checked) {
        // Missing: the worker is making a fresh pair (fifo_lane.py); it is checked again once it is there.
        if (checked.missing && Date.now() < deadline) setTimeout(attempt, 5);
        else reject(new Error(`${path} is not a worker's lane: ${checked.refused}`));
        return;
      }
      open(path, flags | constants.O_NONBLOCK | constants.O_NOFOLLOW, (error, fd) => {
        if (error === null) {
          let same: boolean;
          try {
            same = isCheckedFile(fstatSync(fd), checked);
          } catch (statError) {
            closeSync(fd);
            return reject(statError instanceof Error ? statError : new Error(String(statError)));
          }
          if (same) return resolve(fd);
          closeSync(fd);
          reject(new Error(`${path} is not a worker's lane: another file took its place after the host checked it`));
        }
        // ENXIO: the worker's reader is not open; ENOENT: the worker is making a fresh pair (fifo_lane.py).
        else if ((error.code === "ENXIO" || error.code === "ENOENT") && Date.now() < deadline) setTimeout(attempt, 5);
        else reject(error);
      });
    };
    attempt();
  });
}

/**
 * Opens a local worker's FIFO pair (python/snakebridge_worker/rpc/fifo_lane.py): lane.out first (the worker already
 * writes it, so it opens at once), then lane.in, which needs the worker's reader. Returns the two descriptors.
 */
async function openFifoPair(folder: string, timeoutMs: number): Promise<{ readFd: number; writeFd: number }> {
  const deadline = Date.now() + timeoutMs;
  const readFd = await openFifo(join(folder, "lane.out"), constants.O_RDONLY, deadline);
  try {
    return { readFd, writeFd: await openFifo(join(folder, "lane.in"), constants.O_WRONLY, deadline) };
  } catch (error) {
    close(readFd, () => undefined); // nothing to report: the open that failed is the error
    throw error;
  }
}

/** Waits for `socket` to emit `event` (connected), then makes the lane on it; fails on an error or after timeoutMs. */
function connected(
  socket: Socket,
  event: "connect" | "secureConnect",
  address: string,
  timeoutMs: number,
  makeLane: (socket: Socket) => CallLane,
): Promise<CallLane> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the worker's call lane at ${address} did not accept a connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(event, () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(makeLane(socket)); // at once: the lane's error listener replaces the one below
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not connect to the worker's call lane at ${address}: ${error.message}`));
    });
  });
}

/** One connection to a worker's call lane. */
export class CallLane {
  /** Where answers arrive, and where requests leave: one socket, or the two ends of a FIFO pair. */
  readonly #reader: Socket;
  readonly #writer: Socket;
  readonly #pending = new ReleasingMap<string, AnswerReceiver>();
  #outRequests: CallRequest[] = [];
  #outResponses: CallResponse[] = [];
  #outCancels: CancelRequest[] = [];
  #flushScheduled = false;
  /** Frames are encoded into one buffer, grown once to the usual frame's size instead of from 128 bytes each time. */
  #encoder = new BinaryWriter();
  #token: string;
  #closed: Error | undefined;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Bytes the incomplete frame at the head of #chunks needs in all (0: unknown until 4 bytes are in). */
  #needed = 0;
  /** Pieces of a frame still being received (see LANE_PIECE_BYTES). */
  #pieces: Buffer[] = [];
  #piecesSize = 0;
  readonly #answerPoll: AnswerPoll | undefined;
  /** When the host began its last poll for an answer that did not come within it (undefined: none since a read). */
  #unansweredSince: number | undefined;
  /** When a frame last came from the worker (its own poll for the next call runs for a while after it answers). */
  #heardAt = -Infinity;
  onRequest: LaneRequestHandler | undefined;
  /** The worker stopped waiting for one of its requests (its call was interrupted). */
  onCancel: ((callId: string) => void) | undefined;
  /** The worker dropped host function proxies (issue 17). */
  onRelease: ((id: string, count: number) => void) | undefined;
  /** The lane ended from the worker's side (it closed it, or the connection failed); not called after close(). */
  onLost: ((error: Error) => void) | undefined;

  private constructor(reader: Socket, writer: Socket, token: string, answerPoll?: AnswerPoll) {
    this.#reader = reader;
    this.#writer = writer;
    this.#token = token;
    this.#answerPoll = answerPoll;
    openLanes.add(this);
    for (const socket of reader === writer ? [reader] : [reader, writer]) {
      socket.on("error", (error) =>
        this.#lost(PythonError.bridge("worker_crashed", `the call lane failed: ${error.message}`)),
      );
      socket.on("close", () => this.#lost(PythonError.bridge("worker_crashed", "the worker closed its call lane")));
    }
    // The token goes at once (not with the first call): the worker may call the host before the host calls it
    // (a notebook cell using a host tool).
    this.#schedule();
  }

  /** Connects (over TLS when `tls` is given); the token travels in the first frame. */
  static async connect(address: string, token: string, timeoutMs: number, tls?: LaneTls): Promise<CallLane> {
    const lane: { current?: CallLane } = {};
    const receive = (bytes: Buffer): void => lane.current?.receive(bytes);
    const where = socketOptions(address);
    if ("host" in where) {
      // TLS sockets take no onread: reads arrive as "data" events (a remote worker's latency dwarfs that cost).
      const socket =
        tls === undefined
          ? connect({ ...where, onread: reusedReadBuffer(receive) })
          : connectTls({
              ...where,
              ca: tls.ca,
              ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
            }).on("data", receive);
      return connected(socket, tls === undefined ? "connect" : "secureConnect", address, timeoutMs, (ready) => {
        ready.setNoDelay(true);
        return (lane.current = new CallLane(ready, ready, token));
      });
    }
    if (tls !== undefined)
      throw new Error(
        `TLS was asked for the call lane at ${address}, which is local (${"fifo" in where ? "FIFOs" : "a Unix socket"}); ` +
          "TLS is for TCP workers",
      );
    if ("path" in where) {
      // As for FIFOs: a worker lying in its handshake must not make the host write frames into another socket.
      const checked = checkWorkerFile(where.path, LANE_SOCKET);
      if ("refused" in checked) throw new Error(`${where.path} is not a worker's lane: ${checked.refused}`);
      const socket = connect({ ...where, onread: reusedReadBuffer(receive) });
      return connected(
        socket,
        "connect",
        address,
        timeoutMs,
        (ready) => (lane.current = new CallLane(ready, ready, token)),
      );
    }
    const { readFd, writeFd } = await openFifoPair(where.fifo, timeoutMs).catch((error: unknown) => {
      throw new Error(`could not open the worker's call lane at ${address}: ${describeError(error)}`);
    });
    // The sockets and the lane in one go: the lane's error listeners are on before either can emit.
    const onread = reusedReadBuffer(receive);
    const reader = new Socket({ fd: readFd, readable: true, writable: false, onread });
    const writer = new Socket({ fd: writeFd, readable: false, writable: true });
    const spinUs = configuredHostSpinUs();
    // The poll shares the event loop's read buffer: both read on this thread, one at a time.
    const answerPoll =
      spinUs > 0 ? { fd: readFd, buffer: onread.buffer, window: new PollWindow(spinUs / 1000) } : undefined;
    lane.current = new CallLane(reader, writer, token, answerPoll);
    return lane.current;
  }

  /** Sends a call (in this tick's frame) and resolves with its answer. */
  call(request: CallRequest): Promise<CallResponse> {
    return new Promise((resolve, reject) => this.send(request, { answered: resolve, failed: reject }));
  }

  /** Sends a call (in this tick's frame); `receiver` hears its answer, or the lane's failure (never at once). */
  send(request: CallRequest, receiver: AnswerReceiver): void {
    const closed = this.#closed;
    if (closed !== undefined) {
      queueMicrotask(() => receiver.failed(closed));
      return;
    }
    this.#pending.set(request.callId, receiver);
    this.#outRequests.push(request);
    this.#schedule();
  }

  /** Interrupts a call on the worker (in this tick's frame). */
  cancel(callId: string): void {
    if (this.#closed) return;
    this.#outCancels.push({ callId, graceful: false });
    this.#schedule();
  }

  /** Forgets a call whose caller gave up, so a late answer is dropped. */
  abandon(callId: string): void {
    this.#pending.delete(callId);
  }

  /** How long this lane now polls for an answer, in ms (0: it does not; see answer-poll.ts). */
  get answerPollMs(): number {
    return this.#answerPoll?.window.currentMs ?? 0;
  }

  /** Closes the lane; calls still waiting fail with worker_crashed. */
  close(): void {
    this.#fail(PythonError.bridge("worker_crashed", "the worker connection was closed"));
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // After every promise continuation of this tick: the calls they issue share the frame.
    process.nextTick(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed) return;
    // create(): fields added to LaneFrame later get their defaults without this code knowing them.
    const frame = LaneFrame.create();
    frame.token = this.#token;
    frame.requests = this.#outRequests;
    frame.responses = this.#outResponses;
    frame.cancels = this.#outCancels;
    this.#token = "";
    this.#outRequests = [];
    this.#outResponses = [];
    this.#outCancels = [];
    const encoder = this.#encoder;
    encoder.fixed32(0); // placeholder for the length prefix; BinaryWriter has no way to patch, so rewrite below
    let body: Uint8Array;
    try {
      body = LaneFrame.encode(frame, encoder).finish(); // a copy: the encoder's buffer is written again next time
    } catch (error) {
      this.#encoder = new BinaryWriter(); // left mid-message
      // Values are checked when calls are made, so this is a bug; it must fail these calls, not the process (this
      // runs on the next tick, where a throw is uncaught). The frame is lost, so the lane goes with it.
      this.#lost(
        PythonError.bridge("internal", `the host could not encode a call lane frame: ${describeError(error)}`),
      );
      return;
    }
    // A large frame (an array inline) would keep its buffer's size for good: the next frame starts a fresh one.
    if (body.byteLength > REUSED_ENCODER_BYTES) this.#encoder = new BinaryWriter();
    const out = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const size = body.byteLength - 4;
    if (size <= LANE_PIECE_BYTES) {
      out.writeUInt32LE(size, 0);
      this.#writer.write(out);
      const poll = this.#answerPoll;
      if (poll !== undefined && this.#pending.size === 1) this.#pollForAnswer(poll);
      return;
    }
    this.#writer.cork();
    for (let offset = 4; offset < out.length; offset += LANE_PIECE_BYTES) {
      const piece = out.subarray(offset, offset + LANE_PIECE_BYTES);
      const header = Buffer.allocUnsafe(4);
      header.writeUInt32LE((piece.length | (offset + LANE_PIECE_BYTES < out.length ? MORE_PIECES : 0)) >>> 0, 0);
      this.#writer.write(header);
      this.#writer.write(piece);
    }
    this.#writer.uncork();
  }

  /** Polls for the answer of the one call awaited (see answer-poll.ts); the event loop waits meanwhile. */
  #pollForAnswer(poll: AnswerPoll): void {
    // A reader that has seen the end closes its descriptor before the lane hears of it: its number may already be
    // another file's. And a frame still partly unwritten cannot be answered yet.
    if (this.#reader.destroyed || this.#writer.writableLength > 0) return;
    const started = pollClock();
    if (!this.#mayPoll(started, poll.window.longestMs)) return;
    const windowMs = poll.window.currentMs;
    if (windowMs > 0) {
      if (!mayHoldLoop(started)) return; // the answer comes through the loop, which takes its turn
      const read = pollRead(poll.fd, poll.buffer, windowMs);
      if (read !== undefined) {
        // 0: the worker is gone; the event loop's reader sees the end too and fails the lane.
        if (read > 0) this.receive(Buffer.from(poll.buffer.subarray(0, read)));
        return;
      }
    }
    this.#unansweredSince = started;
  }

  /**
   * Whether the host may poll for this lane's one answer: only when no other lane awaits one (its answer would wait
   * behind the poll), and only with a CPU free for it. The host and the worker it waits for take one each, and so
   * does every other local worker that answered within the window, which is likely polling for its next call. Node
   * cannot yield its CPU between tries, so a poll beside more busy processes than CPUs would hold back a worker.
   */
  #mayPoll(now: number, windowMs: number): boolean {
    let busy = 2;
    for (const lane of openLanes) {
      if (lane === this) continue;
      if (lane.#pending.size > 0) return false;
      if (now - lane.#heardAt < windowMs) busy++;
    }
    return busy <= pollCpus;
  }

  /** Takes bytes read from the socket (owned by this lane: a copy of the read buffer). */
  receive(chunk: Buffer): void {
    const poll = this.#answerPoll;
    if (poll !== undefined) {
      this.#heardAt = pollClock();
      if (this.#unansweredSince !== undefined) {
        poll.window.woke(this.#heardAt - this.#unansweredSince);
        this.#unansweredSince = undefined;
      }
    }
    // Fast path: exactly one whole frame in this chunk.
    if (this.#buffered === 0 && chunk.length >= 4 && chunk.readUInt32LE(0) === chunk.length - 4) {
      this.#payload(chunk.subarray(4), false);
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    // A large frame arrives in many chunks: join them once it is complete, not on every chunk.
    if (this.#buffered < 4 || this.#buffered < this.#needed) return;
    let data = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#buffered);
    let offset = 0;
    this.#needed = 0;
    while (data.length - offset >= 4) {
      const prefix = data.readUInt32LE(offset);
      const more = prefix >= MORE_PIECES;
      const size = more ? prefix - MORE_PIECES : prefix;
      if (size > MAX_FRAME_BYTES || (more && size > LANE_PIECE_BYTES) || this.#piecesSize + size > MAX_FRAME_BYTES) {
        this.#fail(PythonError.bridge("internal", `the worker sent a frame of ${size} bytes, beyond the lane's limit`));
        return;
      }
      if (data.length - offset - 4 < size) {
        this.#needed = size + 4 - (data.length - offset);
        break;
      }
      this.#payload(data.subarray(offset + 4, offset + 4 + size), more);
      offset += 4 + size;
      if (this.#closed) return;
    }
    data = data.subarray(offset);
    this.#chunks = data.length > 0 ? [data] : [];
    this.#buffered = data.length;
    this.#needed += this.#buffered;
  }

  /** A frame, or a piece of one (more: further pieces follow). */
  #payload(bytes: Buffer, more: boolean): void {
    if (more) {
      this.#pieces.push(bytes);
      this.#piecesSize += bytes.length;
      return;
    }
    if (this.#pieces.length === 0) {
      this.#frame(bytes);
      return;
    }
    this.#pieces.push(bytes);
    const whole = Buffer.concat(this.#pieces, this.#piecesSize + bytes.length);
    this.#pieces = [];
    this.#piecesSize = 0;
    this.#frame(whole);
  }

  #frame(bytes: Uint8Array): void {
    const frame = LaneFrame.decode(bytes);
    for (const response of frame.responses) {
      const pending = this.#pending.get(response.callId);
      if (pending === undefined) continue; // the caller gave up and was already answered
      this.#pending.delete(response.callId);
      pending.answered(response);
    }
    for (const released of frame.releasedFunctions) this.onRelease?.(released.id, released.count);
    for (const cancel of frame.cancels) this.onCancel?.(cancel.callId);
    for (const request of frame.requests) this.#answer(request);
  }

  #answer(request: CallRequest): void {
    const handler = this.onRequest;
    const answered = handler
      ? handler(request)
      : Promise.reject(new Error(`the host serves no calls from Python (asked for ${request.target})`));
    answered
      .catch((error: unknown): CallResponse => ({
        callId: request.callId,
        outcome: {
          $case: "error",
          value: {
            type: "LookupError",
            module: "snakebridge",
            traceback: "",
            classification: ErrorClass.ERROR_CLASS_NOT_FOUND,
            message: error instanceof Error ? error.message : String(error),
          },
        },
        durationUs: 0n,
      }))
      .then(
        (response) => {
          if (this.#closed || response === undefined) return;
          this.#outResponses.push(response);
          this.#schedule();
        },
        () => undefined,
      );
  }

  #lost(error: Error): void {
    if (this.#closed) return;
    this.#fail(error);
    this.onLost?.(error);
  }

  #fail(error: Error): void {
    if (this.#closed) return;
    openLanes.delete(this);
    this.#closed = error;
    this.#reader.destroy();
    this.#writer.destroy();
    for (const pending of this.#pending.values()) pending.failed(error);
    this.#pending.clear();
  }
}
