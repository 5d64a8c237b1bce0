import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { FamilyMembersController } from './family-members.controller';
import { FamilyMembersService } from './family-members.service';

@Module({
  imports: [ClientsModule],
  controllers: [FamilyMembersController],
  providers: [FamilyMembersService],
})
export class FamilyMembersModule {}
