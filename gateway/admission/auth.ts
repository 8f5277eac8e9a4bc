import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from "jose";
import { type Identity, ROLES, type Role } from "../../kit/identity";
import type { GatewayConfig } from "../config";

/** A token the gateway will not accept: always a 401, never a silent downgrade to anonymous. */
export class AuthenticationError extends Error {}

export type Authenticator = (authorization: string | undefined) => Promise<Identity | null>;

/**
 * Verifies `Authorization: Bearer <JWT>` with jose: HS256 and a shared secret
 * in development, the identity provider's JWKS in production (jose caches the
 * key set and refetches it when a token names an unknown key id, which is
 * how rotation reaches us). Issuer, audience, expiry and clock skew are
 * checked. No header at all is anonymous.
 */
export function createAuthenticator(config: GatewayConfig): Authenticator {
  const jwks = config.GATEWAY_JWKS_URL ? createRemoteJWKSet(new URL(config.GATEWAY_JWKS_URL), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 }) : null;
  const secret = new TextEncoder().encode(config.GATEWAY_JWT_SECRET);
  const options = {
    issuer: config.GATEWAY_JWT_ISSUER,
    audience: config.GATEWAY_JWT_AUDIENCE,
    clockTolerance: config.GATEWAY_JWT_CLOCK_SKEW_S,
    algorithms: jwks ? ["RS256", "ES256", "PS256", "EdDSA"] : ["HS256"],
    requiredClaims: ["exp", "sub"],
  };

  // A token verified once stays good until its exp: the same header need not
  // be read and re-verified on every request of a session (kept by the whole
  // header, so a known one costs one lookup). Failures are never cached.
  const verified = new Map<string, { identity: Identity; until: number }>();
  return async (authorization) => {
    if (authorization === undefined || authorization === "") return null;
    const hit = verified.get(authorization);
    if (hit && Date.now() < hit.until) return hit.identity;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError("the Authorization header must be `Bearer <token>`");
    let payload: JWTPayload;
    try {
      payload = jwks ? (await jwtVerify(match[1], jwks as JWTVerifyGetKey, options)).payload : (await jwtVerify(match[1], secret, options)).payload;
    } catch (err) {
      verified.delete(authorization);
      throw new AuthenticationError(describe(err));
    }
    const identity = identityOf(payload);
    // Good until exp, without the clock-skew allowance: past it, jose decides again.
    if (verified.size >= MAX_CACHED_TOKENS) verified.clear();
    verified.set(authorization, { identity, until: (payload.exp as number) * 1000 });
    return identity;
  };
}

/** Bound on the verified-token cache; past it the cache starts over (a flood of fresh tokens cannot grow memory). */
const MAX_CACHED_TOKENS = 10_000;

function identityOf(payload: JWTPayload): Identity {
  const role = payload.role;
  if (typeof role !== "string" || !ROLES.includes(role as Role)) throw new AuthenticationError(`token has no valid role claim (one of ${ROLES.join(", ")})`);
  const subject = String(payload.sub);
  if (role === "customer") {
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(subject)) throw new AuthenticationError("a customer token's sub must be the enterprise customer id");
    return { role, subject, customerId: subject };
  }
  return { role: role as Role, subject };
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "token has expired";
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim "${err.claim}" is not acceptable: ${err.reason}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return "token signature is not valid";
  if (err instanceof errors.JOSEAlgNotAllowed) return "token is signed with an algorithm this gateway does not accept";
  if (err instanceof errors.JWKSNoMatchingKey) return "token is signed with a key the identity provider does not publish";
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return "token is malformed";
  return "token could not be verified";
}
