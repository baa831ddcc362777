import { ShopGrantStore } from './shop-grants.repository';
import { ShopGrants } from './shop-grants';
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueChanged, CatalogueModule } from '@ocop/catalogue';
import { EventBus } from '@ocop/database';
import { ChannelHealth } from './channel-health';
import { ChannelHealthReadings } from './channel-health.repository';
import { ConnectionStore } from './connections.repository';
import { ConnectionsService } from './connections.service';
import { ChannelsController } from './controllers';
import { channelEntities } from './entities';
import { ListingContents } from './listing-content';
import { ListingSyncState } from './listing-sync-state.repository';
import { ListingVersions } from './listing-versions';
import { ListingStore } from './listings.repository';
import { ListingsService } from './listings.service';
import { MarketplaceAdaptersModule } from './marketplace-adapters.module';

/**
 * Connections and listings, and the marketplace adapters that reach them. Every
 * catalogue change bumps the affected listings inside the change's own transaction.
 */
@Module({
  imports: [TypeOrmModule.forFeature(channelEntities), CatalogueModule, MarketplaceAdaptersModule],
  controllers: [ChannelsController],
  providers: [
    ConnectionStore,
    ListingStore,
    ChannelHealthReadings,
    ConnectionsService,
    ListingsService,
    ListingVersions,
    ListingSyncState,
    ListingContents,
    ChannelHealth,
    ShopGrantStore,
    ShopGrants,
  ],
  exports: [
    ConnectionsService,
    ListingsService,
    ListingVersions,
    ListingSyncState,
    ListingContents,
    ChannelHealth,
    ShopGrants,
  ],
})
export class ChannelsModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly versions: ListingVersions,
  ) {}

  onModuleInit(): void {
    this.events.on(CatalogueChanged, 'in-transaction', ({ change }, manager) =>
      change.kind === 'stock'
        ? this.versions.bumpProducts(manager, change.productIds, 'stock')
        : this.versions.bumpProducts(manager, [change.productId], 'content'),
    );
  }
}
