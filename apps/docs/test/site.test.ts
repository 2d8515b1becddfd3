import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import config, { sidebar } from '../.vitepress/config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const links = sidebar.flatMap((g) => g.items.map((i) => i.link));
const built = join(root, '.vitepress/dist');

describe('docs site', () => {
  it('has the required pages in the sidebar', () => {
    expect(links).toEqual(
      expect.arrayContaining([
        '/guide/getting-started',
        '/guide/concepts',
        '/guide/benchmarks',
        '/reference/backends',
        '/reference/tensor',
        '/reference/tokenizer',
        '/reference/cli',
      ]),
    );
    expect(config.cleanUrls).toBe(true);
  });

  it.each(links)('%s has a markdown source with a title', (link) => {
    const file = join(root, `${link}.md`);
    expect(existsSync(file), file).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^# \S/m);
  });

  // turbo runs `build` before `test`, so the built site is checked too (VitePress itself fails the
  // build on dead internal links).
  it.each(links)('%s was built to HTML', (link) => {
    const html = join(built, `${link}.html`);
    expect(existsSync(html), `${html} (run the docs build first)`).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('<h1');
  });

  it('states the facts the concepts page is about', () => {
    const text = readFileSync(join(root, 'guide/concepts.md'), 'utf8');
    for (const fact of ['4095', '**12**', "strict '>'", 'k · N + n', 'summed', 'D + 1'])
      expect(text).toContain(fact);
  });

  it('states the WebGPU backend status', () => {
    const text = readFileSync(join(root, 'reference/backends.md'), 'utf8');
    expect(text).toContain('Status: device acquisition only; the op kernels land in a later release.');
  });
});
