import { SiloDataError } from "../../../kit/subgraph";
import { type PreferenceRow, preferenceTouchPoint, toPreference } from "./preference.mapper";

function buildPreferenceRow(overrides: Partial<PreferenceRow> = {}): PreferenceRow {
  return { pref_id: 7, guest_ref: "C000001", pref_text: "feather-free pillows", noted_ms: Date.UTC(2023, 4, 12, 16, 5), chan_cd: "S", ...overrides };
}

describe("toPreference", () => {
  it("maps the row into the graph's language and its touch point", () => {
    const preference = toPreference(buildPreferenceRow());
    expect(preference).toMatchObject({ id: "7", preference: "feather-free pillows", notedAt: "2023-05-12T16:05:00.000Z", channel: "STORE" });
    expect(preferenceTouchPoint(preference)).toEqual({
      at: "2023-05-12T16:05:00.000Z",
      unit: "BOOKINGS",
      channel: "STORE",
      kind: "preference",
      summary: 'Stay preference noted: "feather-free pillows"',
      ref: "7",
    });
  });

  it("keeps an unrecorded channel as null but rejects an unknown letter", () => {
    expect(toPreference(buildPreferenceRow({ chan_cd: null })).channel).toBeNull();
    expect(() => toPreference(buildPreferenceRow({ chan_cd: "Q" }))).toThrow(SiloDataError);
    expect(() => toPreference(buildPreferenceRow({ chan_cd: "Q" }))).toThrow(/^bookings silo, preference 7: unknown chan_cd "Q"$/);
  });
});
