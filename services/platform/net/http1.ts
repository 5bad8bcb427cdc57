/**
 * A minimal HTTP/1.1 exchange over a connected socket: one request with
 * `Connection: close`, the response head, and the body (Content-Length,
 * chunked or until close) read up to a byte cap, after which the socket is
 * dropped. Small on purpose: probes need a status, headers and the start of
 * a body, and owning the socket is what lets us connect to a checked IP.
 */
import type net from "node:net";
import { type Deadline, describeSocketError, OutboundError } from "./connect.ts";

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  truncated: boolean;
}

const MAX_HEAD_BYTES = 64 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function encodeRequest(
  method: string,
  target: string,
  headers: [string, string][],
  body: Uint8Array | null,
): Uint8Array {
  if (!TOKEN.test(method)) throw new OutboundError("protocol", `invalid method ${JSON.stringify(method)}`);
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of headers) {
    if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) {
      throw new OutboundError("protocol", `invalid header ${JSON.stringify(name)}`);
    }
    head += `${name}: ${value}\r\n`;
  }
  const headBytes = encoder.encode(head + "\r\n");
  if (!body || body.length === 0) return headBytes;
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes);
  out.set(body, headBytes.length);
  return out;
}

/**
 * Writes the request and reads one response. Resolves once the head is in
 * when `headOnly(status, headers)` says so (redirects), otherwise once the
 * body is complete or the cap is reached. Never destroys the socket itself.
 */
export function exchange(
  socket: net.Socket,
  request: Uint8Array,
  opts: { method: string; maxBodyBytes: number; headOnly: (status: number, headers: Headers) => boolean },
  deadline: Deadline,
): Promise<RawResponse> {
  const signal = deadline.signal;
  return new Promise((resolve, reject) => {
    let buffer: Uint8Array = new Uint8Array(0);
    let head: { status: number; headers: Headers } | null = null;
    let mode: "none" | "length" | "chunked" | "close" = "close";
    let remaining = 0;
    const chunks: Uint8Array[] = [];
    let bodyBytes = 0;
    let chunkState: "size" | "data" | "crlf" | "trailer" = "size";
    let finished = false;

    const finish = (error: unknown, truncated = false) => {
      if (finished) return;
      finished = true;
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
      socket.removeListener("close", onEnd);
      socket.removeListener("error", finish);
      signal.removeEventListener("abort", onAbort);
      if (error) return reject(describeSocketError(error));
      resolve({ status: head!.status, headers: head!.headers, body: concat(chunks, bodyBytes), truncated });
    };
    const onAbort = () => finish(deadline.error());
    const take = (bytes: Uint8Array): boolean => {
      const room = opts.maxBodyBytes - bodyBytes;
      const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
      if (kept.length) {
        chunks.push(kept);
        bodyBytes += kept.length;
      }
      if (bytes.length > room) {
        finish(null, true);
        return false;
      }
      return true;
    };

    const parseHead = (): boolean => {
      const end = indexOfHeadEnd(buffer);
      if (end < 0) {
        if (buffer.length > MAX_HEAD_BYTES) finish(new OutboundError("protocol", "response head too large"));
        return false;
      }
      const lines = decoder.decode(buffer.subarray(0, end)).split("\r\n");
      buffer = buffer.subarray(end + 4);
      const statusMatch = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0]);
      if (!statusMatch) {
        finish(new OutboundError("protocol", "not an HTTP/1.x response"));
        return false;
      }
      const status = Number(statusMatch[1]);
      const headers = new Headers();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        try {
          headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        } catch {
          // A header Headers refuses (odd bytes) is not something a probe needs.
        }
      }
      if (status >= 100 && status < 200) return true;
      head = { status, headers };
      if (opts.headOnly(status, headers)) {
        finish(null);
        return false;
      }
      const length = headers.get("content-length");
      if (opts.method === "HEAD" || status === 204 || status === 304) mode = "none";
      else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) mode = "chunked";
      else if (length !== null && /^\d+$/.test(length)) [mode, remaining] = ["length", Number(length)];
      else mode = "close";
      return true;
    };

    const parseBody = (): void => {
      if (mode === "none" || (mode === "length" && remaining === 0)) return finish(null);
      if (mode === "close") {
        if (take(buffer)) buffer = new Uint8Array(0);
        return;
      }
      if (mode === "length") {
        const part = buffer.subarray(0, remaining);
        buffer = buffer.subarray(part.length);
        remaining -= part.length;
        if (take(part) && remaining === 0) finish(null);
        return;
      }
      while (!finished) {
        if (chunkState === "size" || chunkState === "crlf" || chunkState === "trailer") {
          const eol = indexOfCrlf(buffer);
          if (eol < 0) {
            if (buffer.length > 4096) finish(new OutboundError("protocol", "bad chunked encoding"));
            return;
          }
          const line = decoder.decode(buffer.subarray(0, eol));
          buffer = buffer.subarray(eol + 2);
          if (chunkState === "crlf") {
            chunkState = "size";
          } else if (chunkState === "trailer") {
            if (line === "") return finish(null);
          } else {
            const size = parseInt(line.split(";")[0].trim(), 16);
            if (!Number.isFinite(size) || size < 0) {
              return finish(new OutboundError("protocol", "bad chunked encoding"));
            }
            [chunkState, remaining] = size === 0 ? ["trailer", 0] : ["data", size];
          }
        } else {
          const part = buffer.subarray(0, remaining);
          buffer = buffer.subarray(part.length);
          remaining -= part.length;
          if (!take(part)) return;
          if (remaining > 0) return;
          chunkState = "crlf";
        }
      }
    };

    const onData = (data: Uint8Array) => {
      buffer = buffer.length ? concat([buffer, data], buffer.length + data.length) : new Uint8Array(data);
      while (!finished && !head) if (!parseHead()) return;
      if (!finished) parseBody();
    };
    const onEnd = () => {
      if (!head) return finish(new OutboundError("connect", "connection closed before a response"));
      if (mode === "close" || mode === "none") return finish(null);
      finish(new OutboundError("protocol", "connection closed in the middle of the body"));
    };

    if (signal.aborted) return finish(deadline.error());
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", finish);
    socket.write(request);
  });
}

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

function indexOfCrlf(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 13 && bytes[i + 1] === 10) return i;
  return -1;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && parts[0].length === length) return parts[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
