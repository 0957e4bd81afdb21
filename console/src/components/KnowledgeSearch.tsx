import { Alert, Button, Form, Input, Tag, Typography, type FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import type { KnowledgeEntry, KnowledgePage } from '../../../domain/knowledge';
import { api } from '../api';
import { chineseMessage } from '../errors';

/** Wait this long after the last keystroke before asking: one search per word typed, not per character. */
const DEBOUNCE_MS = 300;
/**
 * Where the adopted entry is remembered: a value of the intake form's store that no field shows. NewCaseSchema
 * leaves it out of the registration's body; recordKnowledgeUse reads and clears it.
 */
const ADOPTED = 'knowledgeEntryId';

/**
 * 知识库 on the intake form: as the operator types words, the entries valid today that hold them (most used first);
 * for a consultation, 采用此答复 puts an entry's answer into the form's 直接答复内容 and remembers the entry.
 */
export function KnowledgeSearch({ form }: { form: FormInstance }) {
  const type = Form.useWatch('type', form) as string | undefined;
  const adopted = Form.useWatch(ADOPTED, { form, preserve: true }) as number | undefined;
  const [words, setWords] = useState('');
  const [found, setFound] = useState<{ words: string; items: KnowledgeEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = words.trim();

  useEffect(() => {
    if (!query) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      api<KnowledgePage>('GET', `/knowledge?q=${encodeURIComponent(query)}&limit=5`)
        .then((page) => {
          if (!live) return;
          setFound({ words: query, items: page.items });
          setError(null);
        })
        .catch((err: unknown) => live && setError(chineseMessage(err)));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const adopt = (entry: KnowledgeEntry) => {
    form.setFieldValue('answer', entry.answer);
    form.setFieldValue(ADOPTED, entry.id);
  };

  const items = query && found?.words === query ? found.items : null;
  return (
    <section aria-label="知识库" style={{ marginBottom: 16, padding: 12, background: '#fafafa', borderRadius: 6 }}>
      <Form.Item label="查找知识库" htmlFor="knowledge-search" style={{ marginBottom: 8 }} extra="输入关键词，列出今日有效的知识库条目">
        <Input
          id="knowledge-search"
          value={words}
          allowClear
          autoComplete="off"
          onChange={(e) => setWords(e.target.value)}
          // Enter here searches (as typing does); it must not register the case.
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
        />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
      {items && items.length === 0 && <Typography.Text type="secondary">知识库中没有找到相关条目</Typography.Text>}
      {items && items.length > 0 && (
        <ul aria-label="知识库条目" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {items.map((entry) => (
            <li key={entry.id} aria-label={entry.question} style={{ padding: '8px 0', borderTop: '1px solid #f0f0f0' }}>
              <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
                <Typography.Text strong style={{ flex: 1 }}>
                  {entry.question}
                </Typography.Text>
                <Tag>{entry.category}</Tag>
                {type === 'consultation' &&
                  (adopted === entry.id ? (
                    <Tag color="green">已采用</Tag>
                  ) : (
                    <Button size="small" onClick={() => adopt(entry)}>
                      采用此答复
                    </Button>
                  ))}
              </div>
              <Typography.Paragraph style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>{entry.answer}</Typography.Paragraph>
              {entry.source && <Typography.Text type="secondary">来源：{entry.source}</Typography.Text>}
            </li>
          ))}
        </ul>
      )}
      {items && items.length > 0 && type !== 'consultation' && (
        <Typography.Text type="secondary">咨询类诉求可采用知识库答复，当场办结。</Typography.Text>
      )}
    </section>
  );
}

/**
 * After a registration: a case closed at once was answered directly (直接答复); if its answer came from an entry, the
 * entry's use is recorded (once per case, however often this runs). The receipt does not wait for it, and a failure
 * to count leaves the registered case as it is, so it is not shown.
 */
export function recordKnowledgeUse(form: FormInstance, view: { id: string; stage: string }): void {
  const entryId = form.getFieldValue(ADOPTED) as number | undefined;
  form.setFieldValue(ADOPTED, undefined);
  if (entryId === undefined || view.stage !== 'closed') return;
  api('POST', `/knowledge/${entryId}/uses`, { caseId: view.id }).catch(() => undefined);
}
