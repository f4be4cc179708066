/** Headline quantities in plain text ("32×", "20%", "3 ms", "orders of magnitude"), weighted by how much they say. */
export interface Quantity {
  text: string;
  weight: number;
}

const NUM = String.raw`(?<![\w.-])\d+(?:[.,]\d+)?`;
const UNIT = String.raw`(?:dB|ms|µs|ns|GB|MB|TB|[KMGTP]?FLOPs?|tokens?(?: per second|\/s)?|fps|Hz|GHz|MHz|W|kWh|bits?|bps|params|parameters|GPU[- ]hours|hours|days|[kMB]\b)`;

const QUANTITY_PATTERNS: { pattern: RegExp; weight: number }[] = [
  {
    pattern: new RegExp(
      String.raw`(?:up to |over |more than |at least )?\b${NUM}\s?(?:×|x\b|-fold\b|fold\b|times\b)`,
      "gi",
    ),
    weight: 5,
  },
  { pattern: /\b(?:(?:several|many|two|three|four|\d+)[- ])?orders?[- ]of[- ]magnitude\b/gi, weight: 4 },
  { pattern: new RegExp(String.raw`(?:up to |over |more than |at least |by )?${NUM}\s?%`, "g"), weight: 4 },
  { pattern: new RegExp(String.raw`\b${NUM}\s?(?:to|–|-)\s?${NUM}\s?${UNIT}`, "g"), weight: 3 },
  { pattern: new RegExp(String.raw`\b${NUM}\s?${UNIT}`, "g"), weight: 3 },
  {
    pattern:
      /\b(?:accuracy|AUC|F1|BLEU|Sharpe(?: ratio)?s?|R²|RMSE|MSE|MAE|error|perplexity)\b[^.;]{0,25}?\d+(?:\.\d+)?/gi,
    weight: 3,
  },
  { pattern: /\bO\([^)]*\)/g, weight: 3 },
  { pattern: new RegExp(String.raw`\b${NUM}\s?(?:to|–|-)\s?${NUM}\b`, "g"), weight: 2 },
  { pattern: /(?<![\w.-])\d{1,3}(?:,\d{3})+(?![\w.])|(?<![\w.-])\d+(?:\.\d+)?(?![\w.%×-])/g, weight: 1 },
];

export function quantitiesIn(plain: string): Quantity[] {
  const found: Quantity[] = [];
  const seen = new Set<string>();
  for (const { pattern, weight } of QUANTITY_PATTERNS) {
    for (const m of plain.matchAll(pattern)) {
      const text = m[0].trim();
      // years and version-like tokens are not results
      if (weight <= 2 && /^(19|20)\d\d$/.test(text)) continue;
      if (seen.has(text)) continue;
      seen.add(text);
      found.push({ text, weight });
    }
  }
  return found;
}
