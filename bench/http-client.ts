/**
 * What the HTTP benchmarks share: signing in like the web console, autocannon over the members' read route, and
 * the members in a shuffled (deterministic) order so that reads go over every member, not one hot row.
 */
import autocannon from 'autocannon';
import { DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD } from '../src/modules/demo/demo-portal.ts';
import { DEMO_ORG, DEMO_PASSWORD } from '../src/modules/demo/seed.ts';
import { rng } from '../src/modules/demo/synthetic.ts';

export interface Session {
  /** The Cookie header (session and CSRF cookies). */
  cookie: string;
  /** The CSRF token for writes (`x-csrf-token`). */
  csrf: string;
}

/** Signs in like the web console: CSRF token (and its cookie), then the login with the header. */
export function signIn(base: string, login: string): Promise<Session> {
  return signInAt(base, '/api/v1/auth/login', { login, password: DEMO_PASSWORD });
}

/** Signs the demo member-page user (9000001) in on the member page. */
export function signInMember(base: string): Promise<Session> {
  return signInAt(base, '/api/v1/portal/auth/login', { org: DEMO_ORG, member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD });
}

async function signInAt(base: string, path: string, body: Record<string, string>): Promise<Session> {
  const cookies = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const jar = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${base}/api/v1/auth/csrf`);
  keep(csrf);
  const { token } = (await csrf.json()) as { token: string };
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: jar() },
    body: JSON.stringify(body),
  });
  keep(res);
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return { cookie: jar(), csrf: token };
}

/** The second factor of a session that asks for one (`POST /api/v1/auth/totp`). */
export async function completeTotp(base: string, session: Session, code: string): Promise<void> {
  const res = await fetch(`${base}/api/v1/auth/totp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf, cookie: session.cookie },
    body: JSON.stringify({ code }),
  });
  if (!res.ok) throw new Error(`TOTP failed: ${res.status} ${await res.text()}`);
}

/** `ids` shuffled in place with a fixed seed. */
export function shuffled(ids: string[], seed = 7): string[] {
  const shuffle = rng(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

/**
 * `amount` audited reads `GET /api/v1/members/:id?purpose=P04` over `ids` from `offset` on, with `connections`
 * connections. A fixed amount (not a duration), so that the run ends with every request answered.
 */
export function readMembers(opts: { url: string; cookie: string; ids: string[]; amount: number; offset: number; connections: number }) {
  let next = opts.offset;
  return autocannon({
    url: `${opts.url}/api/v1/members`,
    connections: opts.connections,
    amount: opts.amount,
    timeout: 10,
    // Samples every 100 ms: a run of a fixed amount ends at the first sample after its last answer, and its
    // duration with it. At the default (1 s) a 12 s run was counted as 13 or 14 s (up to 8 % fewer reads/s).
    sampleInt: 100,
    headers: { cookie: opts.cookie, accept: 'application/json' },
    requests: [
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>) => {
          const id = opts.ids[next++ % opts.ids.length]!;
          return { ...req, path: `/api/v1/members/${id}?purpose=P04` };
        },
      },
    ],
  });
}

export type CannonResult = Awaited<ReturnType<typeof readMembers>>;

/** Errors of an autocannon run: connection errors, timeouts and non-2xx answers. */
export const errorsOf = (r: CannonResult) => r.errors + r.timeouts + r.non2xx;
