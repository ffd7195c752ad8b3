export * from "./net/parse.ts";
export * from "./net/compare.ts";
export * from "./net/ranges.ts";
export * from "./net/coverage.ts";
export * from "./nsg/types.ts";
export * from "./nsg/default-rules.ts";
export * from "./nsg/matchers.ts";
export * from "./nsg/compile.ts";
export * from "./nsg/evaluator.ts";
export * from "./inventory/types.ts";
export * from "./inventory/arm-id.ts";
export * from "./inventory/management-ports.ts";
export * from "./inventory/exposure.ts";
export * from "./inventory/reasons.ts";
export * from "./inventory/classify.ts";
export type {
  AllowedSources,
  Grant,
  GrantPort,
  JitPolicy,
  JitPortRule,
  JitProtocol,
  NsgChange,
  NsgDiff,
  PlanFailure,
  PlanFailureReason,
  PlanResult,
  PlanSuccess,
  RuleRenumbering,
  RuleUpdate,
  VmNicPosition,
  VmPosition,
} from "./planner/types.ts";
export { checkSourcePrefix, jitProtocols, maxAllowedPrefixes, maxRequestMinutes, minRequestMinutes, sourceLimitsOf, validatePolicy, widestPrefixSizeLimits } from "./planner/policy-validation.ts";
export type { PolicyIssue, PrefixCheck } from "./planner/policy-validation.ts";
export {
  allowRuleName,
  allowRulePrefix,
  denyRuleName,
  denyRulePrefix,
  grantHash,
  jitRulePrefix,
  maxRuleDescriptionLength,
  maxRuleNameLength,
  parseJitRuleName,
  protocolGroupOf,
  vmHash,
  vmSlug,
} from "./planner/rule-names.ts";
export type { JitRuleName, ProtocolGroup } from "./planner/rule-names.ts";
export {
  allowRuleDescription,
  denyRuleDescription,
  formatExpiry,
  grantIdPattern,
  parseAllowRuleDescription,
  parseDenyRuleDescription,
} from "./planner/rule-descriptions.ts";
export type { AllowRuleDescription, DenyRuleDescription } from "./planner/rule-descriptions.ts";
export { positionFromNetwork } from "./planner/position.ts";
export { maxRulesPerNsg } from "./planner/nsg-plan.ts";
export { planEdit, planEnable, planRemove } from "./planner/plan-policy.ts";
export type { PlanEditInput, PlanEnableInput, PlanRemoveInput, VmPolicyTarget } from "./planner/plan-policy.ts";
export { findAllowRules, findExpiredAllowRules, planExpire, planGrant } from "./planner/plan-grant.ts";
export type { AllowRuleRecord, PlanExpireInput, PlanGrantInput } from "./planner/plan-grant.ts";
export * from "./inventory/vm-network.ts";
export type { AccessRequest, FitRequestInput, FitRequestResult, FittedRequest, RequestedPort, RequestedSources, RequestProblem } from "./requests/types.ts";
export { fitRequest, maxJustificationLength } from "./requests/fit-request.ts";
export { justificationLength, justificationRuleIssues, justificationRuleProblems } from "./requests/justification-rule.ts";
export { describeJustificationRule } from "./requests/justification-text.ts";
export type { JustificationRuleIssue } from "./requests/justification-rule.ts";
export { freeTextProblems, freeTextRules } from "./requests/free-text.ts";
export { fitSources, maxRequestSources } from "./requests/fit-sources.ts";
export { portsOverlap, protocolsOverlap, supersededGrants, supersededReason } from "./requests/supersede.ts";
export type { ExistingGrant, GrantCloseReason, GrantStatus, SupersedingRequest } from "./requests/supersede.ts";
export { extendGrant, latestGrantEnd } from "./requests/extend-grant.ts";
export type { ExtendGrantInput, ExtendGrantResult } from "./requests/extend-grant.ts";
export { checkTrustedProxies, expandTrustedProxies, resolveClientIp } from "./requests/client-ip.ts";
export type { ResolveClientIpInput } from "./requests/client-ip.ts";
export { diffRules } from "./planner/diff.ts";
export { approvedGrantWindow, decisionRefusal, isInApproverSet, maxWaitMinutes, needsApproval, requestLapsesAt, tallyDecisions } from "./approvals/approvals.ts";
export { autoApprovalRuleIssues, decideAutoApproval, isKnownTimeZone, minutesOfDay, withinHours } from "./approvals/auto-approval.ts";
export type { AutoApprovalDecision, AutoApprovalInput, UnmetCondition } from "./approvals/auto-approval.ts";
export type { ApprovalPort, DecidableRequest, Decider, DecisionRefusal, PendingStatus, Tally } from "./approvals/approvals.ts";
export { forEachPooled } from "./async/pool.ts";
export { backoffDelay, jittered, type BackoffOptions } from "./async/backoff.ts";
export { describeMinutes } from "./requests/time-text.ts";
