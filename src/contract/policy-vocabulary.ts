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
