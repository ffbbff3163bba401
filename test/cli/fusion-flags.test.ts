import { describe, expect, it } from 'vitest';
import { fusionMethod, legWeightFlag } from '../../src/cli/parse-options.js';
import { UserInputError } from '../../src/core/errors.js';

describe('match fusion flags', () => {
  it('--weight LEG=VALUE adds one leg weight to those given before; keyword may be auto', () => {
    expect(legWeightFlag('style=0.5', legWeightFlag('keyword=auto'))).toEqual({ keyword: 'auto', style: 0.5 });
    expect(legWeightFlag('dense=0')).toEqual({ dense: 0 });
  });

  it('refuses an unknown leg, a negative weight and "auto" for any leg but keyword, naming the flag', () => {
    expect(() => legWeightFlag('colour=1')).toThrow(UserInputError);
    expect(() => legWeightFlag('colour=1')).toThrow('--weight must be LEG=VALUE with LEG one of dense, keyword, text, neighbours, style, season, color, got "colour=1"');
    expect(() => legWeightFlag('dense=-1')).toThrow('--weight dense must be a number >= 0, got "-1"');
    expect(() => legWeightFlag('style=auto')).toThrow('--weight style must be a number >= 0, got "auto"');
    expect(() => legWeightFlag('style')).toThrow(/LEG=VALUE/);
  });

  it('--fusion is one of the methods', () => {
    expect(fusionMethod('rrf')).toBe('rrf');
    expect(() => fusionMethod('max')).toThrow('--fusion must be one of weighted-rrf, rrf, got "max"');
  });
});
