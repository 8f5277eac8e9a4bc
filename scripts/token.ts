import { loadGatewayConfig } from "../gateway/config";
import { mintToken } from "../gateway/admission/token";
import { ROLES, type Role } from "../kit/identity";

/**
 * `npm run token -- --role agent`, `npm run token -- --role customer --sub
 * C000001`: a development token for the demo data, signed with the
 * gateway's configured HS256 secret.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
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

main();
