import type { Grant } from "@portcullis/contract";
import { closesInText } from "./grant-time.ts";

type GrantReason = NonNullable<Grant["statusReason"]>;

const reasonText: Record<GrantReason, string> = {
  Expired: "Expired",
  UserRequested: "Revoked by the requester",
  Revoked: "Revoked",
  NewerRequestInitiated: "Superseded by a newer request",
  OpenFailed: "Opening failed",
};

/** Open, or about to be (its rules are being written or deleted). */
export function isActiveGrant(grant: Pick<Grant, "status">): boolean {
  return grant.status === "opening" || grant.status === "open" || grant.status === "closing";
}

/** What the My access page says about a grant: a countdown while open, why it ended otherwise. */
export function grantStatusText(grant: Pick<Grant, "status" | "statusReason" | "endsAt">, now: Date): string {
  switch (grant.status) {
    case "opening":
      return "Opening…";
    case "open":
      return closesInText(grant.endsAt, now);
    case "closing":
      return "Closing…";
    case "failed":
      return grant.statusReason ? reasonText[grant.statusReason] : "Failed";
    case "closed":
      return grant.statusReason ? reasonText[grant.statusReason] : "Closed";
  }
}
