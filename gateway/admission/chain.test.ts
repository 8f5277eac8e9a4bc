import type { IncomingMessage } from "node:http";
import { recordedResponse, requestInfo } from "../../test/support/admission";
import { loadGatewayConfig } from "../config";
import { admissionChain, gatewayAdmission } from "./chain";
import type { AdmissionStep } from "./step";
import { mintToken } from "./token";

describe("the admission chain", () => {
  const req = {} as IncomingMessage;

  it("runs its steps in order, stops at the first refusal and answers it as a GraphQL error", async () => {
    const ran: string[] = [];
    const step =
      (name: string, refuse = false): AdmissionStep =>
      () => {
        ran.push(name);
        return refuse ? { status: 418, code: "TEAPOT", message: `refused by ${name}`, headers: { "x-why": name } } : undefined;
      };
    const { res, sent } = recordedResponse();
    const admitted = await admissionChain([step("a"), step("b", true), step("c")]).guard(req, res, requestInfo());
    expect(admitted).toBe(false);
    expect(ran).toEqual(["a", "b"]);
    expect(sent()).toMatchObject({ status: 418, headers: { "x-why": "b" }, body: { errors: [{ message: "refused by b", extensions: { code: "TEAPOT" } }] } });
  });

  it("keeps the identity a step verified for the request's context", async () => {
    const chain = admissionChain([
      (request) => {
        request.identity = { role: "agent", subject: "a1" };
        return undefined;
      },
    ]);
    const info = requestInfo();
    expect(await chain.guard(req, recordedResponse().res, info)).toBe(true);
    expect(chain.identityOf(info)).toEqual({ role: "agent", subject: "a1" });
    expect(chain.identityOf(requestInfo())).toBeNull();
  });

  describe("as the gateway assembles it", () => {
    const config = loadGatewayConfig({ GATEWAY_RATE_LIMIT_PER_MINUTE: "60", GATEWAY_RATE_LIMIT_BURST: "1", GATEWAY_MAX_TOKENS: "20" });
    const channels = () => new Set(["WEB", "STORE"]);
    const refusal = async (chain: ReturnType<typeof gatewayAdmission>, info: ReturnType<typeof requestInfo>) => {
      const { res, sent } = recordedResponse();
      await chain.guard(req, res, info);
      return sent() && { status: sent()!.status, code: sent()!.body.errors[0].extensions.code };
    };

    it("checks the channel before the token, the caller before the rate limit, the rate limit before counting tokens", async () => {
      const chain = gatewayAdmission(config, channels);
      const long = `{ ${"a ".repeat(30)}}`;
      expect(await refusal(chain, requestInfo({ headers: { "x-channel": "FAX", authorization: "Bearer nope" } }))).toEqual({ status: 400, code: "BAD_REQUEST" });
      expect(await refusal(chain, requestInfo({ headers: { authorization: "Bearer nope" }, body: { query: long } }))).toEqual({ status: 401, code: "UNAUTHENTICATED" });
      const agent = `Bearer ${await mintToken(config, { role: "agent", sub: "a1" })}`;
      expect(await refusal(chain, requestInfo({ headers: { authorization: agent }, body: { query: long } }))).toEqual({ status: 400, code: "MAX_TOKENS_EXCEEDED" });
      // The burst of one is spent: the same caller is now limited before its document is looked at.
      expect(await refusal(chain, requestInfo({ headers: { authorization: agent }, body: { query: long } }))).toEqual({ status: 429, code: "RATE_LIMITED" });
      expect(await refusal(chain, requestInfo({ body: { query: "{ a }" } }))).toBeUndefined();
    });
  });
});
