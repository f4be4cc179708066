import type { FeatureState } from "../../src/config";
import { factory } from "../factory";

/**
 * `GET /healthz`: up, and which features are configured. States only, never a value: a bad secret
 * shows as "misconfigured" (that feature is off), and the log at start names the variable.
 */
export const healthRoutes = factory.createApp();

healthRoutes.get("/healthz", (c) => {
  const { features, email, dev } = c.var.config;
  // Cloudflare mail also needs its binding, which the parsed vars cannot see.
  const mail: FeatureState =
    email?.transport === "cloudflare" && !c.env.EMAIL ? "not_configured" : features.email;
  return c.json({
    status: "ok",
    features: {
      signedLinks: features.tokens,
      admin: features.admin,
      email: mail,
      telegram: features.telegram,
      devRoutes: dev.routes,
    },
  });
});
