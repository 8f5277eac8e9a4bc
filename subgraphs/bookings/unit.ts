import type { UnitDefinition } from "../../kit";
import { type BookingsConfig, bookingsSettings, loadBookingsConfig } from "./config";
import { buildBookingsSchema } from "./schema";
import { createBookingsServer } from "./server";

export const unit: UnitDefinition<BookingsConfig> = {
  name: "bookings",
  settings: bookingsSettings,
  loadConfig: loadBookingsConfig,
  listenOn: (c) => ({ port: c.BOOKINGS_PORT, host: c.BOOKINGS_HOST }),
  buildSchema: buildBookingsSchema,
  create: createBookingsServer,
};
