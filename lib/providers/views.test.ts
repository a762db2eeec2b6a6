import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { providerCatalog } from './catalog';
import { listProviders, ZProviderView } from './views';

describe('listProviders', () => {
  it('pages through the catalog in its order, each provider once, as its view', () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = listProviders({ limit: 4, cursor });
      expect(page.providers.length).toBeLessThanOrEqual(4);
      for (const p of page.providers) expect(ZProviderView.strict().safeParse(p).success, p.id).toBe(true);
      ids.push(...page.providers.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual(providerCatalog().map((p) => p.id));
    expect(listProviders().nextCursor).toBeNull();
  });

  it('refuses a cursor it did not give, naming the field', () => {
    try {
      listProviders({ limit: 2, cursor: 'bm8tc3VjaA' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).details).toMatchObject({ fields: { cursor: expect.any(String) } });
    }
  });
});
