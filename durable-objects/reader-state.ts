import { DurableObject } from "cloudflare:workers";

/** Placeholder; replaced by the reader-model work. */
export class ReaderState extends DurableObject<Env> {
  async ping(): Promise<string> {
    return "pong";
  }
}
