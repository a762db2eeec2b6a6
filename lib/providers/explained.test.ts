// A provider's failure carries its advice in both languages in one text; each reader gets theirs.
import { describe, expect, it } from 'vitest';
import { inLanguage } from './explained';
import { ProviderError } from './types';

const ADVICE = { ja: '別のフレーバーを選んでください。', en: 'Choose another flavor.' };

describe('a provider failure explained in Japanese and English', () => {
  it('keeps the failure and its code in the message, with one line of advice per language', () => {
    const e = new ProviderError('aws', 'InsufficientInstanceCapacity', 'creating node ocs-1: EC2 InsufficientInstanceCapacity: no capacity', false, ADVICE);
    expect(e.message).toBe(`creating node ocs-1: EC2 InsufficientInstanceCapacity: no capacity\n[ja] ${ADVICE.ja}\n[en] ${ADVICE.en}`);
    expect(new ProviderError('aws', 'timeout', 'no answer', true).message).toBe('no answer');
  });

  it("shows each reader their own language's advice, wherever the failure was quoted", () => {
    // As a failed step records it: the step's words, then the node's failure quoted with its advice.
    const recorded = `step create-nodes failed: 1 of 2 nodes could not be created: ${new ProviderError('aws', 'X', 'creating node ocs-1: EC2 X: no', false, ADVICE).message}`;
    expect(inLanguage(recorded, 'ja')).toBe(`step create-nodes failed: 1 of 2 nodes could not be created: creating node ocs-1: EC2 X: no\n${ADVICE.ja}`);
    expect(inLanguage(recorded, 'en')).toBe(`step create-nodes failed: 1 of 2 nodes could not be created: creating node ocs-1: EC2 X: no\n${ADVICE.en}`);
    expect(inLanguage('a failure without advice', 'ja')).toBe('a failure without advice');
  });
});
