import { loadGatewayConfig } from "../gateway/config";
import { mintToken } from "../gateway/admission/token";
import { ROLES, type Role } from "../kit/identity";
import { answerHelp, usageError } from "./cli";

/**
 * `npm run token -- --role agent`, `npm run token -- --role customer --sub
 * C000001`: a development token for the demo data, signed with the
 * gateway's configured HS256 secret. The token alone on stdout, so
 * `TOKEN=$(npm run -s token -- --role agent)` holds nothing else.
 */
const USAGE = `usage: npm run token -- [--role customer|agent|partner] [--sub <subject>] [--ttl <seconds>]
A development token for the demo data, signed with the gateway's secret (GATEWAY_JWT_SECRET,
issuer and audience as the gateway is configured); the token alone is printed.
  --role   ${ROLES.join(", ")} (default agent)
  --sub    the subject; for a customer, their customer id (default C000001 for a customer, demo-<role> otherwise)
  --ttl    seconds until it expires (default 28800, 8 hours)
Uses the build in dist/ (npm start and npm run build make it).`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  answerHelp(USAGE);
  const role = (arg("role") ?? "agent") as Role;
  if (!ROLES.includes(role)) return usageError(`--role must be one of ${ROLES.join(", ")}`, USAGE);
  const ttlSeconds = Number(arg("ttl") ?? 8 * 3600);
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) return usageError("--ttl must be a positive number of seconds", USAGE);
  const sub = arg("sub") ?? (role === "customer" ? "C000001" : `demo-${role}`);
  process.stdout.write(`${await mintToken(loadGatewayConfig(process.env), { role, sub, ttlSeconds })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`token: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
