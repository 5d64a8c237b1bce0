import { Module } from '@nestjs/common';
import { MeController } from './me.controller';
import { StaffService } from './staff.service';
import { StaffController } from './staff.controller';

@Module({
  controllers: [StaffController, MeController],
  providers: [StaffService],
})
export class StaffModule {}
