/**
 * WebGPU in Node through Dawn (npm `webgpu`) on a software Vulkan driver, for the tests and the benchmark.
 *
 * The driver is SwiftShader from @sparticuz/chromium (test/support/chromium.ts), which unpacks it with a
 * Vulkan loader (`libvulkan.so.1`) beside it. Under `npm test` the node project's globalSetup puts
 * LD_LIBRARY_PATH and VK_ICD_FILENAMES into the environment before the workers start, so Dawn's
 * dlopen("libvulkan.so.1") finds the loader. A process started without them (`npm run bench:gpu`) gets the same
 * driver here: the loader is loaded by its path first, so that Dawn's lookup by soname finds it already in the
 * process. `DAILY_FEED_VULKAN=system` leaves it all to the system's Vulkan loader and drivers.
 */
import os from "node:os";
import path from "node:path";
import { type DeviceRequest, type GpuContext, requestGpuContext } from "../../src/gpu/device.ts";
import { unpackChromium } from "../support/chromium.ts";

/** glibc's RTLD_NODELETE (Node's os.constants.dlopen does not export it). */
const RTLD_NODELETE = 0x1000;

/** Loads a shared library into the process for good (it is no Node addon, so "did not self-register"). */
function preload(file: string): void {
  const flags = os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  try {
    process.dlopen({ exports: {} }, file, flags);
  } catch (error) {
    if (!/self-register/.test(String(error))) throw error;
  }
}

/** Points Vulkan at SwiftShader from npm unless the environment already chose a driver (see above). */
export async function configureSoftwareVulkan(): Promise<void> {
  if (process.platform !== "linux" || process.env.DAILY_FEED_VULKAN === "system") return;
  if (process.env.VK_ICD_FILENAMES !== undefined) return;
  const dir = await unpackChromium();
  preload(path.join(dir, "libvulkan.so.1"));
  process.env.VK_ICD_FILENAMES = path.join(dir, "vk_swiftshader_icd.json");
}

let gpuObject: GPU | undefined;

/**
 * A WebGPU device from Dawn. Throws (never returns undefined) when no adapter is found, so that GPU tests fail
 * loudly on a machine without a driver instead of skipping.
 */
export async function nodeGpuContext(request: DeviceRequest = {}): Promise<GpuContext> {
  await configureSoftwareVulkan();
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  gpuObject ??= create([]);
  const ctx = await requestGpuContext(gpuObject, request);
  if (ctx === undefined) {
    throw new Error(
      `no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? "unset"}, ` +
        `LD_LIBRARY_PATH=${process.env.LD_LIBRARY_PATH ?? "unset"}): run through npm test, which sets both ` +
        "to SwiftShader from @sparticuz/chromium",
    );
  }
  return ctx;
}

/** Drops the reference to Dawn's GPU object so the Node process can exit. */
export function releaseNodeGpu(): void {
  gpuObject = undefined;
}
