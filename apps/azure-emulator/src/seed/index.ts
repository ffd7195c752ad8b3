import type { Estate } from "../store/types.ts";
import type { SeedSpec } from "../types.ts";
import { EstateBuilder } from "./builder.ts";
import { demoEstate } from "./demo.ts";
import { DEMO_TENANT_ID } from "./demo-network.ts";
import { generateLargeEstate } from "./large.ts";

export function seedEstate(spec: SeedSpec): Estate {
  switch (spec.kind) {
    case "demo":
      return demoEstate();
    case "large":
      return generateLargeEstate(spec);
    case "empty":
      return new EstateBuilder("portcullis-empty", DEMO_TENANT_ID).build();
  }
}
