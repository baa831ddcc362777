import { Injectable } from '@nestjs/common';
import { foldVietnamese, NotFound, Page, Scope } from '@ocop/common';
import { CooperativeStore } from './cooperatives.repository';
import { CooperativeListQuery, CreateCooperativeBody, UpdateCooperativeBody } from './dto';
import type { Cooperative } from './entities';
import { cooperativeView } from './views';

export type CooperativeView = ReturnType<typeof cooperativeView>;

function searchFields(c: Pick<Cooperative, 'name' | 'commune' | 'district'>) {
  return {
    searchText: foldVietnamese([c.name, c.commune, c.district ?? ''].join(' ')),
    districtFolded: c.district ? foldVietnamese(c.district) : null,
  };
}

@Injectable()
export class CooperativesService {
  constructor(private readonly cooperatives: CooperativeStore) {}

  async create(body: CreateCooperativeBody): Promise<CooperativeView> {
    const draft = { district: null, address: null, taxCode: null, phone: null, ...body };
    const saved = await this.cooperatives.add({ ...draft, ...searchFields(draft) });
    return cooperativeView(saved);
  }

  /** For importers and the demo seed, which match producers by name to stay re-runnable. */
  async findByName(name: string): Promise<CooperativeView | undefined> {
    const found = await this.cooperatives.firstByName(name);
    return found ? cooperativeView(found) : undefined;
  }

  /** The cooperative if the scope may see it; otherwise 404, as if it did not exist. */
  async find(scope: Scope, id: string): Promise<Cooperative> {
    if (scope.cooperativeId !== undefined && scope.cooperativeId !== id)
      throw new NotFound('No such cooperative');
    const found = await this.cooperatives.byId(id);
    if (!found) throw new NotFound('No such cooperative');
    return found;
  }

  async get(scope: Scope, id: string): Promise<CooperativeView> {
    return cooperativeView(await this.find(scope, id));
  }

  async update(scope: Scope, id: string, body: UpdateCooperativeBody): Promise<CooperativeView> {
    const current = await this.find(scope, id);
    const next = { ...current, ...body };
    await this.cooperatives.saveChanges(id, { ...body, ...searchFields(next) });
    return this.get(scope, id);
  }

  async list(scope: Scope, query: CooperativeListQuery): Promise<Page<CooperativeView>> {
    const { items, nextCursor } = await this.cooperatives.page(
      { cooperativeId: scope.cooperativeId, q: query.q, district: query.district },
      query,
    );
    return { items: items.map(cooperativeView), nextCursor };
  }

  /** The ids of a district's producers (accent- and case-blind), for lists filtered by district. */
  async inDistrict(district: string): Promise<string[]> {
    return this.cooperatives.idsInDistrict(district);
  }

  /** Every producer's name and district, for province reports (a few hundred rows at most). */
  async directory(): Promise<Map<string, { name: string; district: string | null }>> {
    const rows = await this.cooperatives.directory();
    return new Map(rows.map((row) => [row.id, { name: row.name, district: row.district }]));
  }
}
