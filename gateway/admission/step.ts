import type { RequestInfo } from "../../kit/http";
import type { Identity } from "../../kit/identity";

/**
 * One check a request must pass before Apollo sees it (chain.ts orders
 * them). A step looks at the request, may complete what the request carries
 * (the verified caller; a persisted operation's document), and either lets
 * it on or refuses it.
 */
export type AdmissionStep = (request: Admission) => Refusal | undefined | Promise<Refusal | undefined>;

/** The request being admitted, as the HTTP front read it. */
export interface Admission {
  readonly info: RequestInfo;
  /** The verified caller, null for anonymous; set by the identity step, so steps after it may use it. */
  identity: Identity | null;
}

/** Why a request is turned away: answered with `status` and a GraphQL error body `{ errors: [{ message, extensions: { code } }] }`. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}
