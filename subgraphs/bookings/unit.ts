import { type UnitDefinition, unitRuntime } from "../../kit";
import { type BookingsConfig, bookingsSettings, loadBookingsConfig } from "./config";
import { buildBookingsSchema } from "./schema";
import { createBookingsServer } from "./server";

export const unit: UnitDefinition<BookingsConfig> = {
  name: "bookings",
  settings: bookingsSettings,
  loadConfig: loadBookingsConfig,
  listenOn: (c) => unitRuntime(c, "BOOKINGS"),
  buildSchema: buildBookingsSchema,
  create: createBookingsServer,
};
