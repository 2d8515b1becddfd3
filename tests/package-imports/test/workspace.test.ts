import { describe, expect, it } from 'vitest';
import { exportEntries, loaderSource, workspaceGlobs } from './workspace.js';

// The helpers decide what the import test checks; these pin how they read an exports map.
describe('exportEntries', () => {
  it('imports ESM entries, requires JSON and "require" entries, and names subpaths', () => {
    const entries = exportEntries({
      name: 'p',
      exports: {
        '.': { types: './dist/index.d.ts', import: './dist/index.js', require: './dist/index.cjs' },
        './sub': { types: './dist/sub.d.ts', import: './dist/sub.js' },
        './package.json': './package.json',
      },
    });
    expect(entries.map((e) => [e.specifier, e.loader, e.target])).toEqual([
      ['p', 'import', './dist/index.js'],
      ['p', 'require', './dist/index.cjs'],
      ['p/sub', 'import', './dist/sub.js'],
      ['p/package.json', 'require', './package.json'],
    ]);
  });

  it('treats a string or a bare conditions object as the main entry', () => {
    expect(exportEntries({ name: 'a', exports: './x.js' })).toEqual([
      { subpath: '.', specifier: 'a', loader: 'import', target: './x.js' },
    ]);
    expect(exportEntries({ name: 'b', exports: { default: './y.js' } })[0]?.target).toBe('./y.js');
  });

  it('refuses pattern exports and entries with nothing loadable', () => {
    expect(() => exportEntries({ name: 'c', exports: { './*': './dist/*.js' } })).toThrow(/pattern/);
    expect(() => exportEntries({ name: 'd', exports: { '.': { types: './d.d.ts' } } })).toThrow(
      /no loadable/,
    );
  });

  it('writes loader source that prints the export names', () => {
    expect(loaderSource({ subpath: '.', specifier: 'p', loader: 'import', target: './i.js' })).toContain(
      'await import("p")',
    );
    expect(loaderSource({ subpath: '.', specifier: 'p', loader: 'require', target: './i.cjs' })).toContain(
      'createRequire',
    );
  });
});

describe('workspaceGlobs', () => {
  it('reads the packages globs of pnpm-workspace.yaml, tests/* included', () => {
    expect(workspaceGlobs()).toEqual(expect.arrayContaining(['packages/*', 'apps/*', 'tests/*', 'examples']));
  });
});
