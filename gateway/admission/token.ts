import { SignJWT } from "jose";
import { DEV_JWT_SECRET, type GatewayConfig } from "../config";
import type { Role } from "../../kit/identity";

/**
 * Development tokens for the demo data, signed with the gateway's HS256
 * secret (`npm run token`, GraphiQL's examples, the tests). A production
 * gateway verifies tokens from the identity provider's JWKS instead, and
 * refuses the development secret.
 */
export async function mintToken(config: GatewayConfig, claims: { role: Role; sub: string; ttlSeconds?: number; expiresAt?: number }): Promise<string> {
  const jwt = new SignJWT({ role: claims.role }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(claims.sub).setIssuer(config.GATEWAY_JWT_ISSUER).setAudience(config.GATEWAY_JWT_AUDIENCE).setIssuedAt();
  jwt.setExpirationTime(claims.expiresAt ?? Math.floor(Date.now() / 1000) + (claims.ttlSeconds ?? 8 * 3600));
  return jwt.sign(new TextEncoder().encode(config.GATEWAY_JWT_SECRET));
}

/** Whether this gateway runs on the development secrets, where demo tokens are harmless. */
export function onDevelopmentSecrets(config: GatewayConfig): boolean {
  return config.NODE_ENV !== "production" && config.GATEWAY_JWKS_URL === "" && config.GATEWAY_JWT_SECRET === DEV_JWT_SECRET;
}
