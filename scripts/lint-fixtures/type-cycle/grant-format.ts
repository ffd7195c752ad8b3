import type { GrantView } from "./grant-view.ts";

/** The other half of the deliberate type-only cycle. */
export type GrantFormat = (view: GrantView) => string;
