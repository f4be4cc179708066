import { createFactory } from "hono/factory";
import type { AppEnv } from "./config";
import { requestContext } from "./middleware/request-context";

/**
 * Every route module is made by this factory, so each carries the config and the request id,
 * whether mounted in the app or called alone (as some tests do).
 */
export const factory = createFactory<AppEnv>({
  initApp: (app) => {
    app.use(requestContext);
  },
});
