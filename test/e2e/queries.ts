/** Operations the end-to-end tests (and the README) use. */
export const CUSTOMER_360 = `
query Customer360($id: ID!) {
  customer(id: $id) {
    id name email phone
    account { number status currency }
    balance { amount currency }
    invoices(first: 3) { number issuedAt status total { amount currency } lines { description amount { amount } product { sku name } booking { id property { name } } } }
    bookings(first: 3) { id property { name city } checkIn checkOut nights status bookedVia total { amount currency } invoice { number status } }
    stayCount
    preferences { preference notedAt }
    orders(first: 3) { id placedAt channel total { amount } lines { quantity unitPrice { amount } product { sku name price(customerId: $id) { final { amount } appliedOffer { code } } } } invoice { number } }
    loyalty { tier points }
    offers { code title }
    redemptions { channel redeemedAt offer { code } }
    consent { email sms push }
    timeline(first: 10) { at unit channel kind summary ref }
  }
}`;

/** The 360° view for a page of customers (batching across the whole graph). */
export const CUSTOMERS_360 = `
query Customers360($text: String!, $first: Int!) {
  searchCustomers(text: $text, first: $first) {
    id name balance { amount }
    invoices(first: 3) { number lines { amount { amount } product { name } } }
    bookings(first: 3) { id property { name } invoice { number } }
    stayCount preferences { preference }
    orders(first: 3) { id lines { product { name price { final { amount } } } } }
    loyalty { tier }
    offers { code } redemptions { offer { code } } consent { email }
    timeline(first: 5) { at unit }
  }
}`;

/**
 * One customer, one alias per unit: each alias needs billing (the root) and
 * one other unit, so a unit that fails nulls only its own alias.
 */
export const PER_UNIT = `
query PerUnit($id: ID!) {
  billing: customer(id: $id) { name }
  bookings: customer(id: $id) { stayCount }
  retail: customer(id: $id) { loyalty { tier } }
  promotions: customer(id: $id) { consent { email } }
}`;
