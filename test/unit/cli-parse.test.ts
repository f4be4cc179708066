import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Candidate } from "../../src/candidate";
import { main } from "../../src/cli/parse";
import { fixturePath } from "./sources/support";

let stdout = "";
let stderr = "";

beforeEach(() => {
  stdout = "";
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const lines = () => stdout.split("\n").filter((l) => l !== "");

describe("feed parse", () => {
  it("prints the 1,504 candidates of the arXiv day as JSON lines", async () => {
    expect(await main(["arxiv", fixturePath("arxiv_rss_multi_archive_2024-11-28.xml")])).toBe(0);
    const out = lines();
    expect(out).toHaveLength(1504);
    for (const line of out.slice(0, 50)) expect(Candidate.safeParse(JSON.parse(line)).success).toBe(true);
  });

  it("accepts short source names", async () => {
    expect(await main(["hf", fixturePath("hf_api_daily_papers_2024-10-25.json")])).toBe(0);
    expect(lines()).toHaveLength(29);
  });

  it("fails with the source and position for an API error payload", async () => {
    expect(await main(["arxiv", fixturePath("arxiv_api_error_400_incorrect_id.xml")])).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/arxiv: line 10, column \d+.*incorrect id format for abc/);
  });

  it("fails clearly on the bad-archive listing", async () => {
    expect(await main(["arxiv", fixturePath("arxiv_rss_error_bad_archive.xml")])).toBe(1);
    expect(stderr).toContain("Bad archive 'astroph'");
  });

  it("prints nothing for the empty listing and says the day is quiet", async () => {
    expect(await main(["arxiv", fixturePath("arxiv_rss_test_archive_empty.xml")])).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toContain("quiet day");
  });

  it("rejects an unknown source or a missing file with usage, exit 2", async () => {
    expect(await main(["twitter", fixturePath("hf_api_daily_papers_2024-10-25.json")])).toBe(2);
    expect(stderr).toContain("unknown source");
    expect(await main(["arxiv", fixturePath("no_such_file.xml")])).toBe(2);
    expect(await main([])).toBe(2);
  });
});
