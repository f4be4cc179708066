/**
 * Headless Chromium and a software Vulkan driver (SwiftShader) from npm, for the browser and GPU tests and the
 * GPU benchmark: `@sparticuz/chromium` carries a brotli-packed Chromium with SwiftShader's Vulkan ICD and a
 * Vulkan loader (`libvulkan.so.1`), so a machine with nothing but Node and npm can run WebGPU.
 *
 * The npm path is the default. A system browser or Vulkan driver is used only when asked for:
 * - `CHROMIUM_PATH=/usr/bin/chromium` (a file that exists) runs that browser instead;
 * - `DAILY_FEED_VULKAN=system` leaves the Vulkan environment alone (the system's loader and drivers, or the
 *   caller's own VK_ICD_FILENAMES).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const repoRoot = path.resolve(import.meta.dirname, "../..");

/**
 * What @sparticuz/chromium unpacks: the browser, SwiftShader's Vulkan driver with a loader beside it, and the
 * shared libraries the browser links that a bare machine may lack (NSS, NSPR, expat: its Amazon Linux set).
 */
const UNPACKED = [
  "chromium",
  "libvulkan.so.1",
  "libvk_swiftshader.so",
  "vk_swiftshader_icd.json",
  "al2023/lib/libnss3.so",
  "al2023/lib/libexpat.so.1",
] as const;

export interface BrowserPlatform {
  /** The Chromium binary playwright-core launches. */
  chromium: string;
  /** Where it came from. */
  chromiumSource: "npm" | "system";
  /** Shared libraries for the npm Chromium alone (its LD_LIBRARY_PATH), so that it needs none from the system. */
  chromiumLibraryPath: string | undefined;
  /** The folder with libvulkan.so.1 and the SwiftShader ICD, or undefined when the system's Vulkan is used. */
  vulkanDir: string | undefined;
}

function sparticuzVersion(): string {
  const manifest = path.join(repoRoot, "node_modules/@sparticuz/chromium/package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return version;
}

/**
 * Unpacks @sparticuz/chromium once per version into `<tmp>/daily-feed-chromium-<version>/` and returns that
 * folder. The package unpacks into os.tmpdir() and trusts any `chromium` file already there, so it runs in a
 * child process whose TMPDIR is a private staging folder, renamed into place when complete: concurrent runs
 * and interrupted unpacks never leave a half-written browser where another run would use it. The package adds
 * its shared libraries (al2023.tar.br) only when it believes it runs on AWS Lambda; the child says it does, so
 * that they are unpacked too.
 */
export async function unpackChromium(): Promise<string> {
  const dir = path.join(tmpdir(), `daily-feed-chromium-${sparticuzVersion()}`);
  if (UNPACKED.every((f) => existsSync(path.join(dir, f)))) return dir;
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const script = 'const c = (await import("@sparticuz/chromium")).default; await c.executablePath();';
    await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: repoRoot,
      env: {
        ...process.env,
        TMPDIR: staging,
        TMP: staging,
        TEMP: staging,
        AWS_LAMBDA_JS_RUNTIME: "nodejs22.x",
      },
    });
    const missing = UNPACKED.filter((f) => !existsSync(path.join(staging, f)));
    if (missing.length > 0) throw new Error(`@sparticuz/chromium did not unpack ${missing.join(", ")}`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another run put a complete copy there between the rm and the rename: use it.
      if (!UNPACKED.every((f) => existsSync(path.join(dir, f)))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Resolves the browser and the Vulkan driver the tests use (see the module comment for the choices). */
export async function browserPlatform(): Promise<BrowserPlatform> {
  const asked = process.env.CHROMIUM_PATH;
  const systemChromium = asked && existsSync(asked) ? asked : undefined;
  if (asked && !systemChromium) {
    console.warn(`CHROMIUM_PATH=${asked} does not exist; using Chromium from @sparticuz/chromium`);
  }
  const useSystemVulkan = process.env.DAILY_FEED_VULKAN === "system";
  if (systemChromium && useSystemVulkan) {
    return {
      chromium: systemChromium,
      chromiumSource: "system",
      chromiumLibraryPath: undefined,
      vulkanDir: undefined,
    };
  }
  const dir = await unpackChromium();
  return {
    chromium: systemChromium ?? path.join(dir, "chromium"),
    chromiumSource: systemChromium ? "system" : "npm",
    chromiumLibraryPath: systemChromium ? undefined : path.join(dir, "al2023", "lib"),
    vulkanDir: useSystemVulkan ? undefined : dir,
  };
}

/**
 * The environment a process needs, from its start, to run Dawn on SwiftShader: the dynamic loader reads
 * LD_LIBRARY_PATH only when a process starts, so this goes into the environment of processes not yet spawned.
 */
export function vulkanEnv(vulkanDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const inherited = (env.LD_LIBRARY_PATH ?? "").split(":").filter((p) => p !== "" && p !== vulkanDir);
  return {
    LD_LIBRARY_PATH: [vulkanDir, ...inherited].join(":"),
    VK_ICD_FILENAMES: path.join(vulkanDir, "vk_swiftshader_icd.json"),
  };
}
