import { Body, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator.js';
import { EraseDto, SyncFilterQuery } from './dto/admin.dto.js';
import { ErasureService } from './erasure.service.js';
import { pageWindow } from './pagination.js';

@AdminController('', 'erasure')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post('erase')
  @HttpCode(200)
  @ApiOperation({ summary: 'Erase a person everywhere (right to be forgotten) and suppress them; reports per app' })
  @ApiOkResponse({
    description: '{ syncs: [{ sync, apps: [{ app, erased, failed, unsupported }], purged, tombstoneId }], complete }',
  })
  erase(@Body() body: EraseDto) {
    return this.erasure.erase(body.email);
  }

  @Get('tombstones')
  @ApiOperation({ summary: 'Live delete and erasure tombstones' })
  @ApiOkResponse({ description: '{ items, next }' })
  tombstones(@Query() query: SyncFilterQuery) {
    return this.erasure.tombstones(query.sync, pageWindow(query));
  }

  @Post('tombstones/:id/lift')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a tombstone (the person opted back in)' })
  @ApiNotFoundResponse({ description: 'no live tombstone with this id' })
  lift(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.erasure.lift(id);
  }
}
