import { useEffect, useState } from 'react';
import { api } from './api';
import { chineseMessage } from './errors';

/** One GET of the API when the screen opens: its answer (null while it loads) or the refusal in Chinese. */
export function useApiGet<T>(path: string): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<T>('GET', path)
      .then((d) => live && setData(d))
      .catch((err: unknown) => live && setError(chineseMessage(err)));
    return () => {
      live = false;
    };
  }, [path]);
  return { data, error };
}
