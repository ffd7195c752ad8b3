import type { Request } from "express";
import { z } from "zod";
import { problemsError } from "../errors.ts";
import { isVmId, vmIdRule, type FieldProblem } from "@portcullis/contract";
import { parseInput } from "./validation.ts";

export { isVmId, vmIdRule };

/** Every id must be a VM id and appear once (ids compare case-insensitively); 400 naming each bad entry. */
export function checkVmIds(vmIds: readonly string[], field: (index: number) => string): string[] {
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  const ids = vmIds.map((raw, index) => {
    const id = raw.trim();
    if (!isVmId(id)) {
      problems.push({ field: field(index), rule: vmIdRule });
      return id;
    }
    const earlier = seen.get(id.toLowerCase());
    if (earlier !== undefined) problems.push({ field: field(index), rule: `repeats ${field(earlier)}` });
    else seen.set(id.toLowerCase(), index);
    return id;
  });
  if (problems.length > 0) {
    throw problemsError(problems);
  }
  return ids;
}

const VmIdQuerySchema = z.object({ vmId: z.string().trim().min(1).max(400) });

/** `?vmId=` of a request, checked (400 when missing or not a VM id). */
export function vmIdFromQuery(req: Request): string {
  const { vmId } = parseInput(VmIdQuerySchema, req.query, "query");
  const [id] = checkVmIds([vmId], () => "vmId");
  return id as string;
}
