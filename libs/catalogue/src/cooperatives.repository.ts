import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { escapeLike, foldVietnamese, Page, PageQuery, searchWords } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import { Cooperative } from './entities';

/** A producer as it is stored, with the folded text its search and district filter match. */
export type NewCooperative = Omit<Cooperative, 'id' | 'createdAt' | 'updatedAt'>;

/** The producers a list shows: only `cooperativeId` when given, matching every word of `q`. */
export interface CooperativeFilter {
  cooperativeId?: string;
  q?: string;
  district?: string;
}

/** What a producer's directory entry holds, for province reports. */
export type CooperativeEntry = Pick<Cooperative, 'id' | 'name' | 'district'>;

/** The producers, as CooperativesService reads and writes them. */
@Injectable()
export class CooperativeStore {
  constructor(@InjectRepository(Cooperative) private readonly cooperatives: Repository<Cooperative>) {}

  async add(cooperative: NewCooperative): Promise<Cooperative> {
    return this.cooperatives.save(this.cooperatives.create(cooperative));
  }

  /** The first producer created with this exact name. */
  async firstByName(name: string): Promise<Cooperative | null> {
    return this.cooperatives.findOne({ where: { name }, order: { createdAt: 'ASC' } });
  }

  async byId(id: string): Promise<Cooperative | null> {
    return this.cooperatives.findOne({ where: { id } });
  }

  async saveChanges(id: string, changes: Partial<NewCooperative>): Promise<void> {
    await this.cooperatives.update({ id }, changes);
  }

  /** A page of the producers the filter lets through, newest first. */
  async page(filter: CooperativeFilter, query: PageQuery): Promise<Page<Cooperative>> {
    const qb = this.cooperatives.createQueryBuilder('c');
    if (filter.cooperativeId !== undefined) qb.andWhere('c.id = :scoped', { scoped: filter.cooperativeId });
    searchWords(filter.q).forEach((word, i) =>
      qb.andWhere(`c.search_text LIKE :word${i}`, { [`word${i}`]: `%${escapeLike(word)}%` }),
    );
    if (filter.district)
      qb.andWhere('c.district_folded = :district', { district: foldVietnamese(filter.district) });
    const { rows, nextCursor } = await fetchPage(qb, query, byCreation);
    return { items: rows, nextCursor };
  }

  /** The producers of a district, matched without accents or case. */
  async idsInDistrict(district: string): Promise<string[]> {
    const rows = await this.cooperatives.find({
      select: { id: true },
      where: { districtFolded: foldVietnamese(district) },
    });
    return rows.map((row) => row.id);
  }

  /** Every producer's name and district (a few hundred rows at most). */
  async directory(): Promise<CooperativeEntry[]> {
    return this.cooperatives.find({ select: { id: true, name: true, district: true } });
  }
}
