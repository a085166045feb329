import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * V8 holds a script's whole source in memory for as long as the script lives, as one string: one byte per
 * character when every character is ASCII, two when any is not. esbuild escapes non-ASCII in strings, templates
 * and regular expressions, but keeps a few comments it finds inside expressions (zod's, our JSDoc on class
 * fields) as written, and one `→` there made the 6.8 MB bundle a 13.6 MB string in every task process. So each
 * remaining non-ASCII UTF-16 unit (only ever in comments) becomes `?`: the same length in UTF-16 units, so
 * source-map columns stay right. The same plugin is in scripts/build.mjs (plain JavaScript).
 */
export const asciiSourcePlugin: Plugin = {
  name: 'ascii-source',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      if (build.initialOptions.write === false) return;
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const out of Object.keys(result.metafile?.outputs ?? {})) {
        if (!out.endsWith('.js')) continue;
        const file = resolve(cwd, out);
        const text = readFileSync(file, 'utf8');
        // eslint-disable-next-line no-control-regex
        if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/g, '?'));
      }
    });
  },
};

/**
 * esbuild settings every CommonJS bundle of our entry points needs for `@platformatic/kafka` (ESM reading
 * `import.meta.url`), and an ASCII-only output (above): the same as scripts/build.mjs, for the bundles tests and
 * benchmarks build themselves.
 */
export const PLATFORMATIC_BUNDLE_OPTIONS: Pick<BuildOptions, 'banner' | 'define' | 'alias' | 'plugins'> = {
  banner: { js: 'var __skc_import_meta_url = require("url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__skc_import_meta_url' },
  alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
  plugins: [asciiSourcePlugin],
};
