/**
 * Codes of the policy document that the server and the console share (the console imports them from here, the
 * document schema in `modules/policy/document.ts` is built on them).
 */

/**
 * The kinds of request the law gives the person (Arts. 32–35): a `requests.kinds` entry that is one of these is
 * named by its label on the notice; any other entry is the co-op's own wording, shown as written.
 */
export const requestKinds = [
  'notification_of_purpose',
  'disclosure',
  'disclosure_of_records',
  'correction',
  'cessation',
  'cessation_of_provision',
] as const;
export type RequestKindCode = (typeof requestKinds)[number];

/**
 * Ways to make a request: a `requests.methods` entry that is one of these is shown with the contact window's own
 * details (the phone number, the address, the member page's link); any other entry is shown as written.
 */
export const requestMethods = ['phone', 'post', 'counter', 'email', 'member_page'] as const;
export type RequestMethodCode = (typeof requestMethods)[number];

/** Circled numbers as published (①–⑳, ㉑–㊿); beyond fifty, (51). One rule for the notice, the console, exports and PDFs. */
export function circledNumber(n: number): string {
  if (n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (n >= 21 && n <= 35) return String.fromCodePoint(0x3251 + n - 21);
  if (n >= 36 && n <= 50) return String.fromCodePoint(0x32b1 + n - 36);
  return `(${n})`;
}

/** `P01` for purpose number 1: the code a purpose gets when the policy file names none. */
export const purposeCodeOf = (p: { code?: string | undefined; number: number }): string =>
  p.code ?? `P${String(p.number).padStart(2, '0')}`;
