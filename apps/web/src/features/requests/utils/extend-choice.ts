/** The Extend dialog's choices: a preset number of minutes, or minutes typed in. */
export type ExtendChoice = "30" | "60" | "custom";

export const extendChoices: ReadonlyArray<{ value: ExtendChoice; label: string }> = [
  { value: "30", label: "30 min" },
  { value: "60", label: "1 h" },
  { value: "custom", label: "Custom" },
];

export function asExtendChoice(value: string): ExtendChoice {
  return extendChoices.find((choice) => choice.value === value)?.value ?? "30";
}

/** Whole minutes to add; null when the custom text is not a whole number from 1 to 24 hours. */
export function extendMinutesOf(choice: ExtendChoice, custom: string): number | null {
  const text = choice === "custom" ? custom.trim() : choice;
  if (!/^\d+$/.test(text)) return null;
  const minutes = Number(text);
  return minutes >= 1 && minutes <= 24 * 60 ? minutes : null;
}
