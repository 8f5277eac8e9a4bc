import type { ChannelName } from "./world";
import { NAMED } from "./world";

/**
 * Worked example operations over the demo company, for newcomers: GraphiQL
 * opens with one tab per example (the build bundles this list as data; the
 * gateway knows nothing of it). Ids come from the demo world.
 */
export interface Example {
  /** One line shown in GraphiQL's example picker. */
  title: string;
  /** GraphQL document; its first lines say what to look at. */
  query: string;
  variables?: Record<string, unknown>;
  /** The `x-channel` the example is sent from. */
  channel: ChannelName;
}

/** A product in the Home category, where the newsletter offer applies. */
export const HOME_SKU = "SKU-0002";
/** A single-use voucher for loyalty members; not the README story's (SILVER-20), so the tab and the story never meet. */
export const MEMBERS_VOUCHER = "MEMBERS-WELCOME";

/** One product's price for one customer: the same question asked from two channels. */
function priceQuery(name: string): string {
  return `query ${name}($sku: ID!, $customerId: ID) {
  product(sku: $sku) {
    name
    category
    listPrice { amount currency }
    price(customerId: $customerId) { discount { amount } final { amount } appliedOffer { code title } }
  }
}`;
}

export const EXAMPLES: readonly Example[] = [
  {
    title: "The 360° view: every unit answers a part",
    channel: "CALL_CENTER",
    variables: { id: NAMED.returningGuest },
    query: `# The 360° customer view: name and balance from billing, stays and preferences
# from bookings, orders and loyalty from retail, offers and consent from promotions,
# open cases from care, and whether to sell to her now (promotions, from care's data).
# One request; the gateway plans it across the five units.
query Customer360($id: ID!) {
  customer(id: $id) {
    name
    email
    balance { amount currency }
    stayCount
    preferences { preference }
    bookings(first: 2) { property { name city } checkIn status invoice { number status } }
    orders(first: 1) { placedAt channel total { amount currency } invoice { number } }
    loyalty { tier points }
    offers { code title }
    consent { email sms push }
    cases(status: OPEN) { id topic status }
    salesContact { allowed reasons }
  }
}`,
  },
  {
    title: "The 360° view, its slow parts deferred",
    channel: "CALL_CENTER",
    variables: { id: NAMED.returningGuest },
    query: `# The same view for a screen that shows the customer at once: the timeline
# (every unit's touch points) and the offers (computed from three units) are
# @defer-red, so name, balance and stays arrive first and the rest when ready.
query Customer360Deferred($id: ID!) {
  customer(id: $id) {
    name
    email
    balance { amount currency }
    stayCount
    loyalty { tier points }
    ... @defer(label: "timeline") { timeline(first: 10) { at unit channel kind summary } }
    ... @defer(label: "offers") { offers { code title } }
  }
}`,
  },
  {
    title: "One price from the web…",
    channel: "WEB",
    variables: { sku: HOME_SKU, customerId: NAMED.returningGuest },
    query: `# The same price asked from two channels: run this tab (x-channel WEB) and the
# next one (x-channel STORE) and compare. The price engine lives only in
# promotions and never reads the channel.
${priceQuery("PriceOnTheWeb")}`,
  },
  {
    title: "…is the price at the till",
    channel: "STORE",
    variables: { sku: HOME_SKU, customerId: NAMED.returningGuest },
    query: `# The same question from the store till (x-channel STORE): the same answer.
# Try customerId "${NAMED.optedOut}" (withdrew e-mail consent): list price, no offer.
${priceQuery("PriceAtTheTill")}`,
  },
  {
    title: "The timeline: every unit's touch points, newest first",
    channel: "CALL_CENTER",
    variables: { id: NAMED.returningGuest },
    query: `# Touch points of all four units merged into one list, newest first. A unit
# that does not answer is left out and named: an error at customer.timeline, and
# in timelineMissingUnits ([] when the timeline is complete).
query Timeline($id: ID!) {
  customer(id: $id) {
    name
    timeline(first: 10) { at unit channel kind summary ref }
    timelineMissingUnits
  }
}`,
  },
  {
    title: "The complaint the store should know about",
    channel: "STORE",
    variables: { id: NAMED.returningGuest },
    query: `# Maria at the store's till. Care knows what the till does not: she complained
# about a noisy room at the Lisbon concierge desk and by phone, and declined the
# voucher offered. Her cases come from care; salesContact is decided by promotions
# from care's openCaseCount (read live via @requires) and her consent: no selling
# until the case is resolved. Agents only; the same answer in every channel.
query ComplaintTheStoreShouldKnow($id: ID!) {
  customer(id: $id) {
    name
    loyalty { tier }
    stayCount
    openCaseCount
    salesContact { allowed reasons }
    cases(status: OPEN) {
      id
      topic
      openedAt
      channel
      status
      history { at channel direction kind summary outcome }
    }
    offers { code title }
    timeline(first: 5) { at unit channel kind summary }
  }
}`,
  },
  {
    title: "A quote: a basket priced by the same rules",
    channel: "WEB",
    variables: {
      customerId: NAMED.returningGuest,
      lines: [
        { sku: "SKU-0001", quantity: 2 },
        { sku: HOME_SKU, quantity: 1 },
      ],
    },
    query: `# A basket priced line by line with the rules of Product.price.
query Quote($customerId: ID, $lines: [QuoteLineInput!]!) {
  quote(customerId: $customerId, lines: $lines) {
    id
    lines { product { name } quantity price { final { amount } appliedOffer { code } } lineTotal { amount } }
    total { amount currency }
  }
}`,
  },
  {
    title: "A redemption, exactly once",
    channel: "MOBILE",
    variables: { customerId: NAMED.silverMember, code: MEMBERS_VOUCHER, idempotencyKey: "app-demo-1" },
    query: `# Redeem a single-use voucher from the app. The idempotency key makes a retry
# safe: run it twice with the same key and it redeems once, and answers the same.
# Afterwards the offer is gone from customer(id: "${NAMED.silverMember}") { offers } in every
# channel. \`npm run demo:reset\` makes it redeemable again.
mutation Redeem($customerId: ID!, $code: ID!, $idempotencyKey: String) {
  redeemOffer(customerId: $customerId, code: $code, idempotencyKey: $idempotencyKey) {
    offer { code }
    channel
    redeemedAt
  }
}`,
  },
  {
    title: "A partner's catalogue: products, prices, public offers",
    channel: "PARTNER",
    variables: { category: "Home", sku: HOME_SKU },
    query: `# What a partner sees: the catalogue, prices for everyone (no customer) and
# the offers anyone may see. No personal data.
query PartnerCatalogue($category: String, $sku: ID!) {
  products(category: $category, first: 5) {
    totalCount
    hasNextPage
    endCursor
    items { sku name listPrice { amount currency } price { final { amount } appliedOffer { code } } }
  }
  product(sku: $sku) { name price { list { amount } discount { amount } final { amount } } }
  publicOffers { code title validUntil }
}`,
  },
];

/**
 * Live examples: GraphiQL runs them over a WebSocket. Kept apart from
 * EXAMPLES, which the README test sends as plain HTTP requests (where a
 * subscription is refused); GraphiQL shows them after the others.
 */
export const LIVE_EXAMPLES: readonly Example[] = [
  {
    title: "Live: every change to a customer, from every unit",
    channel: "CALL_CENTER",
    variables: { id: NAMED.silverMember },
    query: `# Keep this tab running, then redeem an offer for this customer in another
# tab (the redemption example, or the README's story at the till): each change
# arrives here with a fresh answer from every unit.
subscription FollowCustomer($id: ID!) {
  customerChanged(id: $id) {
    at
    unit
    kind
    customer { name offers { code } redemptions { offer { code } channel redeemedAt } loyalty { tier } }
  }
}`,
  },
];
