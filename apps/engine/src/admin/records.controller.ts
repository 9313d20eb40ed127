import { Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator.js';
import { SyncFilterQuery } from './dto/admin.dto.js';
import { pageWindow } from './pagination.js';
import { RecordsService } from './records.service.js';

@AdminController('records', 'records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Get(':app/:id')
  @ApiOperation({ summary: 'Explain a record: agreed values, members, conflicts and its audit (paged)' })
  @ApiNotFoundResponse({ description: 'the record is not linked' })
  explain(@Param('app') app: string, @Param('id') id: string, @Query() query: SyncFilterQuery) {
    return this.records.explain(app, id, query.sync, pageWindow(query));
  }
}
