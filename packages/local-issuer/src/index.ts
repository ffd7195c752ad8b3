export { createLocalIssuer } from "./create-local-issuer.ts";
export { demoPassword, demoUsers } from "./demo-users.ts";
export type { DemoUser, IssuerMetadata, LocalIssuer, LocalIssuerOptions, PublicJwks, ServiceClientOptions, SpaClientOptions } from "./types.ts";
