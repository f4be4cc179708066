import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ReaderState, readerStateStub, SCHEMA_VERSION } from "../../durable-objects/reader-state";
import type { Candidate } from "../../src/candidate";
import { demoProfile } from "../../src/demo-profile";
import { identityKeys } from "../../src/identity";
import { rankCandidatesSync } from "../../src/scoring/index";
import { selectIssue } from "../../src/select";

let counter = 0;
/** A fresh reader per test: storage is shared within this file. */
function freshReader(prefix: string) {
  const name = `${prefix}-${Date.now().toString(36)}-${counter++}`;
  return { name, stub: readerStateStub(env.READER_STATE, name) };
}

const profile = {
  id: "reader-a",
  name: "Reader A",
  interests: ["Optimal transport and Sinkhorn algorithms", "Limit order books and market microstructure"],
};

function paper(id: string, title: string, summary: string, aliases: string[] = []): Candidate {
  return {
    id,
    kind: "paper",
    title,
    summary,
    url: `https://arxiv.org/abs/${id.replace(/^arxiv:/, "")}`,
    authors: ["A. Author"],
    categories: ["cs.LG"],
    aliases,
    sources: ["arxiv"],
    signals: {},
  };
}

describe("ReaderState", () => {
  it("seeds the demo reader from the example issues, rules and seen items included", async () => {
    const demo = readerStateStub(env.READER_STATE, "demo");
    const p = await demo.getProfile();
    expect(p?.interests).toEqual(demoProfile.interests);
    const rules = await demo.listRules();
    expect(rules.map((r) => r.constrains).sort()).toEqual([
      "channels.identical",
      "videos.authorTalks",
      "videos.min",
    ]);
    // FlashSinkhorn went out on 2026-02-13: its v2 must not come back.
    expect(await demo.filterUnseen([["arxiv:2602.03067v2"], ["arxiv:2411.99999"]])).toEqual([false, true]);
  });

  it("keeps a reader without a profile empty rather than inventing one", async () => {
    const { stub } = freshReader("empty");
    expect(await stub.getProfile()).toBeNull();
    const failure = await stub.readerModel().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(failure)).toMatch(/no profile/);
  });

  it("rejects an invalid profile with a precise error", async () => {
    const { stub } = freshReader("invalid");
    const failure = await stub.setProfile({ id: "Bad Id!", name: "x", interests: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(failure)).toMatch(/invalid profile/);
    expect(String(failure)).toMatch(/reader id/);
    expect(await stub.getProfile()).toBeNull();
  });

  it("never picks a seen item again, even as a new arXiv version or from Hugging Face", async () => {
    const { stub } = freshReader("seen");
    await stub.setProfile(profile);
    const sent = paper(
      "arxiv:2411.18397",
      "Optimal payoff under Bregman-Wasserstein divergence constraints",
      "optimal transport",
    );
    await stub.markSeen([{ keys: identityKeys(sent), date: "2024-11-28", title: sent.title }]);
    await stub.markSeen([{ keys: identityKeys(sent), date: "2024-11-28", title: sent.title }]); // idempotent

    const newVersion = paper("arxiv:2411.18397", sent.title, sent.summary, ["arxiv:2411.18397v2"]);
    const fromHf = { ...paper("hf:2411.18397", sent.title, sent.summary), sources: ["huggingface" as const] };
    const byDoiAlias = paper("doi:10.1234/xyz", sent.title, sent.summary, ["arxiv:2411.18397v3"]);
    const fresh = paper("arxiv:2411.17900", "Sinkhorn for order books", "optimal transport limit order book");
    const pool = [newVersion, fromHf, byDoiAlias, fresh];
    const unseen = await stub.filterUnseen(pool.map((c) => identityKeys(c)));
    expect(unseen).toEqual([false, false, false, true]);

    const model = await stub.readerModel();
    const ranked = rankCandidatesSync(pool, model, { now: new Date("2024-11-28T12:00:00Z") });
    const seenIds = new Set(pool.filter((_, i) => !unseen[i]).map((c) => c.id));
    const selection = selectIssue(ranked, { rules: model.rules, isSeen: (c) => seenIds.has(c.id) });
    expect(selection.research.map((s) => s.candidate.id)).toEqual(["arxiv:2411.17900"]);
  });

  it("counts a second click on the same item as an update, not a second vote", async () => {
    const { stub } = freshReader("votes");
    await stub.setProfile(profile);
    await stub.recordFeedback({
      issueDate: "2024-11-28",
      itemId: "arxiv:2411.1",
      rating: "up",
      channel: "web",
    });
    await stub.recordFeedback({
      issueDate: "2024-11-28",
      itemId: "arxiv:2411.1",
      rating: "down",
      channel: "web",
    });
    const all = await stub.listFeedback();
    expect(all).toHaveLength(1);
    expect(all[0]?.rating).toBe("down");
  });

  it("learns a dislike: the disliked item's text enters the reader model", async () => {
    const { stub } = freshReader("dislike");
    await stub.setProfile(profile);
    await stub.markSeen([
      {
        keys: ["arxiv:2411.00001"],
        date: "2024-11-27",
        title: "Deep hedging with transformers",
        summary: "Transformers learn hedging strategies for options under transaction costs.",
      },
    ]);
    // A Telegram button carries only the item id; the item's text comes from the seen set.
    await stub.recordFeedback({
      issueDate: "2024-11-27",
      itemId: "arxiv:2411.00001",
      rating: "down",
      channel: "telegram",
    });
    const model = await stub.readerModel();
    expect(model.disliked.map((d) => [d.title, d.summary])).toEqual([
      [
        "Deep hedging with transformers",
        "Transformers learn hedging strategies for options under transaction costs.",
      ],
    ]);
    expect(Object.values(model.termWeights).some((w) => w < 0)).toBe(true);
  });

  it("turns a free-text request into a standing rule that the next issue follows", async () => {
    const { stub } = freshReader("rules");
    await stub.setProfile(profile);
    const { newRules } = await stub.recordFeedback({
      issueDate: "2024-11-28",
      text: "Great picks. Please include 2 videos every day.",
      channel: "telegram",
    });
    expect(newRules.map((r) => [r.constrains, r.params.min])).toEqual([["videos.min", 2]]);
    // The same note again adds nothing.
    const again = await stub.recordFeedback({
      issueDate: "2024-11-28",
      text: "Great picks. Please include 2 videos every day.",
      channel: "telegram",
    });
    expect(again.newRules).toEqual([]);
    expect(await stub.listRules()).toHaveLength(1);

    const removed = await stub.removeRule(newRules[0]?.id ?? "");
    expect(removed).toBe(true);
    expect(await stub.listRules()).toEqual([]);
    expect(await stub.removeRule("rule-none")).toBe(false);
  });

  it("keeps profile, feedback, rules and seen set across a restart", async () => {
    const { name, stub } = freshReader("restart");
    await stub.setProfile(profile);
    await stub.recordFeedback({
      issueDate: "2024-11-28",
      itemId: "arxiv:2411.2",
      rating: "up",
      channel: "email",
    });
    await stub.addRule({ text: "No tools.", constrains: "tools.max", params: { max: 0 } });
    await stub.markSeen([{ keys: ["arxiv:2411.18397"], date: "2024-11-28", title: "X" }]);
    const before = await runInDurableObject(stub, (instance: ReaderState) => instance);

    await evictDurableObject(stub);
    const fresh = readerStateStub(env.READER_STATE, name);
    const after = await runInDurableObject(fresh, (instance: ReaderState, state) => {
      const version = state.storage.sql
        .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")
        .one();
      return { instance, version: Number(version.value) };
    });
    expect(after.instance).not.toBe(before);
    expect(after.version).toBe(SCHEMA_VERSION);
    expect((await fresh.getProfile())?.name).toBe("Reader A");
    expect(await fresh.listFeedback()).toHaveLength(1);
    expect((await fresh.listRules()).map((r) => r.constrains)).toEqual(["tools.max"]);
    expect(await fresh.filterUnseen([["arxiv:2411.18397v4"]])).toEqual([false]);
  });

  it("exports everything as JSON and deletes it on request", async () => {
    const { stub } = freshReader("export");
    await stub.setProfile(profile);
    await stub.recordFeedback({
      issueDate: "2024-11-28",
      text: "Both channels must be identical.",
      channel: "cli",
    });
    await stub.markSeen([{ keys: ["arxiv:2411.18397", "doi:10.1/x"], date: "2024-11-28", title: "X" }]);
    const exported = await stub.exportState();
    const roundTrip = JSON.parse(JSON.stringify(exported));
    expect(roundTrip.profile.name).toBe("Reader A");
    expect(roundTrip.feedback).toHaveLength(1);
    expect(roundTrip.rules.map((r: { constrains: string }) => r.constrains)).toEqual(["channels.identical"]);
    expect(roundTrip.seen.map((s: { key: string }) => s.key).sort()).toEqual([
      "arxiv:2411.18397",
      "doi:10.1/x",
    ]);

    await stub.deleteState();
    const empty = await stub.exportState();
    expect(empty.profile).toBeNull();
    expect(empty.feedback).toEqual([]);
    expect(empty.rules).toEqual([]);
    expect(empty.seen).toEqual([]);
    expect(await stub.filterUnseen([["arxiv:2411.18397"]])).toEqual([true]);
  });
});
