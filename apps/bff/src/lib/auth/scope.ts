// Scope matching decides authorization: it has one home, the contract, shared with the web and core.
export { normalizeScope, scopeCovers, scopeSegments, subscriptionScope } from "@portcullis/contract";
