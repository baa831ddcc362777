import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A connection's grant as stored: sealed tokens and when they end. */
export interface StoredGrant {
  sealed: string;
  accessExpiresAt: Date;
  refreshExpiresAt: Date | null;
}

interface GrantRow {
  grant_sealed: string;
  access_expires_at: Date;
  refresh_expires_at: Date | null;
}

const stored = (row: GrantRow | undefined): StoredGrant | null =>
  row
    ? {
        sealed: row.grant_sealed,
        accessExpiresAt: row.access_expires_at,
        refreshExpiresAt: row.refresh_expires_at,
      }
    : null;

/** The SQL of shop_grants (one row per connection of an app-based marketplace). */
@Injectable()
export class ShopGrantStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(connectionId: string): Promise<StoredGrant | null> {
    const rows: GrantRow[] = await this.dataSource.query(
      `SELECT grant_sealed, access_expires_at, refresh_expires_at FROM shop_grants WHERE connection_id = $1`,
      [connectionId],
    );
    return stored(rows[0]);
  }

  /** The grant, its row locked until the caller's transaction ends: the claim on a refresh. */
  async lockedFind(manager: EntityManager, connectionId: string): Promise<StoredGrant | null> {
    const rows: GrantRow[] = await manager.query(
      `SELECT grant_sealed, access_expires_at, refresh_expires_at FROM shop_grants
        WHERE connection_id = $1 FOR UPDATE`,
      [connectionId],
    );
    return stored(rows[0]);
  }

  async put(manager: EntityManager, connectionId: string, grant: StoredGrant): Promise<void> {
    await manager.query(
      `INSERT INTO shop_grants (connection_id, grant_sealed, access_expires_at, refresh_expires_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (connection_id) DO UPDATE
         SET grant_sealed = EXCLUDED.grant_sealed,
             access_expires_at = EXCLUDED.access_expires_at,
             refresh_expires_at = EXCLUDED.refresh_expires_at,
             renewed_at = now()`,
      [connectionId, grant.sealed, grant.accessExpiresAt, grant.refreshExpiresAt],
    );
  }
}
