/** Types for the `bibtex-parse` package (it ships none): only what the sign-up uses. */
declare module "bibtex-parse" {
  /** Entries of a BibTeX file: `key`, `type` and every field in upper case; throws on a syntax error. */
  export function entries(bibtex: string): Array<Record<string, string | number | null | undefined>>;
}
