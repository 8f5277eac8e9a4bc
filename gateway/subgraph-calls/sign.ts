import { IDENTITY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, encodedIdentity, signer } from "../../kit/identity";
import type { Wrapper } from "./call";
import { bodyOf } from "./calls";

/**
 * Units trust only the gateway: each request carries the caller's verified
 * identity and an HMAC over that identity, a timestamp and the exact body on
 * the wire (kit/identity.ts), which the unit checks before it reads anything.
 * It sits inside retry.ts, so every attempt is signed afresh, and only in
 * the gateway's own chain: a data source of the user's (wrap.ts) writes its
 * own body, so nothing here could sign it.
 *
 * The secret is made a key once per chain and each caller's identity encoded
 * once (the verified-token cache hands every request of a token the same
 * identity object): signing took 2.7 % of the gateway's CPU under the crowd
 * bench, most of it per fetch work that is the same for every fetch.
 */
export function sign(secret: string): Wrapper {
  const signature = signer(secret);
  return (next) => (call) => {
    const body = call.body ?? bodyOf(call);
    const identity = encodedIdentity(call.context?.identity ?? null);
    const timestamp = String(Date.now());
    return next({
      ...call,
      body,
      headers: { ...call.headers, [IDENTITY_HEADER]: identity, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(identity, timestamp, body) },
    });
  };
}
