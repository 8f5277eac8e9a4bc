export * from "./event";
export * from "./bus";
export * from "./follow";
export * from "./probe";
