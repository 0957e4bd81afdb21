/**
 * Prints the authorization matrix (domain/authorization.ts) as the Markdown table the README shows; with
 * `--write`, puts it into README.md between its markers. Never edit the README's table by hand.
 *
 *   npx tsx scripts/authorization-table.ts [--write]
 */
import fs from 'node:fs';
import path from 'node:path';
import { authorizationMarkdown } from '../domain/authorization';

const START = '<!-- authorization-matrix:start -->';
const END = '<!-- authorization-matrix:end -->';

const table = authorizationMarkdown();
if (process.argv.includes('--write')) {
  const file = path.join(__dirname, '..', 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  fs.writeFileSync(file, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
  console.log('README.md: authorization matrix updated');
} else {
  console.log(table);
}
