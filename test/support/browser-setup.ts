/**
 * Vitest globalSetup of the `node` project: makes Chromium and SwiftShader available (./chromium.ts) and puts
 * them into the environment before the test workers start. Vitest spawns its fork workers after every
 * globalSetup has run, with a copy of this process's environment, so LD_LIBRARY_PATH (read by the dynamic
 * loader only at process start) reaches Dawn in the workers.
 */
import { browserPlatform, vulkanEnv } from "./chromium.ts";

export default async function setup(): Promise<void> {
  const platform = await browserPlatform();
  process.env.CHROMIUM_PATH = platform.chromium;
  if (platform.chromiumLibraryPath === undefined) delete process.env.CHROMIUM_LIBRARY_PATH;
  else process.env.CHROMIUM_LIBRARY_PATH = platform.chromiumLibraryPath;
  if (platform.vulkanDir !== undefined) Object.assign(process.env, vulkanEnv(platform.vulkanDir));
}
