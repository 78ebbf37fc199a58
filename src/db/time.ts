/** Current time as stored: ISO-8601 UTC with milliseconds. Tests pass a fixed clock. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const iso = (d: Date): string => d.toISOString();
