import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestInfo } from "../../kit/http";
import type { AdmissionChain } from "../admission/chain";

/**
 * The admission chain (admission/chain.ts) run on one subscribe message of
 * a WebSocket, which has no HTTP response of its own: the chain's guard
 * answers a refusal on a response, so it is given one that only records
 * the status and the error it was sent. The message is then refused with
 * that error's code and text, exactly as an HTTP request would have been.
 */
export async function admitMessage(admission: AdmissionChain, info: RequestInfo): Promise<{ status: number; code: string; message: string } | null> {
  const recorded = { status: 0, body: "" };
  const response = {
    headersSent: false,
    setHeader: () => response,
    writeHead(status: number) {
      recorded.status = status;
      return response;
    },
    end(body?: string) {
      recorded.body = body ?? "";
      return response;
    },
  };
  const admitted = await admission.guard({ headers: info.headers } as IncomingMessage, response as unknown as ServerResponse, info);
  if (admitted) return null;
  try {
    const error = (JSON.parse(recorded.body) as { errors: { message: string; extensions: { code: string } }[] }).errors[0];
    return { status: recorded.status, code: error.extensions.code, message: error.message };
  } catch {
    return { status: recorded.status || 400, code: "BAD_REQUEST", message: "the subscription was not admitted" };
  }
}
