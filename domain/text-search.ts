/**
 * Words in Chinese text without a dictionary: text is cut into overlapping character pairs (bigrams), the way CJK
 * search engines index it, plus single characters so a one-character query still finds something. A query matches
 * a text when every gram of the query is among the text's: 路灯 finds 小区路灯不亮; 灯不亮 finds it too (灯不, 不亮).
 * Latin words and digit runs stay whole (lower-cased), so 'LED' or '3栋' behave as people expect.
 */
import type { Citizen } from './case';
import { redactText } from './privacy';

const SEPARATORS = /[\s\p{P}\p{S}]+/u;
const HAN = /\p{Script=Han}/u;

/** Runs of Han characters and runs of other letters/digits, in order. */
function runs(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.toLowerCase().split(SEPARATORS)) {
    let current = '';
    let currentHan = false;
    for (const ch of chunk) {
      const han = HAN.test(ch);
      if (current && han !== currentHan) {
        out.push(current);
        current = '';
      }
      current += ch;
      currentHan = han;
    }
    if (current) out.push(current);
  }
  return out;
}

function hanGrams(run: string, withSingles: boolean): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const grams: string[] = withSingles ? [...chars] : [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i] + chars[i + 1]);
  return grams;
}

/** Every gram of a text to index: bigrams and single characters of Han runs, other runs whole. Deduplicated. */
export function indexGrams(text: string): string[] {
  const grams = new Set<string>();
  for (const run of runs(text)) for (const g of HAN.test(run[0] ?? '') ? hanGrams(run, true) : [run]) grams.add(g);
  return [...grams];
}

/**
 * The grams a query needs, all of them: bigrams of Han runs (a one-character run: that character), other runs whole.
 * Empty for a query of only spaces and punctuation.
 */
export function queryGrams(query: string): string[] {
  const grams = new Set<string>();
  for (const run of runs(query)) for (const g of HAN.test(run[0] ?? '') ? hanGrams(run, false) : [run]) grams.add(g);
  return [...grams];
}

/** What of a case is searched: its words, never its citizen. */
export interface SearchableCase {
  citizen: Citizen;
  title: string;
  content: string;
  location?: string;
  category?: string;
}

/**
 * The grams a case is found by: title, content, location and category, with the citizen's name and phone cut out and
 * other phone and ID numbers masked first (as for someone from whom the citizen is hidden), so the index holds no
 * personal data of the reporter.
 */
export function caseSearchGrams(c: SearchableCase): string[] {
  const text = [c.title, c.content, c.location ?? '', c.category ?? ''].join('\n');
  return indexGrams(redactText(text, c.citizen, 'hidden'));
}
