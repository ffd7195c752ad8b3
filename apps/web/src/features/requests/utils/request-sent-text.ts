import type { AccessRequest } from "@portcullis/contract";
import { accessRequestStatusText, approvalsNeededText } from "../../../lib/access-text.ts";
import { portNumbers } from "../../../lib/port-label.ts";

/** What the Request access blade says once the server answered 202: the request waits for approval. */
export function requestSentText(request: Pick<AccessRequest, "status" | "approval" | "ports" | "vmName">): { title: string; body: string } {
  if (request.status !== "pending") {
    return { title: accessRequestStatusText(request), body: `Your request for ${request.vmName} is no longer waiting.` };
  }
  const many = request.ports.length > 1;
  const clock =
    request.approval.clockStartsAt === "approval"
      ? "Your time starts when the last approval is given."
      : "Your time started with this request, so approvals late in it leave less of it.";
  return {
    title: "Request sent for approval",
    body: `${approvalsNeededText(request.approval.required)}. Port${many ? "s" : ""} ${portNumbers(request.ports)} on ${request.vmName} open${many ? "" : "s"} once approved. ${clock}`,
  };
}
