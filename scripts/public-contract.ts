/**
 * The public contract: every name and type here is binding. The committed
 * supergraph must offer each of them with exactly this type and these
 * arguments (it may offer more): test/unit/contract.test.ts checks it, and
 * `npm run contract-check` marks a breaking change that touches it.
 *
 * Nullability is part of the contract and follows one rule (scripts/fail-alone.ts,
 * "When a unit fails" in the README): root fields and every unit's fields on
 * Customer are nullable, so a unit that fails costs only its own fields and
 * those that need its data (`offers` needs bookings and retail; `timeline`
 * keeps the other units' touch points and names the missing unit).
 */
export const PUBLIC_CONTRACT = `
enum Channel { WEB MOBILE STORE CALL_CENTER PARTNER }
enum BusinessUnit { BOOKINGS BILLING RETAIL PROMOTIONS }
type Money { amount: String!  currency: String! }
type Query {
  customer(id: ID!): Customer
  customerByEmail(email: String!): Customer
  searchCustomers(text: String!, first: Int = 20): [Customer!]
  me: Customer
  product(sku: ID!): Product
  products(category: String, first: Int = 50, after: String): ProductPage
  offer(code: ID!): Offer
  quote(customerId: ID, lines: [QuoteLineInput!]!): Quote
}
type Mutation {
  redeemOffer(customerId: ID!, code: ID!, idempotencyKey: String): Redemption
  setStayPreference(customerId: ID!, preference: String!): StayPreference
  setMarketingConsent(customerId: ID!, email: Boolean, sms: Boolean, push: Boolean): MarketingConsent
}
type Customer {
  id: ID!
  name: String  email: String  phone: String
  account: BillingAccount  balance: Money
  invoices(status: InvoiceStatus, first: Int = 20): [Invoice!]
  bookings(status: BookingStatus, first: Int = 20): [Booking!]
  stayCount: Int  preferences: [StayPreference!]
  orders(first: Int = 20): [Order!]  loyalty: LoyaltyMembership
  offers: [Offer!]  redemptions: [Redemption!]  consent: MarketingConsent
  timeline(first: Int = 50): [TouchPoint!]  timelineMissingUnits: [BusinessUnit!]
}
type Product { sku: ID!  name: String!  category: String!  listPrice: Money!  price(customerId: ID): Price }
type Price { list: Money!  discount: Money!  final: Money!  appliedOffer: Offer }
type Offer { code: ID!  title: String!  description: String!  validUntil: String }
type Redemption { offer: Offer!  customer: Customer!  channel: Channel!  redeemedAt: String! }
type Booking { id: ID!  property: Property!  checkIn: String!  checkOut: String!  nights: Int!
               status: BookingStatus!  bookedVia: Channel!  total: Money!  invoice: Invoice }
type Invoice { number: ID!  issuedAt: String!  dueAt: String!  status: InvoiceStatus!  total: Money!
               lines: [InvoiceLine!]! }
type InvoiceLine { description: String!  amount: Money!  product: Product  booking: Booking }
type Order { id: ID!  placedAt: String!  channel: Channel!  lines: [OrderLine!]!  total: Money!  invoice: Invoice }
type OrderLine { product: Product!  quantity: Int!  unitPrice: Money! }
type TouchPoint { at: String!  unit: BusinessUnit!  channel: Channel  kind: String!  summary: String!  ref: ID! }
type Quote { lines: [QuoteLine!]  total: Money }
type Property { name: String! }
type StayPreference { preference: String! }
type BillingAccount { number: ID! }
type LoyaltyMembership { tier: LoyaltyTier! }
type MarketingConsent { email: Boolean! }
type ProductPage { items: [Product!]! }
type QuoteLine { quantity: Int! }
input QuoteLineInput { sku: ID! quantity: Int! }
enum InvoiceStatus { OPEN }
enum BookingStatus { CONFIRMED }
enum LoyaltyTier { GOLD }
`;
