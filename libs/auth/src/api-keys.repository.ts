import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKey } from './api-key.entity';

/** A key as issued: only its hash and prefix are stored, never the clear key. */
export type NewApiKey = Pick<ApiKey, 'keyHash' | 'keyPrefix' | 'role' | 'cooperativeId' | 'label'>;

/** The API keys as ApiKeysService issues, lists, revokes and resolves them. */
@Injectable()
export class ApiKeyStore {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /** Stores a new key; a cooperative that does not exist fails its foreign key (23503). */
  async add(key: NewApiKey): Promise<ApiKey> {
    return this.keys.save(this.keys.create(key));
  }

  /** The keys not revoked, newest first. */
  async active(): Promise<ApiKey[]> {
    return this.keys.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /** Revokes the key if it is still active; false when there was no such active key. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return Boolean(result.affected);
  }

  /** The active key of this hash, read on every call so that a revocation applies at once. */
  async activeByHash(keyHash: string): Promise<ApiKey | null> {
    return this.keys.findOne({ where: { keyHash, revokedAt: IsNull() } });
  }
}
