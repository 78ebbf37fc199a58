/**
 * A secret for a command (a connected system's password, a delivery target's key): from the environment variable
 * named, or else from standard input (`--secret-stdin`), one trailing line break removed — never from an argument,
 * since arguments show in the process list.
 */
export async function readSecret(envName: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data.replace(/\r?\n$/, '');
}
