/** The user's pasted or uploaded text as JSON, or why it is not JSON (before anything is sent). */
export function parseJsonDocument(text: string): { ok: true; document: unknown } | { ok: false; problem: string } {
  if (text.trim() === "") return { ok: false, problem: "Paste a policy or upload a .json file." };
  try {
    const document: unknown = JSON.parse(text);
    if (typeof document !== "object" || document === null || Array.isArray(document)) {
      return { ok: false, problem: "Expected a JSON object: one Defender policy, or an ARM list ({ \"value\": [...] })." };
    }
    return { ok: true, document };
  } catch (error) {
    return { ok: false, problem: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}
