import { type Channel, SiloDataError, columnsOf, isoFromLocal } from "../../../kit/subgraph";
import { CareCase, CaseEntry, CaseStatus, ContactDirection } from "./case.type";

/**
 * Care's silo conventions to the graph's language, in one place: the CRM's
 * channel words, one-letter states, IN/OUT directions, and local times with
 * their zone in a column beside them.
 */

export interface CaseRow {
  case_seq: number;
  case_no: string;
  cust_no: string;
  topic: string;
  opened_local: string;
  opened_tz: string;
  opened_via: string;
  state: string;
  closed_local: string | null;
  closed_tz: string | null;
  resolution: string | null;
}

export interface ContactRow {
  contact_id: number;
  case_no: string;
  logged_local: string;
  logged_tz: string;
  via: string;
  dir: string;
  kind: string;
  note: string;
  outcome: string | null;
  idem_key: string | null;
}

/** What care's statements select from `crm_case`: every field of CaseRow. */
export const CASE_COLUMNS = columnsOf<CaseRow>()([
  "crm_case.case_seq",
  "crm_case.case_no",
  "crm_case.cust_no",
  "crm_case.topic",
  "crm_case.opened_local",
  "crm_case.opened_tz",
  "crm_case.opened_via",
  "crm_case.state",
  "crm_case.closed_local",
  "crm_case.closed_tz",
  "crm_case.resolution",
]);

/** A contact as a case's history reads it: not its idempotency key. */
export type EntryRow = Omit<ContactRow, "idem_key">;

/** What care's statements select from `crm_contact` for an entry: every field of EntryRow. */
export const ENTRY_COLUMNS = columnsOf<EntryRow>()([
  "crm_contact.contact_id",
  "crm_contact.case_no",
  "crm_contact.logged_local",
  "crm_contact.logged_tz",
  "crm_contact.via",
  "crm_contact.dir",
  "crm_contact.kind",
  "crm_contact.note",
  "crm_contact.outcome",
]);

const CASE_PREFIX = "CS-";

/** The number people quote for the case with this sequence number. */
export function caseNumber(seq: number): string {
  return `${CASE_PREFIX}${String(seq).padStart(6, "0")}`;
}

export const VIA_OF_CHANNEL: Record<Channel, string> = { STORE: "DESK", CALL_CENTER: "TEL", WEB: "WEBFORM", MOBILE: "APP", PARTNER: "PARTNER" };
const CHANNEL_OF_VIA = new Map(Object.entries(VIA_OF_CHANNEL).map(([channel, via]) => [via, channel as Channel]));

export const STATE_OF_STATUS = { OPEN: ["N", "W"], RESOLVED: ["C"] } as const satisfies Record<CaseStatus, readonly string[]>;

function channelOf(via: string, where: string): Channel {
  const channel = CHANNEL_OF_VIA.get(via.trim().toUpperCase());
  if (!channel) throw new SiloDataError(`${where}: unknown channel ${JSON.stringify(via)}`);
  return channel;
}

function statusOf(state: string, where: string): CaseStatus {
  const s = state.trim().toUpperCase();
  if (s === "N" || s === "W") return CaseStatus.OPEN;
  if (s === "C") return CaseStatus.RESOLVED;
  throw new SiloDataError(`${where}: unknown state ${JSON.stringify(state)}`);
}

function directionOf(dir: string, where: string): ContactDirection {
  const d = dir.trim().toUpperCase();
  if (d === "IN") return ContactDirection.INBOUND;
  if (d === "OUT") return ContactDirection.OUTBOUND;
  throw new SiloDataError(`${where}: unknown direction ${JSON.stringify(dir)}`);
}

export function toCareCase(row: CaseRow): CareCase {
  const where = `care silo, case ${row.case_no}`;
  return Object.assign(new CareCase(), {
    id: row.case_no,
    customerId: row.cust_no,
    openedAt: isoFromLocal(row.opened_local, row.opened_tz, `${where}, opened_local`),
    channel: channelOf(row.opened_via, `${where}, opened_via`),
    topic: row.topic,
    status: statusOf(row.state, `${where}, state`),
    resolvedAt: row.closed_local && row.closed_tz ? isoFromLocal(row.closed_local, row.closed_tz, `${where}, closed_local`) : null,
    resolution: row.resolution,
  });
}

export function toCaseEntry(row: EntryRow, customerId: string): CaseEntry {
  const where = `care silo, contact ${row.contact_id}`;
  return Object.assign(new CaseEntry(), {
    id: String(row.contact_id),
    caseId: row.case_no,
    customerId,
    at: isoFromLocal(row.logged_local, row.logged_tz, `${where}, logged_local`),
    channel: channelOf(row.via, `${where}, via`),
    direction: directionOf(row.dir, `${where}, dir`),
    kind: row.kind,
    summary: row.note,
    outcome: row.outcome,
  });
}
