import { indexGrams, queryGrams } from '../../domain/text-search';

/** What a search in the read model does with the grams: every gram of the query among the text's. */
const finds = (query: string, text: string) => {
  const grams = new Set(indexGrams(text));
  const wanted = queryGrams(query);
  return wanted.length > 0 && wanted.every((g) => grams.has(g));
};

describe('Chinese text cut into grams for search', () => {
  test('a word inside a sentence is found without a dictionary: 路灯 finds 小区路灯不亮', () => {
    expect(finds('路灯', '小区路灯不亮')).toBe(true);
    expect(finds('灯不亮', '小区路灯不亮')).toBe(true);
    expect(finds('路灯 不亮', '小区路灯不亮，晚上很黑')).toBe(true);
    expect(finds('水管', '小区路灯不亮')).toBe(false);
    expect(finds('亮路', '小区路灯不亮')).toBe(false);
  });

  test('one character finds texts holding it; punctuation and spaces alone find nothing', () => {
    expect(finds('灯', '小区路灯不亮')).toBe(true);
    expect(queryGrams('，。 ! ')).toEqual([]);
  });

  test('Latin words and digits stay whole and case-insensitive', () => {
    expect(finds('led', '3栋LED灯坏了')).toBe(true);
    expect(finds('3栋', '3栋LED灯坏了')).toBe(true);
    expect(finds('le', '3栋LED灯坏了')).toBe(false);
  });

  test('each gram once', () => {
    const grams = indexGrams('灯灯灯灯');
    expect(new Set(grams).size).toBe(grams.length);
  });
});
