import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor } from '../common/actor/decorators';
import { MeView } from './dto/staff.dto';
import { StaffService } from './staff.service';

@ApiTags('staff')
@ApiBearerAuth('bearer')
@Controller('me')
export class MeController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  @ApiOperation({ operationId: 'getMe', summary: 'The signed-in staff member and their practice' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentActor() actor: StaffActor): Promise<MeView> {
    return this.staff.me(actor);
  }
}
