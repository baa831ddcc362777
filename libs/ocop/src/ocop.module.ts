import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '@ocop/catalogue';
import { Assessment } from './assessment.entity';
import { AssessmentStore } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { OcopController } from './controllers';

@Module({
  imports: [TypeOrmModule.forFeature([Assessment]), CatalogueModule],
  controllers: [OcopController],
  providers: [CertificatesService, AssessmentStore],
  exports: [CertificatesService],
})
export class OcopModule {}
