import type { IncomingMessage, ServerResponse } from "node:http";
import { type RequestInfo, sendError } from "../../kit/http";
import type { Identity } from "../../kit/identity";
import type { GatewayConfig } from "../config";
import { createAuthenticator } from "./auth";
import { channel } from "./channel";
import { identity } from "./identity";
import { PersistedOperations, persistedOperations } from "./persisted";
import { type CallerBudget, RateLimiter, rateLimit } from "./rate-limit";
import type { Admission, AdmissionStep } from "./step";
import { tokenLimit } from "./token-limit";

export interface AdmissionChain {
  /** The HTTP front's guard: false once the request has been refused (and answered). */
  guard(req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<boolean>;
  /** The verified caller of an admitted request (null for anonymous). */
  identityOf(info: RequestInfo): Identity | null;
}

/**
 * What a request must pass before Apollo parses it, in order; the one place
 * the order is decided, cheapest and most telling first:
 *
 * - channel: a header compared with a set, no work at all;
 * - identity: the token verified, so every later step knows the caller;
 * - rate limit: per caller, before any work a flood would make us do;
 * - token limit: counts the document's tokens, stopping at the limit;
 * - persisted operations (when on): only allow-listed documents run.
 *
 * Limits that need the parsed document and the schema (depth, aliases,
 * directives, cost) are validation rules, in protection.ts.
 *
 * `budgets` is where callers' rate-limit budgets are kept: in Redis when
 * replicas share them (shared-rate-limit.ts), else in this process.
 */
export function gatewayAdmission(config: GatewayConfig, channels: () => ReadonlySet<string> | null, budgets: CallerBudget = new RateLimiter(config.GATEWAY_RATE_LIMIT_PER_MINUTE, config.GATEWAY_RATE_LIMIT_BURST)): AdmissionChain {
  return admissionChain([
    channel(channels),
    identity(createAuthenticator(config)),
    rateLimit(budgets, config.GATEWAY_RATE_LIMIT_PER_MINUTE),
    tokenLimit(config.GATEWAY_MAX_TOKENS),
    ...(config.GATEWAY_PERSISTED_OPERATIONS ? [persistedOperations(new PersistedOperations(config.GATEWAY_PERSISTED_OPERATIONS))] : []),
  ]);
}

/** Runs `steps` in order; the first refusal answers the request. */
export function admissionChain(steps: readonly AdmissionStep[]): AdmissionChain {
  const identities = new WeakMap<RequestInfo, Identity | null>();
  return {
    async guard(_req, res, info) {
      const request: Admission = { info, identity: null };
      for (const step of steps) {
        const refusal = await step(request);
        if (refusal) {
          sendError(res, refusal.status, refusal.code, refusal.message, refusal.headers);
          return false;
        }
      }
      identities.set(info, request.identity);
      return true;
    },
    identityOf: (info) => identities.get(info) ?? null,
  };
}
