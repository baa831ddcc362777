import { randomUUID } from 'node:crypto';
import type { RunningApi } from './api';

/** The password every person a suite makes is given. */
export const PERSON_PASSWORD = 'mat-khau-thu-nghiem-2026';

/** A person made by the admin key (POST /v1/users), with PERSON_PASSWORD. */
export async function newPerson(
  api: RunningApi,
  role: 'admin' | 'officer' | 'cooperative',
  cooperativeId?: string,
): Promise<{ id: string; email: string }> {
  const email = `nguoi-${randomUUID().slice(0, 8)}@example.vn`;
  const res = await api.call('POST', '/v1/users', {
    key: api.adminKey,
    body: { email, name: `Người ${role}`, role, cooperativeId, password: PERSON_PASSWORD },
  });
  if (res.status !== 201) throw new Error(`person not created: ${res.text}`);
  return { id: res.body.id as string, email };
}

/** A cookie session of the person: the cookie to send and the CSRF token its writes need. */
export async function signedIn(api: RunningApi, email: string): Promise<{ cookie: string; csrf: string }> {
  const res = await api.call('POST', '/v1/sessions', { body: { email, password: PERSON_PASSWORD } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`not signed in: ${res.text}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const me = await api.call('GET', '/v1/me', { headers: { cookie } });
  return { cookie, csrf: me.body.csrfToken as string };
}
