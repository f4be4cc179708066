import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { EprintError, unpackEprint } from "../../../src/paper/archive";
import { chunked, eprint } from "./fixtures";

async function errorOf(p: Promise<unknown>): Promise<EprintError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EprintError) return err;
    throw err;
  }
  throw new Error("expected an EprintError");
}

describe("unpacking an arXiv e-print", () => {
  it("reads a gzip'd tar, keeping TeX and the author's style files and skipping figures and bibliographies", async () => {
    const r = await unpackEprint(eprint("eprint_1803.07574.tar.gz"));
    expect(r.format).toBe("tar");
    expect(r.files.map((f) => f.path)).toEqual(["main.tex", "numcompress.sty"]);
    expect(r.skipped).toEqual(["main.bbl", "Graphs/Causal_k.pdf"]);
    expect(r.files[0]?.text).toContain("\\documentclass");
    expect(r.bytesOut).toBeGreaterThan(r.bytesIn);
  });

  it("reads a single gzip'd .tex, as arXiv serves one-file submissions", async () => {
    const r = await unpackEprint(eprint("eprint_1707.08043.gz"));
    expect(r.format).toBe("single-tex");
    expect(r.files).toHaveLength(1);
    expect(r.files[0]?.text).toMatch(/^\\documentclass\{amsart\}/m);
  });

  it("gives the same files when the body arrives in small chunks that split tar headers", async () => {
    const bytes = eprint("eprint_1907.10121.tar.gz");
    const whole = await unpackEprint(bytes);
    const streamed = await unpackEprint(chunked(bytes, 333));
    expect(streamed.files).toEqual(whole.files);
    expect(streamed.files.map((f) => f.path)).toContain("ckdtree.tex");
  });

  it("stops at the byte cap instead of unpacking a huge e-print", async () => {
    const err = await errorOf(unpackEprint(eprint("eprint_1708.00137.tar.gz"), { maxBytes: 64 * 1024 }));
    expect(err.kind).toBe("too-large");
  });

  it("cuts a kept file at the per-file cap", async () => {
    const r = await unpackEprint(eprint("eprint_1707.08043.gz"), { maxFileBytes: 1000 });
    expect(r.files[0]?.text.length).toBeLessThanOrEqual(1000);
  });

  it("reports a truncated archive, a PDF-only submission and an empty body by kind", async () => {
    expect((await errorOf(unpackEprint(eprint("eprint_error_truncated.tar.gz")))).kind).toBe("truncated");
    expect((await errorOf(unpackEprint(eprint("eprint_error_pdf_only.pdf")))).kind).toBe("pdf-only");
    expect((await errorOf(unpackEprint(new Uint8Array(0)))).kind).toBe("empty");
    const pdfInGzip = gzipSync(Buffer.from(eprint("eprint_error_pdf_only.pdf")));
    expect((await errorOf(unpackEprint(new Uint8Array(pdfInGzip)))).kind).toBe("pdf-only");
  });

  it("rejects a body that is neither a tar nor TeX", async () => {
    const err = await errorOf(
      unpackEprint(new Uint8Array(gzipSync(Buffer.from("just some words, no TeX at all")))),
    );
    expect(err.kind).toBe("not-latex");
  });
});
