/** Splits pasted or typed text at commas, semicolons and white space; drops empties and repeats. */
export function chipValues(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const value of values.flatMap((text) => text.split(/[\s,;]+/))) {
    const trimmed = value.trim();
    if (trimmed === "" || seen.has(trimmed.toLowerCase())) continue;
    seen.add(trimmed.toLowerCase());
    result.push(trimmed);
  }
  return result;
}
