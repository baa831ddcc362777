import { allPages, call, type Endpoints } from './demo-shops';

/**
 * The demo's three sign-ins (issue 14): an admin, an officer of the provincial trade department
 * and a staff member of HTX chè Hảo Đạt. They share one password, DEMO_PASSWORD, which the demo
 * generates into .env on its first run and prints, as it does the admin key.
 */
export const DEMO_PEOPLE = [
  { email: 'quantri@ocop-demo.example', name: 'Quản trị viên (demo)', role: 'admin' },
  {
    email: 'canbo@socongthuong-thainguyen.example',
    name: 'Lê Thu Hà (Sở Công Thương Thái Nguyên)',
    role: 'officer',
  },
  {
    email: 'nhanvien@htx-haodat.example',
    name: 'Trần Văn Đạt (HTX chè Hảo Đạt)',
    role: 'cooperative',
    producer: 'HTX chè Hảo Đạt',
  },
] as const;

export interface DemoSignIn {
  email: string;
  name: string;
  role: string;
  producer?: string;
}

type Api = Pick<Endpoints, 'api' | 'adminKey'>;

async function expect(what: string, answer: Promise<{ status: number; body: any }>, status: number) {
  const got = await answer;
  if (got.status !== status) throw new Error(`${what}: ${got.status} ${JSON.stringify(got.body)}`);
  return got.body;
}

/**
 * Makes the three people exist, enabled, with their role and producer and with `password`,
 * through the public API only. A person already there (a re-run) gets `password` back through a
 * fresh invitation the demo accepts itself, so the password printed is always the one that works,
 * whatever happened to the account meanwhile.
 */
export async function ensureDemoPeople(endpoints: Api, password: string): Promise<DemoSignIn[]> {
  const people = await allPages<{ id: string; email: string }>(endpoints, '/v1/users');
  const signIns: DemoSignIn[] = [];
  for (const person of DEMO_PEOPLE) {
    let cooperativeId: string | undefined;
    if ('producer' in person) {
      const found = await allPages<{ id: string; name: string }>(
        endpoints,
        `/v1/cooperatives?q=${encodeURIComponent(person.producer)}`,
      );
      cooperativeId = found.find((c) => c.name === person.producer)?.id;
      if (!cooperativeId) throw new Error(`${person.producer} is not seeded`);
    }
    const existing = people.find((p) => p.email === person.email);
    const details = { name: person.name, role: person.role, ...(cooperativeId ? { cooperativeId } : {}) };
    if (!existing) {
      await expect(
        `creating ${person.email}`,
        call('POST', `${endpoints.api}/v1/users`, endpoints.adminKey, {
          email: person.email,
          password,
          ...details,
        }),
        201,
      );
    } else {
      await expect(
        `updating ${person.email}`,
        call('PATCH', `${endpoints.api}/v1/users/${existing.id}`, endpoints.adminKey, {
          ...details,
          disabled: false,
        }),
        200,
      );
      const invitation = await expect(
        `inviting ${person.email}`,
        call('POST', `${endpoints.api}/v1/users/${existing.id}/invites`, endpoints.adminKey),
        201,
      );
      const token = String(invitation.inviteUrl).split('#/invite/')[1];
      await expect(
        `setting the password of ${person.email}`,
        call('POST', `${endpoints.api}/v1/invites/accept`, undefined, { token, password }),
        201,
      );
    }
    signIns.push({
      email: person.email,
      name: person.name,
      role: person.role,
      ...('producer' in person ? { producer: person.producer } : {}),
    });
  }
  return signIns;
}
