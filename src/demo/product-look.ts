/** What a drawn demo product looks like: drawn by art/ and described by copy.ts. */
import type { DemoCategory, DemoColor, PatternKind } from './vocabulary.js';

export interface ProductLook {
  category: DemoCategory;
  color: DemoColor;
  /** Belts, laces, buttons, straps and the second tone of a two-tone product. */
  accent: DemoColor;
  pattern: PatternKind;
  /** Feature keys from the category's vocabulary; drawn and described. */
  features: string[];
}
