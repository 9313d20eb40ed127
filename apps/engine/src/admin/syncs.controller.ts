import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator.js';
import { ResyncDto } from './dto/admin.dto.js';
import { PageQuery, pageWindow } from './pagination.js';
import { SyncsService } from './syncs.service.js';

@AdminController('syncs', 'syncs')
export class SyncsController {
  constructor(private readonly syncs: SyncsService) {}

  @Get()
  @ApiOperation({ summary: 'Syncs: state, last and next run, counts, retry/conflict/held-delete backlog' })
  @ApiOkResponse({ description: '{ items, next }' })
  list(@Query() query: PageQuery) {
    return this.syncs.list(pageWindow(query));
  }

  @Post(':name/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a sync: no scheduled, webhook or manual cycle runs until it is resumed' })
  @ApiNotFoundResponse({ description: 'unknown sync' })
  pause(@Param('name') name: string) {
    return this.syncs.pause(name);
  }

  @Post(':name/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused sync' })
  @ApiNotFoundResponse({ description: 'unknown sync' })
  resume(@Param('name') name: string) {
    return this.syncs.resume(name);
  }

  @Post(':name/resync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resync: full (empty body), some records ({records:["app:id"]}) or since a time ({since})' })
  @ApiOkResponse({ description: '{ runId }' })
  @ApiNotFoundResponse({ description: 'unknown sync' })
  resync(@Param('name') name: string, @Body() body: ResyncDto) {
    return this.syncs.resync(name, body ?? {});
  }
}
