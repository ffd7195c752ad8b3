import { maxJustificationPatternLength, maxJustificationTextLength, type JustificationRule } from "@portcullis/contract";
import { RE2JS } from "re2js";

/**
 * Justification rules, pure. Patterns are compiled with RE2JS (a JavaScript port of RE2): matching takes time
 * linear in the text whatever the pattern, so an admin's `(a+)+$` cannot stall the server the way a backtracking
 * engine (JavaScript's own RegExp) would. The price is RE2's syntax: no backreferences and no lookaround, which a
 * pattern using them is refused for when it is saved.
 */

/** A broken part of a rule, named by its field within the rule (`pattern`, `minLength`). */
export interface JustificationRuleIssue {
  field: "minLength" | "pattern" | "hint";
  rule: string;
}

/** Compiled patterns by source: policies are few, and a pattern is compiled once per process. */
const compiled = new Map<string, RE2JS>();
const maxCompiled = 500;

function compile(pattern: string): RE2JS {
  let found = compiled.get(pattern);
  if (found === undefined) {
    found = RE2JS.compile(pattern);
    if (compiled.size >= maxCompiled) compiled.clear();
    compiled.set(pattern, found);
  }
  return found;
}

/** Why the pattern cannot be used (RE2's own message), or null when it compiles. */
function patternProblem(pattern: string): string | null {
  if ([...pattern].length > maxJustificationPatternLength) return `must be at most ${maxJustificationPatternLength} characters`;
  try {
    compile(pattern);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `is not a valid pattern (RE2 syntax: no backreferences or lookaround): ${reason}`;
  }
}

/** Whether `text` holds a match of `pattern`; a pattern that does not compile matches nothing. */
function patternMatches(pattern: string, text: string): boolean {
  try {
    return compile(pattern).matcher(text).find();
  } catch {
    return false;
  }
}

/** Every problem of a rule as an admin saves it (the schema checked the shapes; this checks the meaning). */
export function justificationRuleIssues(rule: JustificationRule): JustificationRuleIssue[] {
  const issues: JustificationRuleIssue[] = [];
  if (!Number.isInteger(rule.minLength) || rule.minLength < 0 || rule.minLength > maxJustificationTextLength) {
    issues.push({ field: "minLength", rule: `must be between 0 and ${maxJustificationTextLength}` });
  }
  if (rule.pattern !== null) {
    const problem = patternProblem(rule.pattern);
    if (problem !== null) issues.push({ field: "pattern", rule: problem });
    if (rule.hint === null || rule.hint.trim() === "") issues.push({ field: "hint", rule: "is required with a pattern: tell requesters what to type (it is the message a refused justification gets)" });
  }
  return issues;
}

/** Characters as people count them (code points), not UTF-16 units. */
export function justificationLength(text: string): number {
  return [...text].length;
}

/**
 * The rules a (trimmed, non-empty) justification breaks under `rule`: too short, or not matching the pattern (then
 * the rule is the admin's hint, with the pattern). Empty when it passes. A stored pattern that no longer compiles
 * refuses every justification rather than letting any through.
 */
export function justificationRuleProblems(text: string, rule: JustificationRule | null): string[] {
  if (rule === null) return [];
  const problems: string[] = [];
  if (justificationLength(text) < rule.minLength) problems.push(`must be at least ${rule.minLength} characters (this VM's policy)`);
  if (rule.pattern !== null) {
    if (!patternMatches(rule.pattern, text)) problems.push(`${rule.hint ?? "must match the policy's pattern"} (must match the pattern ${rule.pattern})`);
  }
  return problems;
}
