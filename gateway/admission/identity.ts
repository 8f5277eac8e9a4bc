import { headerValue } from "../../kit/http";
import { AuthenticationError, type Authenticator } from "./auth";
import type { AdmissionStep } from "./step";

/**
 * Who is asking: the bearer token verified (auth.ts), or anonymous when
 * there is none. A token that does not verify is a 401 saying why, never a
 * quiet downgrade to anonymous.
 */
export function identity(authenticate: Authenticator): AdmissionStep {
  return async (request) => {
    try {
      request.identity = await authenticate(headerValue(request.info.headers.authorization));
      return undefined;
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      return { status: 401, code: "UNAUTHENTICATED", message: `${err.message}; send no Authorization header to ask as an anonymous caller`, headers: { "www-authenticate": 'Bearer error="invalid_token"' } };
    }
  };
}
