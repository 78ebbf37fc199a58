import { hash, verify } from '@node-rs/argon2';
import type { FieldIssue } from '../../contract/errors.ts';

/** argon2id (the library's default) with OWASP's recommended minimum cost (19 MiB, t=2, p=1). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * The one place an argon2 verification runs. An object rather than a bare import so that tests can count the
 * verifications a sign-in makes (every refusal must do the same work: see `verifyAgainstDummy`).
 */
export const argon2Work = {
  verify: (stored: string, password: string): Promise<boolean> => verify(stored, password),
};

export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return argon2Work.verify(stored, password).catch(() => false);
}

/**
 * The same argon2 work as checking a real password, with no answer: for an unknown login and for a locked one,
 * so that neither answers faster than a wrong password does.
 */
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('mamori-dummy-password');
  await verifyPassword(await dummyHash, password);
}

/** At least 10 characters, not all one character class of digits. */
export function passwordIssues(password: string): FieldIssue[] {
  if (password.length < 10) {
    return [
      {
        field: 'password',
        code: 'too_short',
        message_ja: 'パスワードは10文字以上にしてください。',
        message_en: 'The password must be at least 10 characters.',
      },
    ];
  }
  if (/^\d+$/.test(password)) {
    return [
      {
        field: 'password',
        code: 'too_simple',
        message_ja: 'パスワードを数字だけにはできません。',
        message_en: 'The password cannot be digits only.',
      },
    ];
  }
  return [];
}
