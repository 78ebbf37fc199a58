/**
 * Policy presets (ポリシーのひな形): one policy file per seed privacy policy, written from the published text.
 * A co-op starts from the preset closest to its own policy and edits it; where the published text is silent
 * the preset leaves the field out (with a comment in the YAML), so the lint lists what is still to be filled in.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../base/errors.ts';
import type { PolicyDocument } from './document.ts';
import { parsePolicyFile } from './policy-file.ts';

export interface PolicyPreset {
  id: string;
  name: string;
  name_en: string;
  /** The YAML file's name in `./presets/`. */
  file: string;
}

export const policyPresets: readonly PolicyPreset[] = [
  { id: 'miyagi', name: 'みやぎ生活協同組合', name_en: 'Miyagi Consumer Co-operative', file: 'miyagi.yaml' },
  {
    id: 'shizenha',
    name: 'コープ自然派事業連合と会員生協',
    name_en: 'Co-op Shizenha Business Federation and its member co-ops',
    file: 'shizenha.yaml',
  },
  {
    id: 'kitatokyo-seikatsu-club',
    name: '北東京生活クラブ生活協同組合',
    name_en: 'Seikatsu Club Consumers’ Co-operative Kita-Tokyo',
    file: 'kitatokyo-seikatsu-club.yaml',
  },
  {
    id: 'programming-club',
    name: 'こ~ぷプログラミングクラブ',
    name_en: 'Co-op Programming Club (for children)',
    file: 'programming-club.yaml',
  },
  {
    id: 'seikatsu-club-ibaraki',
    name: '生活クラブ生活協同組合・茨城',
    name_en: 'Seikatsu Club Consumers’ Co-operative Ibaraki',
    file: 'seikatsu-club-ibaraki.yaml',
  },
];

export const presetIds: readonly string[] = policyPresets.map((p) => p.id);

/** The preset's YAML text as shipped (for a download that keeps the file's comments). */
export function readPresetFile(id: string): string {
  const preset = policyPresets.find((p) => p.id === id);
  if (!preset) throw new AppError('policy_preset_unknown');
  return readFileSync(new URL(`./presets/${preset.file}`, import.meta.url), 'utf8');
}

/** Loads a preset as a policy document; throws `policy_preset_unknown` for an id not in `presetIds`. */
export function loadPreset(id: string): PolicyDocument {
  return parsePolicyFile(readPresetFile(id));
}

/**
 * A preset as another organization's starting point: its registers, with the organization's own identity in
 * place of the seed co-op's. The address and representative are left empty (the lint asks for them) rather
 * than carrying the seed co-op's into another organization's policy.
 */
export function adoptPreset(
  id: string,
  org: { code: string; name: string; name_en: string; kind: PolicyDocument['organization']['kind'] },
): PolicyDocument {
  const preset = loadPreset(id);
  return { ...preset, organization: { code: org.code, name: org.name, name_en: org.name_en, kind: org.kind } };
}
