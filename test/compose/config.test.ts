import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig, parseConfig } from '../../src/compose/config.js';
import { resolveStage } from '../../src/compose/adapters.js';
import { UserInputError } from '../../src/core/errors.js';

describe('config.json', () => {
  it('a missing default file is the default config; a missing --config file is an error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-config-'));
    expect(await loadConfig(path.join(dir, 'config.json'))).toEqual(DEFAULT_CONFIG);
    await expect(loadConfig(path.join(dir, 'nope.json'), true)).rejects.toThrow(/cannot read the config file/);
  });

  it('reads per-stage choices, models and the store', () => {
    const config = parseConfig(
      { stages: { generator: 'local', analyzer: 'openrouter' }, models: { generator: 'google/gemini-3-pro-image-preview' }, store: 'milvus', openrouter: { maxRetries: 2 }, escalationModel: 'google/gemini-3-pro-image-preview' },
      'config.json',
    );
    expect(config.stages).toEqual({ embedder: 'auto', analyzer: 'openrouter', generator: 'local' });
    expect(config.models.generator).toBe('google/gemini-3-pro-image-preview');
    expect(config.store).toBe('milvus');
    expect(config.openrouter.maxRetries).toBe(2);
    expect(config.escalationModel).toBe('google/gemini-3-pro-image-preview');
  });

  it('names the file and the key of every mistake', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ stage: {} }, /key "stage": unknown key/],
      [{ stages: { generator: 'cloud' } }, /key "stages.generator": must be one of auto, local, openrouter/],
      [{ stages: { painter: 'local' } }, /key "stages.painter": unknown stage/],
      [{ models: { generator: 'not a model id' } }, /key "models.generator"/],
      [{ store: 'postgres' }, /key "store"/],
      [{ escalationModel: 'pro please' }, /key "escalationModel"/],
      [{ openrouter: { timeoutMs: -1 } }, /key "openrouter.timeoutMs"/],
      [[], /\(top level\)/],
    ];
    for (const [raw, message] of cases) {
      expect(() => parseConfig(raw, '/ws/config.json')).toThrow(UserInputError);
      expect(() => parseConfig(raw, '/ws/config.json')).toThrow(message);
    }
    expect(() => parseConfig({ stages: { embedder: 'gpu' } }, 'config.json')).toThrow(/^config\.json, key "stages\.embedder": must be one of auto, local, openrouter$/);
    expect(() => parseConfig({ models: { painter: 'a/b' } }, 'config.json')).toThrow('key "models.painter": unknown model role; expected embedding, analyzer or generator');
    expect(() => parseConfig({ openrouter: { retries: 1 } }, 'config.json')).toThrow('key "openrouter.retries": unknown key; expected timeoutMs or maxRetries');
    expect(() => parseConfig({ openrouter: { maxRetries: '3' } }, 'config.json')).toThrow('key "openrouter.maxRetries": must be a number >= 0');
    expect(() => parseConfig({ stages: 'local' }, 'config.json')).toThrow('key "stages": must be a JSON object');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-config-'));
    await writeFile(path.join(dir, 'config.json'), '{ "stages": ');
    await expect(loadConfig(path.join(dir, 'config.json'))).rejects.toThrow(/config.json is not valid JSON/);
  });


  it('reports every mistake of a file at once', () => {
    const error = (() => {
      try {
        parseConfig({ store: 'postgres', stages: { generator: 'cloud', painter: 'local' }, colour: 'red' }, '/ws/config.json');
      } catch (e) {
        return e as UserInputError;
      }
    })();
    expect(error?.message.split('\n')).toEqual([
      '/ws/config.json: 4 problems:',
      '  - key "stages.generator": must be one of auto, local, openrouter',
      '  - key "stages.painter": unknown stage; expected embedder, analyzer or generator',
      '  - key "store": must be one of lancedb, milvus',
      '  - key "colour": unknown key; expected stages, models, store, openrouter, escalationModel, catalog or storage',
    ]);
    expect(error?.hint).toMatch(/Configuration/);
  });

  it('fills what a file leaves out with the defaults', () => {
    expect(DEFAULT_CONFIG).toEqual({ stages: { embedder: 'auto', analyzer: 'auto', generator: 'auto' }, models: {}, store: 'lancedb', openrouter: {} });
    expect(parseConfig({ stages: { analyzer: 'local' } }, 'config.json')).toEqual({ ...DEFAULT_CONFIG, stages: { embedder: 'auto', analyzer: 'local', generator: 'auto' } });
  });
});

describe('choosing adapters', () => {
  const config = (stages: Partial<typeof DEFAULT_CONFIG.stages> = {}) => ({ ...DEFAULT_CONFIG, stages: { ...DEFAULT_CONFIG.stages, ...stages } });
  it('auto uses OpenRouter with a key and the offline adapter without one', () => {
    expect(resolveStage('generator', { config: config(), offline: false, env: { OPENROUTER_API_KEY: 'k' } })).toBe('openrouter');
    expect(resolveStage('generator', { config: config(), offline: false, env: {} })).toBe('local');
  });
  it('--offline wins over the key and the config', () => {
    expect(resolveStage('analyzer', { config: config({ analyzer: 'openrouter' }), offline: true, env: { OPENROUTER_API_KEY: 'k' } })).toBe('local');
  });
  it('each stage can be pinned separately', () => {
    const s = { config: config({ generator: 'local' }), offline: false, env: { OPENROUTER_API_KEY: 'k' } };
    expect(resolveStage('generator', s)).toBe('local');
    expect(resolveStage('analyzer', s)).toBe('openrouter');
  });
  it('asking for OpenRouter without a key says what to do', () => {
    expect(() => resolveStage('embedder', { config: config({ embedder: 'openrouter' }), offline: false, env: {} })).toThrow(/OPENROUTER_API_KEY is not set/);
  });
});
