/** The API's shapes for staff users (the other organization routes still declare theirs inline). */
import { z } from 'zod';

export const userStatusParams = z.strictObject({ id: z.uuid() });

export const userStatusBody = z.strictObject({
  /** `disabled` ends the user's sessions on every instance at once; `active` lets the user sign in again. */
  status: z.enum(['active', 'disabled']),
});
export type UserStatusBody = z.infer<typeof userStatusBody>;
