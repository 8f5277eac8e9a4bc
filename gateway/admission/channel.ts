import { headerValue } from "../../kit/http";
import type { AdmissionStep } from "./step";

/**
 * `x-channel` must be a value of the served schema's `Channel` enum, read
 * from whatever supergraph is served now (the gateway knows no channel by
 * name). No header is fine; a schema without the enum checks nothing.
 */
export function channel(allowed: () => ReadonlySet<string> | null): AdmissionStep {
  return ({ info }) => {
    const value = headerValue(info.headers["x-channel"]);
    const channels = allowed();
    if (value === undefined || !channels || channels.has(value)) return undefined;
    return { status: 400, code: "BAD_REQUEST", message: `x-channel must be one of ${[...channels].join(", ")}; got "${value}"` };
  };
}
