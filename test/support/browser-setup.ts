/**
 * Vitest globalSetup of the `node` project: makes Chromium and SwiftShader available (./chromium.ts) and puts
 * them into the environment before the test workers start. Vitest spawns its fork workers after every
 * globalSetup has run, with a copy of this process's environment, so LD_LIBRARY_PATH (read by the dynamic
 * loader only at process start) reaches Dawn in the workers.
 */
import { browserPlatform, vulkanEnv } from "./chromium.ts";

export default async function setup(): Promise<void> {
  const platform = await browserPlatform();
  // Names of their own, so that CHROMIUM_PATH stays what the user asked for (a rerun in watch mode resolves again).
  process.env.DAILY_FEED_TEST_CHROMIUM = platform.chromium;
  if (platform.chromiumLibraryPath === undefined) delete process.env.DAILY_FEED_TEST_CHROMIUM_LIBS;
  else process.env.DAILY_FEED_TEST_CHROMIUM_LIBS = platform.chromiumLibraryPath;
  if (platform.vulkanDir !== undefined) Object.assign(process.env, vulkanEnv(platform.vulkanDir));
}
