import { Feed } from "./feed";

describe("a subscriber's feed", () => {
  it("hands answers over in order, and ends once on return", async () => {
    let ended = 0;
    const feed = new Feed(3, () => (ended += 1));
    feed.push({ data: { n: 1 } });
    feed.push({ data: { n: 2 } });
    expect(await feed.next()).toEqual({ done: false, value: { data: { n: 1 } } });
    expect(await feed.next()).toEqual({ done: false, value: { data: { n: 2 } } });
    await feed.return();
    await feed.return();
    expect(await feed.next()).toEqual({ done: true, value: undefined });
    expect(ended).toBe(1);
  });

  it("drops a subscriber that leaves more than its capacity unread, with a last message and code", async () => {
    let ended = 0;
    const feed = new Feed(2, () => (ended += 1));
    for (let n = 0; n < 3; n += 1) feed.push({ data: { n } });
    expect(feed.open).toBe(false);
    expect(ended).toBe(1);
    const last = await feed.next();
    expect(last.value?.errors?.[0]).toEqual({ message: expect.stringMatching(/fell 2 events behind/), extensions: { code: "SUBSCRIBER_TOO_SLOW" } });
    expect(await feed.next()).toEqual({ done: true, value: undefined });
  });

  it("wakes a reader waiting for the next answer", async () => {
    const feed = new Feed(2, () => undefined);
    const waiting = feed.next();
    feed.push({ data: { n: 1 } });
    expect(await waiting).toEqual({ done: false, value: { data: { n: 1 } } });
  });
});
