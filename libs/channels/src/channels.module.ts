import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueChanges, CatalogueModule } from '@ocop/catalogue';
import { ChannelHealth } from './channel-health';
import { ConnectionsService } from './connections.service';
import { ChannelsController } from './controllers';
import { channelEntities } from './entities';
import { ListingContents } from './listing-content';
import { ListingVersions } from './listing-versions';
import { ListingsService } from './listings.service';

/**
 * Connections and listings. Needs MARKETPLACE_ADAPTERS from the process that runs it. Every
 * catalogue change bumps the affected listings inside the change's own transaction.
 */
@Module({
  imports: [TypeOrmModule.forFeature(channelEntities), CatalogueModule],
  controllers: [ChannelsController],
  providers: [ConnectionsService, ListingsService, ListingVersions, ListingContents, ChannelHealth],
  exports: [ConnectionsService, ListingsService, ListingVersions, ListingContents, ChannelHealth],
})
export class ChannelsModule implements OnModuleInit {
  constructor(
    private readonly changes: CatalogueChanges,
    private readonly versions: ListingVersions,
  ) {}

  onModuleInit(): void {
    this.changes.subscribe((manager, change) =>
      this.versions.bumpProduct(manager, change.productId, change.kind === 'stock' ? 'stock' : 'content'),
    );
  }
}
