import { SignJWT } from "jose";
import { type GatewayConfig, loadGatewayConfig } from "../gateway/config";
import { ROLES, type Role } from "../kit/identity";

/**
 * Development tokens for the demo data, signed with the gateway's HS256
 * secret: `npm run token -- --role agent`, `npm run token -- --role customer
 * --sub C000001`. A production gateway verifies tokens from the identity
 * provider's JWKS instead, and refuses the development secret.
 */
export async function mintToken(config: GatewayConfig, claims: { role: Role; sub: string; ttlSeconds?: number; expiresAt?: number }): Promise<string> {
  const jwt = new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(config.GATEWAY_JWT_ISSUER)
    .setAudience(config.GATEWAY_JWT_AUDIENCE)
    .setIssuedAt();
  jwt.setExpirationTime(claims.expiresAt ?? Math.floor(Date.now() / 1000) + (claims.ttlSeconds ?? 8 * 3600));
  return jwt.sign(new TextEncoder().encode(config.GATEWAY_JWT_SECRET));
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const role = (arg("role") ?? "agent") as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(", ")}\n`);
    process.exit(2);
  }
  const sub = arg("sub") ?? (role === "customer" ? "C000001" : `demo-${role}`);
  const ttlSeconds = Number(arg("ttl") ?? 8 * 3600);
  mintToken(loadGatewayConfig(process.env), { role, sub, ttlSeconds }).then(
    (token) => process.stdout.write(`${token}\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
