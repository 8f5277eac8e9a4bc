import type { ServerResponse } from "node:http";
import type { RequestInfo } from "../../kit/http";
import type { Admission } from "../../gateway/admission/step";

/** A request as the HTTP front hands it to the admission chain: a POST with `body`, or a GET with `search`. */
export function requestInfo(options: { headers?: Record<string, string>; body?: unknown; search?: string; remoteAddress?: string } = {}): RequestInfo {
  return {
    requestId: "r1",
    headers: options.headers ?? {},
    rawBody: options.body === undefined ? "" : JSON.stringify(options.body),
    body: options.body,
    url: new URL(`http://gateway.test/graphql${options.search ?? ""}`),
    remoteAddress: options.remoteAddress ?? "192.0.2.1",
  };
}

export function admissionOf(options: Parameters<typeof requestInfo>[0] = {}): Admission {
  return { info: requestInfo(options), identity: null };
}

/** What a guard answered, written into a stand-in for the HTTP response. */
export function recordedResponse(): { res: ServerResponse; sent: () => { status: number; headers: Record<string, unknown>; body: any } | undefined } {
  let sent: { status: number; headers: Record<string, unknown>; body: any } | undefined;
  let head: { status: number; headers: Record<string, unknown> } | undefined;
  const res = {
    writeHead(status: number, headers: Record<string, unknown>) {
      head = { status, headers };
      return res;
    },
    end(text: string) {
      sent = { ...head!, body: JSON.parse(text) };
    },
  };
  return { res: res as unknown as ServerResponse, sent: () => sent };
}
