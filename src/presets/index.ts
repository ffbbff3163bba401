export * from './preset.js';
export { BUILTIN_PRESET_SPECS } from './builtin-presets.js';
export { PresetConfigError, validatePresetSpec } from './validate-preset.js';
export { applyPresetConfig, builtinPresets, loadPresets, selectPresets, type LoadPresetsOptions } from './load-presets.js';
export { listPresets } from './list-presets.js';
