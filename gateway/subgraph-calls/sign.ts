import { IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodeIdentity, signature } from "../../kit/identity";
import type { Wrapper } from "./call";
import { bodyOf } from "./calls";

/**
 * Units trust only the gateway: each request carries the caller's verified
 * identity and an HMAC over that identity, a timestamp and the exact body on
 * the wire (kit/identity.ts), which the unit checks before it reads anything.
 * It sits inside retry.ts, so every attempt is signed afresh, and only in
 * the gateway's own chain: a data source of the user's (wrap.ts) writes its
 * own body, so nothing here could sign it.
 */
export function sign(secret: string): Wrapper {
  return (next) => (call) => {
    const body = call.body ?? bodyOf(call);
    const identity = encodeIdentity(call.context?.identity ?? null);
    const timestamp = String(Date.now());
    return next({
      ...call,
      body,
      headers: { ...call.headers, [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(secret, identity, timestamp, body) },
    });
  };
}
