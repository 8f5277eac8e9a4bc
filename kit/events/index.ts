export * from "./event";
export * from "./outbox";
export * from "./bus";
export * from "./relay";
export * from "./follow";
export * from "./probe";
