/**
 * Rules for free text people type that others read later (justifications, approval and review comments, names
 * in the activity log and in notifications): characters that change how the rest of the text is shown, or that
 * cannot be seen at all, are refused rather than stripped, so what is stored is what the author sees.
 */

/** Tab, line feed and carriage return: the only control characters free text may hold. */
const allowedControls = new Set([0x09, 0x0a, 0x0d]);

/**
 * Bidirectional formatting characters (Trojan Source, CVE-2021-42574): embeddings and overrides U+202A–U+202E,
 * isolates U+2066–U+2069, the marks U+200E/U+200F and the Arabic letter mark U+061C. They reorder what follows,
 * so "approved by alice" can read as something else in the activity log or an e-mail.
 */
const bidiControls = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]);

/** Zero-width characters: U+200B–U+200D, the word joiner U+2060 and U+FEFF (zero-width no-break space / BOM). */
const zeroWidth = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);

export const freeTextRules = {
  control: "must not contain control characters (tabs and line breaks are fine)",
  bidi: "must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)",
  zeroWidth: "must not contain zero-width characters (U+200B–U+200D, U+2060, U+FEFF)",
} as const;

/** C0 controls and DEL other than tab and line breaks, and the C1 controls U+0080–U+009F. */
function isControl(code: number): boolean {
  return ((code < 0x20 || code === 0x7f) && !allowedControls.has(code)) || (code >= 0x80 && code <= 0x9f);
}

/** Every rule `text` breaks, in the order of `freeTextRules`; empty when it is fine. */
export function freeTextProblems(text: string): string[] {
  let control = false;
  let bidi = false;
  let invisible = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    control ||= isControl(code);
    bidi ||= bidiControls.has(code);
    invisible ||= zeroWidth.has(code);
  }
  return [...(control ? [freeTextRules.control] : []), ...(bidi ? [freeTextRules.bidi] : []), ...(invisible ? [freeTextRules.zeroWidth] : [])];
}
