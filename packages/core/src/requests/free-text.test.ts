import { describe, expect, it } from "vitest";
import { freeTextProblems, freeTextRules } from "./free-text.ts";

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
const bidi = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c];
const zeroWidth = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];
const controls = [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9f];

describe("freeTextProblems", () => {
  it.each([
    ["plain text", "INC-4711: disk full on /var"],
    ["tabs and line breaks", "line 1\r\n\tline 2"],
    ["markup (escaping is the reader's job)", "<img src=x onerror=alert(1)>"],
    ["right-to-left script without formatting characters", "שלום עליכם / مرحبا"],
    ["emoji", "🔑 🚀"],
    ["accents and a non-breaking space", "Café\u00a0crème"],
    ["the characters next to the refused ranges", "\u2029\u2070\u200a\u2065\u206a\u061b\u061d\u00a0"],
  ])("accepts %s", (_what, text) => {
    expect(freeTextProblems(text)).toEqual([]);
  });

  it.each(bidi.map((code) => [hex(code), code] as const))("refuses the bidirectional control %s", (_name, code) => {
    expect(freeTextProblems(`before ${String.fromCharCode(code)} after`)).toEqual([freeTextRules.bidi]);
  });

  it.each(zeroWidth.map((code) => [hex(code), code] as const))("refuses the zero-width character %s", (_name, code) => {
    expect(freeTextProblems(`before${String.fromCharCode(code)}after`)).toEqual([freeTextRules.zeroWidth]);
  });

  it.each(controls.map((code) => [hex(code), code] as const))("refuses the control character %s", (_name, code) => {
    expect(freeTextProblems(`before${String.fromCharCode(code)}after`)).toEqual([freeTextRules.control]);
  });

  it("names every rule broken, once each, in a fixed order", () => {
    expect(freeTextProblems("\u200b\u202e\u0000\u202e\u200b")).toEqual([freeTextRules.control, freeTextRules.bidi, freeTextRules.zeroWidth]);
  });
});
