import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ConnectorConfig, EVERYTHING, NotFound, ValidationFailed } from '@ocop/common';
import { ApiKeyStore } from './api-keys.repository';
import type { Principal, Role } from './principal';

/**
 * Keys are 32 random bytes, so a fast SHA-256 is enough to store them: there is nothing to guess
 * by brute force, unlike a password. The clear key is returned once, at creation.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface IssuedKey {
  id: string;
  key: string;
  role: Role;
  cooperativeId: string | null;
  label: string | null;
  createdAt: string;
}

export const ENVIRONMENT_ADMIN_KEY_ID = '00000000-0000-0000-0000-000000000000';

@Injectable()
export class ApiKeysService {
  private readonly adminKeyHash: Buffer;

  constructor(
    private readonly keys: ApiKeyStore,
    config: ConnectorConfig,
  ) {
    this.adminKeyHash = Buffer.from(hashKey(config.env.ADMIN_API_KEY), 'hex');
  }

  async issue(input: { role: Role; cooperativeId?: string; label?: string }): Promise<IssuedKey> {
    if ((input.role === 'cooperative') !== (input.cooperativeId !== undefined)) {
      throw new ValidationFailed([
        { field: 'cooperativeId', message: 'is required for a cooperative key and only for one' },
      ]);
    }
    const key = `ocop_${randomBytes(32).toString('base64url')}`;
    try {
      const saved = await this.keys.add({
        keyHash: hashKey(key),
        keyPrefix: key.slice(0, 12),
        role: input.role,
        cooperativeId: input.cooperativeId ?? null,
        label: input.label ?? null,
      });
      return {
        id: saved.id,
        key,
        role: saved.role,
        cooperativeId: saved.cooperativeId,
        label: saved.label,
        createdAt: saved.createdAt.toISOString(),
      };
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503') {
        throw new NotFound('No cooperative with that id');
      }
      throw error;
    }
  }

  async list(): Promise<(Omit<IssuedKey, 'key'> & { keyPrefix: string })[]> {
    const rows = await this.keys.active();
    return rows.map((k) => ({
      id: k.id,
      keyPrefix: k.keyPrefix,
      role: k.role,
      cooperativeId: k.cooperativeId,
      label: k.label,
      createdAt: k.createdAt.toISOString(),
    }));
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new NotFound('No active API key with that id');
  }

  /** Resolves a presented key; revocation takes effect on the very next call (no cache). */
  async authenticate(presented: string): Promise<Principal | undefined> {
    const hash = hashKey(presented);
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.adminKeyHash)) {
      return {
        actor: { kind: 'key', id: ENVIRONMENT_ADMIN_KEY_ID, name: 'ADMIN_API_KEY' },
        role: 'admin',
        scope: EVERYTHING,
      };
    }
    const key = await this.keys.activeByHash(hash);
    if (!key) return undefined;
    const cooperativeId = key.role === 'cooperative' ? (key.cooperativeId ?? undefined) : undefined;
    return {
      actor: { kind: 'key', id: key.id, name: key.label ?? `key ${key.keyPrefix}…` },
      role: key.role,
      cooperativeId,
      scope: cooperativeId ? Object.freeze({ cooperativeId }) : EVERYTHING,
    };
  }
}
