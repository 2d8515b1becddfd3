import { defineConfig } from 'vitepress';

/** The sidebar is the table of contents; test/site.test.ts checks every page in it exists. */
export const sidebar = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Concepts: FFF and CMM', link: '/guide/concepts' },
      { text: 'Benchmarks', link: '/guide/benchmarks' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'Backends', link: '/reference/backends' },
      { text: 'Tensor API', link: '/reference/tensor' },
      { text: 'Tokenizer', link: '/reference/tokenizer' },
      { text: 'CLI', link: '/reference/cli' },
    ],
  },
];

export default defineConfig({
  title: 'UltraFastBERT for TypeScript',
  description: 'Fast feedforward BERT (conditional matrix multiplication) in Node and the browser.',
  cleanUrls: true,
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Reference', link: '/reference/backends' },
    ],
    sidebar,
    search: { provider: 'local' },
  },
});
