import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Dawn (the `webgpu` package) finds a Vulkan driver through the loader, which reads this
    // variable when `requestAdapter()` runs. SwiftShader ships in Debian's `chromium` package.
    // turbo passes a caller's own value through (globalPassThroughEnv in turbo.json).
    env: {
      VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
    },
  },
});
