/** Placeholder until the presets branch lands (replaced by the real preset list). */
import { AppError } from '../../app/errors.ts';
import type { PolicyDocument } from './document.ts';

export const policyPresets: { id: string; name: string; name_en: string; file: string }[] = [];

export function loadPreset(_id: string): PolicyDocument {
  throw new AppError('not_found');
}
