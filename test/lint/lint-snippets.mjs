// Lints snippets with the repository's eslint.config.mjs, as ESLint itself loads it (an ES module: Jest's
// CommonJS runtime cannot import it, so test/lint runs this in a child process). Reads
// `[{ "file": "lib/x.ts", "code": "…" }]` on stdin, prints one `[{ ruleId, message }]` per snippet as JSON.
import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
const eslint = new ESLint({ cwd: root });
const results = [];
for (const { file, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  results.push((result?.messages ?? []).map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(results));
