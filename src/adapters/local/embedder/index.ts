export { createLocalEmbedder, createRecipeEmbedder, type LocalEmbedder, type LocalEmbedderOptions } from './local-embedder.js';
export { DEFAULT_LOCAL_RECIPE, LOCAL_RECIPE_NAMES, RECIPES, recipeDimension, type LocalRecipeName, type Recipe } from './recipes.js';
