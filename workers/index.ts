import { Hono } from "hono";

export { ReaderState } from "../durable-objects/reader-state";

const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.text("ok"));

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
