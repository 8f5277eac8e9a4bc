import { calendarDate, isoFromEpochMillis, isoFromLocal, isoFromLocalDayAt, isoFromUtc, localFromUtcMillis } from "./time";

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

  it("reads an epoch time again as the first time, whether number or digits", () => {
    const times = [0, -1, 1, 86_399_999, 1_733_412_345_678, 4_102_444_800_000, -62_135_596_800_000];
    for (let i = 0; i < 2; i += 1) {
      for (const ms of times) {
        expect(isoFromEpochMillis(ms, "t")).toBe(new Date(ms).toISOString());
        if (ms >= 0) expect(isoFromEpochMillis(String(ms), "t")).toBe(new Date(ms).toISOString());
      }
      expect(() => isoFromEpochMillis(Number.NaN, "t")).toThrow(/invalid epoch time/);
      expect(() => isoFromEpochMillis("-5", "t")).toThrow(/invalid epoch time/);
    }
  });

  it("reads a UTC instant again as the first time, whether number or Date", () => {
    const times = [0, -1, 1.5, 86_399_999, 1_733_412_345_678, 4_102_444_800_000, -62_135_596_800_000, 8.64e15];
    for (let i = 0; i < 2; i += 1) {
      for (const ms of times) {
        expect(isoFromUtc(ms, "t")).toBe(new Date(ms).toISOString());
        expect(isoFromUtc(new Date(ms), "t")).toBe(new Date(ms).toISOString());
      }
      expect(() => isoFromUtc(8.64e15 + 1, "t")).toThrow(RangeError);
      expect(() => isoFromUtc(Number.POSITIVE_INFINITY, "t")).toThrow(/invalid UTC time/);
      expect(() => isoFromUtc(new Date(Number.NaN), "t")).toThrow(/invalid UTC time/);
    }
  });

  it("reads a text again as the first time, each zone its own way", () => {
    for (let i = 0; i < 2; i += 1) {
      expect(isoFromLocal("2025-07-15 10:00:00", "Europe/Berlin", "t")).toBe("2025-07-15T08:00:00.000Z");
      expect(isoFromLocal("2025-07-15 10:00:00", "Asia/Kolkata", "t")).toBe("2025-07-15T04:30:00.000Z");
      expect(isoFromUtc("2025-07-15 10:00:00", "t")).toBe("2025-07-15T10:00:00.000Z");
      expect(() => isoFromLocal("2025-07-15", "Europe/Berlin", "t")).toThrow(/invalid local time/);
    }
  });

  it("reads a time of a day as isoFromLocal reads their text, again as the first time", () => {
    const days: unknown[] = ["2025-03-29", "2025-03-30", "2025-10-26", "2025-12-31", "2025-06-01 00:00:00", new Date(2025, 2, 30), new Date(2025, 9, 26, 23, 59)];
    for (let i = 0; i < 2; i += 1) {
      for (const timeZone of ["Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe"]) {
        for (const time of ["23:59:59", "15:00", "02:30"]) {
          for (const day of days) expect(isoFromLocalDayAt(day, time, timeZone, "t")).toBe(isoFromLocal(`${calendarDate(day, "t")} ${time}`, timeZone, "t"));
        }
      }
      expect(isoFromLocalDayAt("2025-03-30", "23:59:59", "Europe/Berlin", "t")).toBe("2025-03-30T21:59:59.000Z");
      expect(isoFromLocalDayAt("2025-03-30", "15:00", "Europe/Berlin", "t")).toBe("2025-03-30T13:00:00.000Z");
      expect(() => isoFromLocalDayAt("30.03.2025", "23:59:59", "Europe/Berlin", "billing silo, invoice 1, due_date")).toThrow(/billing silo, invoice 1, due_date: invalid date/);
      expect(() => isoFromLocalDayAt("2025-03-30", "noon", "Europe/Berlin", "t")).toThrow(/t: invalid local time/);
      expect(() => isoFromLocalDayAt("2025-03-30", "15:00", "Mars/Olympus_Mons", "t")).toThrow(RangeError);
    }
  });

  it("rejects garbage with the row named", () => {
    expect(() => isoFromLocal("yesterday", "Europe/Berlin", "billing silo, invoice 1")).toThrow(/billing silo, invoice 1: invalid local time/);
    expect(() => isoFromUtc("not a time", "t")).toThrow(/invalid UTC time/);
  });
});

describe("zone offsets, asked of Intl once per day", () => {
  it("give Intl's wall-clock time at every quarter hour of a year, changes included", () => {
    for (const timeZone of ["Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kolkata"]) {
      const intl = new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
      const wrong: string[] = [];
      for (let utc = Date.UTC(2025, 0, 1); utc < Date.UTC(2026, 0, 1); utc += 15 * 60_000) {
        if (localFromUtcMillis(utc, timeZone) !== intl.format(new Date(utc))) wrong.push(new Date(utc).toISOString());
      }
      expect([timeZone, wrong.slice(0, 3)]).toEqual([timeZone, []]);
    }
  });
});
