/**
 * Who is signed in, read from GET /v1/me at start; the CSRF token it carries goes to the API
 * client's memory. Which pages a role is offered is decided here from the role; the API decides
 * what it answers, so a page hidden here is a courtesy, never the protection.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Cooperative, Me } from './api';

export interface Session {
  me: Me;
  /** every producer, for officers' and admins' picker; empty for cooperative staff */
  producers: Cooperative[];
  /** the producer the workspace pages show: a cooperative's own, or the picker's choice (null = all) */
  producerId: string | null;
  chooseProducer: (id: string | null) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}

export type Role = Me['role'];

/** What a role may do: it mirrors the API's rules (docs/api.md, "Roles") so no button leads to a 403. */
export const can = {
  writeCatalogue: (role: Role) => role === 'admin' || role === 'cooperative',
  manageShops: (role: Role) => role === 'admin' || role === 'cooperative',
  handleOrders: (role: Role) => role === 'admin' || role === 'cooperative',
  readProvince: (role: Role) => role === 'admin' || role === 'officer',
  recordAssessments: (role: Role) => role === 'admin' || role === 'officer',
  seeSync: (role: Role) => role === 'admin',
};

export function producerName(session: Session, id: string): string {
  return session.producers.find((p) => p.id === id)?.name ?? '';
}
