import { AuthenticationError, createAuthenticator } from "./auth";
import { loadGatewayConfig } from "../config";
import { mintToken } from "./token";

describe("the authenticator's verified-token cache", () => {
  const config = loadGatewayConfig({ GATEWAY_JWT_CLOCK_SKEW_S: "0" });
  afterEach(() => jest.useRealTimers());

  it("answers a token again from the cache, and verifies it anew once it has expired", async () => {
    const authenticate = createAuthenticator(config);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const bearer = `Bearer ${await mintToken(config, { role: "agent", sub: "a1", expiresAt: exp })}`;
    await expect(authenticate(bearer)).resolves.toEqual({ role: "agent", subject: "a1" });
    await expect(authenticate(bearer)).resolves.toEqual({ role: "agent", subject: "a1" });
    const later = exp * 1000 + 1000;
    // Both clocks move: the cache's (Date.now) and jose's (new Date()).
    jest.useFakeTimers({ now: later, doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    await expect(authenticate(bearer)).rejects.toThrow(new AuthenticationError("token has expired"));
  });

  it("never caches a refusal: a bad token stays refused, a good one after it is accepted", async () => {
    const authenticate = createAuthenticator(config);
    const good = await mintToken(config, { role: "partner", sub: "p1" });
    const bad = `${good.slice(0, -2)}xx`;
    await expect(authenticate(`Bearer ${bad}`)).rejects.toThrow(AuthenticationError);
    await expect(authenticate(`Bearer ${bad}`)).rejects.toThrow(AuthenticationError);
    await expect(authenticate(`Bearer ${good}`)).resolves.toEqual({ role: "partner", subject: "p1" });
  });
});
