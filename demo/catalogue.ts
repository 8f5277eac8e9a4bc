/** Fixed vocabularies the demo world draws from. */
export const FIRST_NAMES = [
  "Anna",
  "Ben",
  "Clara",
  "David",
  "Elena",
  "Felix",
  "Greta",
  "Hugo",
  "Ines",
  "Jan",
  "Katrin",
  "Lukas",
  "Mia",
  "Noah",
  "Olivia",
  "Paul",
  "Rosa",
  "Sami",
  "Tara",
  "Umar",
  "Vera",
  "Wim",
  "Yara",
  "Zoe",
  "Leon",
  "Nina",
  "Omar",
  "Pia",
  "Rafael",
  "Sofia",
];
export const LAST_NAMES = [
  "Müller",
  "Schmidt",
  "Schneider",
  "Fischer",
  "Weber",
  "Meyer",
  "Wagner",
  "Becker",
  "Hoffmann",
  "Koch",
  "Richter",
  "Klein",
  "Wolf",
  "Neumann",
  "Schwarz",
  "Braun",
  "Zimmermann",
  "Krüger",
  "Hartmann",
  "Lange",
  "Costa",
  "Silva",
  "Dubois",
  "Martin",
  "Rossi",
  "Bianchi",
  "Novak",
  "Kowalski",
  "Jansen",
  "Olsen",
];

export const HOTELS = [
  { code: "LIS01", name: "Harbour House Lisbon", city: "Lisbon", country: "PT", timeZone: "Europe/Lisbon", nightlyCents: 14900 },
  { code: "BER01", name: "Spree Lofts Berlin", city: "Berlin", country: "DE", timeZone: "Europe/Berlin", nightlyCents: 12900 },
  { code: "MUC01", name: "Isar Garden Munich", city: "Munich", country: "DE", timeZone: "Europe/Berlin", nightlyCents: 15900 },
  { code: "PAR01", name: "Canal Saint-Martin Rooms", city: "Paris", country: "FR", timeZone: "Europe/Paris", nightlyCents: 18900 },
  { code: "ROM01", name: "Trastevere Courtyard", city: "Rome", country: "IT", timeZone: "Europe/Rome", nightlyCents: 13900 },
  { code: "AMS01", name: "Jordaan Canal Hotel", city: "Amsterdam", country: "NL", timeZone: "Europe/Amsterdam", nightlyCents: 17900 },
  { code: "VIE01", name: "Ringstrasse Residence", city: "Vienna", country: "AT", timeZone: "Europe/Vienna", nightlyCents: 14500 },
  { code: "BCN01", name: "Gràcia Terrace", city: "Barcelona", country: "ES", timeZone: "Europe/Madrid", nightlyCents: 15500 },
  { code: "CPH01", name: "Nyhavn Quarters", city: "Copenhagen", country: "DK", timeZone: "Europe/Copenhagen", nightlyCents: 19900 },
  { code: "DUB01", name: "Liffey Walk Inn", city: "Dublin", country: "IE", timeZone: "Europe/Dublin", nightlyCents: 16900 },
  { code: "LON01", name: "Southbank Yard", city: "London", country: "GB", timeZone: "Europe/London", nightlyCents: 21900 },
  { code: "ATH01", name: "Plaka Rooftop", city: "Athens", country: "GR", timeZone: "Europe/Athens", nightlyCents: 11900 },
] as const;

export const PREFERENCES = ["feather-free pillows", "high floor", "quiet room away from the lift", "extra towels", "late check-out", "twin beds", "vegetarian breakfast", "room near the lift", "sea view", "firm mattress"];

export const CATEGORIES: Record<string, { nouns: string[]; minCents: number; maxCents: number }> = {
  Outdoor: { nouns: ["Tent", "Backpack", "Sleeping Bag", "Hiking Pole", "Camp Stove", "Rain Jacket", "Headlamp", "Water Filter"], minCents: 1499, maxCents: 39900 },
  Home: { nouns: ["Throw Blanket", "Table Lamp", "Cushion", "Vase", "Wall Clock", "Rug", "Candle Set", "Mirror"], minCents: 999, maxCents: 24900 },
  Books: { nouns: ["Cookbook", "Travel Guide", "Novel", "Atlas", "Field Guide", "Poetry Collection", "Biography", "Phrasebook"], minCents: 799, maxCents: 4900 },
  Electronics: { nouns: ["Headphones", "Power Bank", "Speaker", "E-Reader", "Travel Adapter", "Smartwatch", "Camera", "Charger"], minCents: 1999, maxCents: 89900 },
  Beauty: { nouns: ["Face Cream", "Shampoo", "Perfume", "Lip Balm", "Body Lotion", "Hand Soap", "Sunscreen", "Serum"], minCents: 499, maxCents: 12900 },
  Kitchen: { nouns: ["Chef Knife", "Coffee Grinder", "Teapot", "Cast Iron Pan", "Cutting Board", "Espresso Cups", "Salad Bowl", "Spice Rack"], minCents: 1299, maxCents: 29900 },
  Toys: { nouns: ["Puzzle", "Building Blocks", "Plush Bear", "Board Game", "Kite", "Train Set", "Card Game", "Marble Run"], minCents: 699, maxCents: 14900 },
  Fashion: { nouns: ["Scarf", "Sunglasses", "Wallet", "Beanie", "Tote Bag", "Belt", "Sneakers", "Cardigan"], minCents: 1499, maxCents: 19900 },
};

export const ADJECTIVES = [
  "Alpine",
  "Coastal",
  "Nordic",
  "Urban",
  "Classic",
  "Linen",
  "Copper",
  "Cedar",
  "Harbour",
  "Summit",
  "Meadow",
  "Amber",
  "Slate",
  "Willow",
  "Granite",
  "Saffron",
  "Juniper",
  "Ivory",
  "Cobalt",
  "Fjord",
  "Olive",
  "Terra",
  "Velvet",
  "Birch",
  "Marine",
];

/**
 * The promotions catalogue. Two kinds of offer:
 * - PRICE offers are applied by the price engine to a product's price; their
 *   eligibility depends only on promotions' own data (consent, redemptions),
 *   so a price can be computed for any customer in one step.
 * - ACCOUNT offers are perks and vouchers; they may need a loyalty tier
 *   (retail) or a number of completed stays (bookings), read live through
 *   federation when `Customer.offers` is asked.
 */
export interface DemoOffer {
  code: string;
  title: string;
  description: string;
  kind: "PRICE" | "ACCOUNT";
  percentOff?: number;
  amountOffCents?: number;
  category?: string;
  sku?: string;
  minTier?: "BRONZE" | "SILVER" | "GOLD" | "PLATINUM";
  minStays?: number;
  needsEmailConsent?: boolean;
  singleUse: boolean;
  isPublic: boolean;
  validFrom: string;
  validUntil: string | null;
}

export const OFFERS: DemoOffer[] = [
  {
    code: "OUTDOOR15",
    title: "15% off Outdoor",
    description: "Everything for the trail at 15% off, for everyone.",
    kind: "PRICE",
    percentOff: 15,
    category: "Outdoor",
    singleUse: false,
    isPublic: true,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  { code: "BOOKS5", title: "€5 off every book", description: "Five euros off any book.", kind: "PRICE", amountOffCents: 500, category: "Books", singleUse: false, isPublic: true, validFrom: "2024-01-01", validUntil: "2030-12-31" },
  {
    code: "NEWS10HOME",
    title: "Newsletter: 10% off Home",
    description: "For customers who receive our e-mails: 10% off Home.",
    kind: "PRICE",
    percentOff: 10,
    category: "Home",
    needsEmailConsent: true,
    singleUse: false,
    isPublic: false,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  {
    code: "NEWS20KITCHEN",
    title: "Newsletter: 20% off Kitchen",
    description: "For e-mail subscribers: 20% off one Kitchen purchase.",
    kind: "PRICE",
    percentOff: 20,
    category: "Kitchen",
    needsEmailConsent: true,
    singleUse: true,
    isPublic: false,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  { code: "TOYS2023", title: "Toy week 2023", description: "Expired: 25% off Toys.", kind: "PRICE", percentOff: 25, category: "Toys", singleUse: false, isPublic: true, validFrom: "2023-11-01", validUntil: "2023-12-31" },
  {
    code: "MEMBERS-WELCOME",
    title: "Members' welcome voucher",
    description: "€10 off your next order, for loyalty members only.",
    kind: "ACCOUNT",
    amountOffCents: 1000,
    minTier: "BRONZE",
    singleUse: true,
    isPublic: false,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  {
    code: "SILVER-20",
    title: "Silver €20 voucher",
    description: "€20 voucher for Silver members and above.",
    kind: "ACCOUNT",
    amountOffCents: 2000,
    minTier: "SILVER",
    singleUse: true,
    isPublic: false,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  {
    code: "GOLD-BREAKFAST",
    title: "Breakfast on us",
    description: "Free breakfast on every stay for Gold and Platinum members.",
    kind: "ACCOUNT",
    minTier: "GOLD",
    singleUse: false,
    isPublic: false,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  { code: "PLATINUM-SUITE", title: "Suite upgrade", description: "A free suite upgrade, once, for Platinum members.", kind: "ACCOUNT", minTier: "PLATINUM", singleUse: true, isPublic: false, validFrom: "2024-01-01", validUntil: "2030-12-31" },
  {
    code: "WELCOME-BACK",
    title: "Welcome back: 20% off your next stay",
    description: "For guests with three or more completed stays.",
    kind: "ACCOUNT",
    percentOff: 20,
    minStays: 3,
    singleUse: true,
    isPublic: false,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  { code: "LATE-CHECKOUT", title: "Late check-out", description: "Check out at 14:00 for guests with one completed stay or more.", kind: "ACCOUNT", minStays: 1, singleUse: false, isPublic: false, validFrom: "2024-01-01", validUntil: "2030-12-31" },
  {
    code: "GOLD-GUEST-NEWS",
    title: "Gold guest newsletter gift",
    description: "A gift box for Gold members with two stays who receive our e-mails.",
    kind: "ACCOUNT",
    minTier: "GOLD",
    minStays: 2,
    needsEmailConsent: true,
    singleUse: true,
    isPublic: false,
    validFrom: "2024-01-01",
    validUntil: "2030-12-31",
  },
  { code: "APP-FREE-DELIVERY", title: "Free delivery", description: "Free delivery on your next order, for everyone.", kind: "ACCOUNT", singleUse: true, isPublic: true, validFrom: "2024-01-01", validUntil: "2030-12-31" },
  { code: "SUMMER2024", title: "Summer 2024", description: "Expired: €15 off a stay.", kind: "ACCOUNT", amountOffCents: 1500, singleUse: true, isPublic: true, validFrom: "2024-06-01", validUntil: "2024-08-31" },
];
