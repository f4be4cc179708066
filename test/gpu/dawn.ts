/**
 * WebGPU in Node through Dawn (npm `webgpu`) on a software Vulkan driver, for the tests and the benchmark.
 *
 * Debian's chromium package ships SwiftShader's Vulkan ICD and a Vulkan loader in /usr/lib/chromium. Dawn
 * dlopen()s "libvulkan.so.1" by name; when the system has no loader (package libvulkan1), chromium's copy is
 * loaded first with RTLD_NODELETE so that Dawn's lookup by soname finds it already in the process.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { type DeviceRequest, type GpuContext, requestGpuContext } from "../../src/gpu/device.ts";

const CHROMIUM_DIR = "/usr/lib/chromium";
const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;
/** glibc's RTLD_NODELETE (Node's os.constants.dlopen does not export it). */
const RTLD_NODELETE = 0x1000;

function preloadVulkanLoader(): void {
  const flags = os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  const attempt = (file: string): boolean => {
    try {
      process.dlopen({ exports: {} }, file, flags);
      return true;
    } catch (error) {
      // A library that loads but is no Node addon fails with "did not self-register" and stays loaded.
      return /self-register/.test(String(error));
    }
  };
  if (attempt("libvulkan.so.1")) return;
  const bundled = `${CHROMIUM_DIR}/libvulkan.so.1`;
  if (existsSync(bundled)) attempt(bundled);
}

/** Points Vulkan at SwiftShader unless the environment chose a driver, and makes a Vulkan loader available. */
export function configureSoftwareVulkan(): void {
  if (process.platform !== "linux") return;
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  preloadVulkanLoader();
}

let gpuObject: GPU | undefined;

/**
 * A WebGPU device from Dawn. Throws (never returns undefined) when no adapter is found, so that GPU tests fail
 * loudly on a machine without a driver instead of skipping.
 */
export async function nodeGpuContext(request: DeviceRequest = {}): Promise<GpuContext> {
  configureSoftwareVulkan();
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  gpuObject ??= create([]);
  const ctx = await requestGpuContext(gpuObject, request);
  if (ctx === undefined) {
    throw new Error(
      "no WebGPU adapter: install chromium (SwiftShader Vulkan ICD) or set VK_ICD_FILENAMES to a Vulkan driver",
    );
  }
  return ctx;
}

/** Drops the reference to Dawn's GPU object so the Node process can exit. */
export function releaseNodeGpu(): void {
  gpuObject = undefined;
}
