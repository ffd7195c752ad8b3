export * from "./errors.ts";
export * from "./inventory.ts";
export * from "./health.ts";
export * from "./auth.ts";
export * from "./policies.ts";
export * from "./requests.ts";
export * from "./activity.ts";
export * from "./notifications.ts";
