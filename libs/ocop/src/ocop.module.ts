import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '@ocop/catalogue';
import { Assessment } from './assessment.entity';
import { AssessmentStore } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { OcopController, OcopReferenceController } from './controllers';

@Module({
  imports: [TypeOrmModule.forFeature([Assessment]), CatalogueModule],
  controllers: [OcopController, OcopReferenceController],
  providers: [CertificatesService, AssessmentStore],
  exports: [CertificatesService],
})
export class OcopModule {}
