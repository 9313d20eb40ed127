import { Body, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator.js';
import { ConflictsService } from './conflicts.service.js';
import { ResolveConflictDto, SyncFilterQuery } from './dto/admin.dto.js';

@AdminController('conflicts', 'conflicts')
export class ConflictsController {
  constructor(private readonly conflicts: ConflictsService) {}

  @Get()
  @ApiOperation({ summary: 'Open manual conflicts, oldest first' })
  @ApiOkResponse({ description: '{ items, next }' })
  list(@Query() query: SyncFilterQuery) {
    return this.conflicts.list(query);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary: "Resolve a conflict with one app's candidate ({app}) or a value ({value}); the value is written out",
  })
  @ApiConflictResponse({ description: 'already resolved, or the link changed meanwhile' })
  resolve(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ResolveConflictDto) {
    return this.conflicts.resolve(id, body);
  }
}
