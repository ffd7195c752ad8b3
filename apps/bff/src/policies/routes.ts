import { Router, type Request } from "express";
import {
  fieldPath,
  fieldPathParts,
  ImportPoliciesEnvelopeSchema,
  ImportPoliciesQuerySchema,
  PutPoliciesBodySchema,
  RemovePoliciesBodySchema,
  type ApprovalSettings,
  type FieldPathPart,
  type FieldProblem,
  type JustificationRule,
  type NamedApprover,
  type ExportPoliciesResponse,
  type ImportPoliciesResponse,
  type ListPoliciesResponse,
  type Policy,
  type PolicyPort,
  type VmPropertiesResponse,
} from "@portcullis/contract";
import { autoApprovalRuleIssues, justificationRuleIssues, validatePolicy } from "@portcullis/core";
import type { ArmClients } from "../lib/azure/clients.ts";
import { auditContextOf } from "../lib/audit/audit-context.ts";
import { requireAuthContext } from "../lib/auth/authenticate.ts";
import { authorize, guard } from "../lib/auth/guard.ts";
import type { Directory } from "../lib/auth/directory.ts";
import { InputError, NotFoundError, problemsError } from "../lib/errors.ts";
import { parseInput } from "../lib/http/validation.ts";
import { checkAcceptedLosses, readDefenderImport, toDefenderPolicies } from "./defender-schema.ts";
import { policyIssueProblems, toJitPolicy, toPolicy } from "./policy-mapping.ts";
import type { PolicyRepository } from "./repository.ts";
import type { PolicyService } from "./service.ts";
import { readVmProperties } from "./vm-properties.ts";
import { checkVmIds, vmIdFromQuery } from "../lib/http/vm-ids.ts";

export interface PolicyRouteDeps {
  policies: PolicyService;
  repository: PolicyRepository;
  arm: ArmClients;
  /** Resolves named approvers to object ids when a policy is saved. */
  directory: Directory;
}

/**
 * Named approvers as object ids: each name is resolved through the directory now (400 naming the entry when nobody
 * has it), so approvals later match the immutable id and tenant, never a user name.
 */
async function resolveApprovers(approval: ApprovalSettings, directory: Directory): Promise<ApprovalSettings> {
  const problems: FieldProblem[] = [];
  const named: NamedApprover[] = [];
  for (const [index, text] of approval.approvers.users.entries()) {
    const found = await directory.findUser(text);
    if (found === null) {
      problems.push({ field: fieldPath(["approval", "approvers", "users", index]), rule: `"${text}" is not a user Portcullis knows: give their object id, or ask them to sign in to Portcullis once` });
    } else if (!named.some((entry) => entry.oid === found.oid)) {
      named.push(found);
    }
  }
  if (problems.length > 0) throw problemsError(problems);
  return { ...approval, approvers: { ...approval.approvers, users: named.map((entry) => entry.oid), named } };
}

/** The domain rules the schema cannot express (CIDRs, repeated ports, whole-minute durations): 400 naming each field. */
function checkPorts(ports: readonly PolicyPort[]): void {
  const problems = policyIssueProblems(validatePolicy(toJitPolicy(ports)));
  if (problems.length > 0) throw problemsError(problems);
}

/** An approval rule that can be met: without role holders or groups, no more approvals than named users (plus the requester when self-approval counts). */
function checkApproval(approval: ApprovalSettings): void {
  const { approvers, requiredApprovals } = approval;
  if (approvers.roleHolders || approvers.groups.length > 0) return;
  const named = new Set(approvers.users.map((u) => u.toLowerCase())).size;
  if (requiredApprovals > named) {
    const rule = `must not exceed the ${named} named approver${named === 1 ? "" : "s"} when neither role holders nor groups may approve`;
    throw new InputError(`approval.requiredApprovals: ${rule}`, { details: { problems: [{ field: "approval.requiredApprovals", rule }] } });
  }
}

function refuseProblems(problems: readonly FieldProblem[]): void {
  if (problems.length > 0) throw problemsError(problems);
}

/** A justification rule that can be used: its pattern compiles (RE2), its hint is there, its minimum in range. */
function checkJustificationRule(rule: JustificationRule): void {
  refuseProblems(justificationRuleIssues(rule).map((issue) => ({ field: fieldPath(["justificationRule", issue.field]), rule: issue.rule })));
}

/**
 * An automatic approval rule that can hold: a real time zone, non-empty hours, ports of this policy, and groups the
 * directory knows (when it can tell; otherwise group object ids only, since a name could never match the token's
 * `groups` claim of Entra ID, which lists ids).
 */
function checkAutoApproval(approval: ApprovalSettings, ports: readonly PolicyPort[], directory: Directory): void {
  const rule = approval.autoApprove;
  if (rule === undefined || rule === null) return;
  const field = (...path: FieldPathPart[]) => fieldPath(["approval", "autoApprove", ...path]);
  const problems: FieldProblem[] = autoApprovalRuleIssues(rule, ports.map((p) => p.port)).map((issue) => ({ field: field(...fieldPathParts(issue.field)), rule: issue.rule }));
  rule.groups.forEach((group, index) => {
    const problem = directory.groupProblem(group);
    if (problem !== null) problems.push({ field: field("groups", index), rule: problem });
  });
  refuseProblems(problems);
}

/** Every VM needs `permission` at its scope, checked before anything reads ARM. */
async function authorizeEach(req: Request, permission: "jit.policy.write" | "jit.vm.read", vmIds: readonly string[]): Promise<void> {
  for (const vmId of vmIds) await authorize(req, permission, vmId);
}

/** Parses and checks a PUT/preview body: the same rules for one or many VMs. */
function parsePutBody(body: unknown) {
  const parsed = parseInput(PutPoliciesBodySchema, body, "body");
  const vmIds = checkVmIds(parsed.vmIds, (i) => fieldPath(["vmIds", i]));
  checkPorts(parsed.ports);
  if (parsed.approval !== undefined && parsed.approval !== null) checkApproval(parsed.approval);
  if (parsed.justificationRule !== undefined && parsed.justificationRule !== null) checkJustificationRule(parsed.justificationRule);
  return {
    vmIds,
    ports: parsed.ports,
    expectedVersions: parsed.expectedVersions,
    justificationRequired: parsed.justificationRequired,
    justificationRule: parsed.justificationRule,
    approval: parsed.approval,
    breakGlass: parsed.breakGlass,
    endLiveSessions: parsed.endLiveSessions,
  };
}

/**
 * The import body: the Defender file itself, or `{ document, acceptLosses }` (only those two fields) when the admin
 * accepts losing what the dry run listed.
 */
function importBody(body: unknown): { document: unknown; acceptLosses: string[] } {
  const isEnvelope = typeof body === "object" && body !== null && !Array.isArray(body) && "document" in body && Object.keys(body).every((key) => key === "document" || key === "acceptLosses");
  if (!isEnvelope) return { document: body, acceptLosses: [] };
  const parsed = parseInput(ImportPoliciesEnvelopeSchema, body, "body");
  return { document: parsed.document, acceptLosses: parsed.acceptLosses };
}

const writeAnywhere = { kind: "permission", permission: "jit.policy.write", scope: "some" } as const;
const readAnywhere = { kind: "permission", permission: "jit.vm.read", scope: "some" } as const;

export function policyRoutes(deps: PolicyRouteDeps): Router {
  const router = Router();

  router.get(
    "/policies",
    guard(readAnywhere, async (req, res) => {
      const access = await requireAuthContext(req).access();
      const items: Policy[] = (await deps.policies.list()).filter((r) => access.has("jit.vm.read", r.vmId)).map(toPolicy);
      const body: ListPoliciesResponse = { items };
      res.json(body);
    }),
  );

  router.get(
    "/policies/vm",
    guard({ kind: "permission", permission: "jit.vm.read", scope: vmIdFromQuery }, async (req, res) => {
      const vmId = vmIdFromQuery(req);
      const record = await deps.policies.get(vmId);
      if (record === null) throw new NotFoundError(`VM ${vmId} has no JIT policy`, { details: { vmId } });
      const body: Policy = toPolicy(record);
      res.json(body);
    }),
  );

  router.post(
    "/policies/preview",
    guard(writeAnywhere, async (req, res) => {
      const { vmIds, ports } = parsePutBody(req.body);
      await authorizeEach(req, "jit.policy.write", vmIds);
      res.json(await deps.policies.preview(vmIds.map((vmId) => ({ vmId, ports }))));
    }),
  );

  router.put(
    "/policies",
    guard(writeAnywhere, async (req, res) => {
      const { vmIds, ports, expectedVersions, justificationRequired, justificationRule, approval: asked, breakGlass, endLiveSessions } = parsePutBody(req.body);
      await authorizeEach(req, "jit.policy.write", vmIds);
      if (asked !== undefined && asked !== null) checkAutoApproval(asked, ports, deps.directory);
      const approval = asked === undefined || asked === null ? asked : await resolveApprovers(asked, deps.directory);
      if (approval !== undefined && approval !== null) checkApproval(approval);
      const targets = vmIds.map((vmId) => ({
        vmId,
        ports,
        ...(justificationRequired === undefined ? {} : { justificationRequired }),
        ...(justificationRule === undefined ? {} : { justificationRule }),
        ...(approval === undefined ? {} : { approval }),
        ...(breakGlass === undefined ? {} : { breakGlass }),
        ...(endLiveSessions === undefined ? {} : { endLiveSessions }),
      }));
      res.json(await deps.policies.put(targets, { ...(expectedVersions === undefined ? {} : { expectedVersions }), kind: "put", context: auditContextOf(req) }));
    }),
  );

  router.post(
    "/policies/remove",
    guard(writeAnywhere, async (req, res) => {
      const parsed = parseInput(RemovePoliciesBodySchema, req.body, "body");
      const vmIds = checkVmIds(parsed.vmIds, (i) => fieldPath(["vmIds", i]));
      await authorizeEach(req, "jit.policy.write", vmIds);
      res.json(await deps.policies.remove(vmIds, auditContextOf(req)));
    }),
  );

  router.post(
    "/policies/import",
    guard(writeAnywhere, async (req, res) => {
      const { dryRun } = parseInput(ImportPoliciesQuerySchema, req.query, "query");
      const { document, acceptLosses } = importBody(req.body);
      const { targets, historicalRequests, losses } = readDefenderImport(document);
      await authorizeEach(
        req,
        "jit.policy.write",
        targets.map((t) => t.vmId),
      );
      if (!dryRun) checkAcceptedLosses(losses, acceptLosses);
      const plain = targets.map((t) => ({ vmId: t.vmId, ports: t.ports }));
      const nsgs = dryRun
        ? (await deps.policies.preview(plain)).nsgs
        : (
            await deps.policies.put(
              targets.map((t) => ({
                vmId: t.vmId,
                ports: t.ports,
                requestHistory: t.history,
                ...(t.justificationRequired === undefined ? {} : { justificationRequired: t.justificationRequired }),
                ...(t.justificationRule === undefined ? {} : { justificationRule: t.justificationRule }),
              })),
              { kind: "import", context: auditContextOf(req) },
            )
          ).nsgs;
      const body: ImportPoliciesResponse = { dryRun, policies: plain, nsgs, historicalRequests, losses };
      res.json(body);
    }),
  );

  router.get(
    "/policies/export",
    guard(readAnywhere, async (req, res) => {
      let records;
      if (req.query["vmId"] !== undefined) {
        const vmId = vmIdFromQuery(req);
        await authorize(req, "jit.vm.read", vmId);
        const record = await deps.policies.get(vmId);
        if (record === null) throw new NotFoundError(`VM ${vmId} has no JIT policy`, { details: { vmId } });
        records = [record];
      } else {
        const access = await requireAuthContext(req).access();
        records = (await deps.policies.list()).filter((r) => access.has("jit.vm.read", r.vmId));
      }
      const body: ExportPoliciesResponse = { value: toDefenderPolicies(records) };
      res.json(body);
    }),
  );

  router.get(
    "/vms/properties",
    guard({ kind: "permission", permission: "jit.vm.read", scope: vmIdFromQuery }, async (req, res) => {
      const body: VmPropertiesResponse = await readVmProperties(deps.arm, deps.repository, vmIdFromQuery(req));
      res.json(body);
    }),
  );

  return router;
}
