/**
 * The README's commands are copied by operators as they stand: every Temporal CLI call goes through `npm run temporal`
 * (the configured address and namespace, never the CLI's own default, which may be another Huiying), and no shell
 * example carries a fixed month or day, which would return nothing once that month has passed.
 */
import fs from 'node:fs';
import path from 'node:path';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The shell code blocks (```bash, ```sh, ```shell), line by line with their line numbers. */
function shellLines(): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let inShell = false;
  README.split('\n').forEach((text, i) => {
    const fence = /^\s*```(\w*)/.exec(text);
    if (fence) inShell = !inShell && ['bash', 'sh', 'shell'].includes(fence[1]);
    else if (inShell) out.push({ line: i + 1, text });
  });
  return out;
}

/** Inline code spans of the prose that are commands someone runs. */
function inlineCommands(): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  // Spans may wrap onto the next line.
  const prose = README.replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, ' '));
  for (const m of prose.matchAll(/`([^`]+)`/g)) {
    out.push({ line: prose.slice(0, m.index).split('\n').length, text: m[1].replace(/\s*\n\s*/g, ' ') });
  }
  return out;
}

/** The CLI's commands that talk to a server (`server start-dev`, `env`, `config`, `help` do not). */
const REMOTE = /(^|[\s;&|(`$/])temporal\s+(workflow|schedule|operator|activity|batch|task-queue|worker|nexus)\b/;
const WRAPPED = /npm run (-s )?temporal --/g;

test('every Temporal CLI call in the README goes through npm run temporal', () => {
  const bare = [...shellLines(), ...inlineCommands()].filter(({ text }) => REMOTE.test(text.replace(WRAPPED, '')));
  expect(bare.map(({ line, text }) => `${line}: ${text.trim()}`)).toEqual([]);
});

test('no shell example of the README carries a fixed month or day', () => {
  // A year and a month (2026-11) in a date or an instant: computed with `date`. A ledger number (LZ-2026-000123) names a
  // case that a fresh install has not: taken from the walk ($LEDGER).
  const fixed = shellLines().filter(({ text }) => /\b20\d\d-[01]\d\b|\b[A-Z]+-20\d\d-\d+/.test(text.replace(/#.*$/, '')));
  expect(fixed.map(({ line, text }) => `${line}: ${text.trim()}`)).toEqual([]);
});
