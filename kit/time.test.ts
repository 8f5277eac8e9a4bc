import { isoFromEpochMillis, isoFromLocal, isoFromUtc, localFromUtcMillis } from "./time";

describe("time mapping", () => {
  it("maps local wall-clock time to UTC across daylight saving", () => {
    expect(isoFromLocal("2025-01-15 10:00:00", "Europe/Berlin", "t")).toBe("2025-01-15T09:00:00.000Z");
    expect(isoFromLocal("2025-07-15 10:00:00", "Europe/Berlin", "t")).toBe("2025-07-15T08:00:00.000Z");
    expect(isoFromLocal("2025-07-15 10:00", "Europe/Lisbon", "t")).toBe("2025-07-15T09:00:00.000Z");
    expect(isoFromLocal("2025-10-26 12:00:00", "Europe/Berlin", "t")).toBe("2025-10-26T11:00:00.000Z");
  });

  it("writes what it reads", () => {
    for (const iso of ["2025-03-30T00:59:00.000Z", "2025-06-01T12:34:00.000Z", "2025-12-31T23:00:00.000Z"]) {
      const local = localFromUtcMillis(Date.parse(iso), "Europe/Berlin");
      expect(isoFromLocal(local, "Europe/Berlin", "t")).toBe(iso);
    }
  });

  it("accepts each driver's UTC shapes", () => {
    const iso = "2025-06-01T12:00:00.000Z";
    expect(isoFromUtc(new Date(iso), "t")).toBe(iso);
    expect(isoFromUtc("2025-06-01 12:00:00", "t")).toBe(iso);
    expect(isoFromUtc(Date.parse(iso), "t")).toBe(iso);
    expect(isoFromEpochMillis(String(Date.parse(iso)), "t")).toBe(iso);
  });

  it("rejects garbage with the row named", () => {
    expect(() => isoFromLocal("yesterday", "Europe/Berlin", "billing silo, invoice 1")).toThrow(/billing silo, invoice 1: invalid local time/);
    expect(() => isoFromUtc("not a time", "t")).toThrow(/invalid UTC time/);
  });
});
