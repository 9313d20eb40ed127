import { Body, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator.js';
import { ReplayDto, RetriesQuery } from './dto/admin.dto.js';
import { RetriesService } from './retries.service.js';

@AdminController('retries', 'retries')
export class RetriesController {
  constructor(private readonly retries: RetriesService) {}

  @Get()
  @ApiOperation({ summary: 'Failed writes waiting for a retry, or dead (filter by sync and dead)' })
  @ApiOkResponse({ description: '{ items, next }' })
  list(@Query() query: RetriesQuery) {
    return this.retries.list(query);
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay dead retries: one ({id}) or every one of a sync ({sync})' })
  @ApiOkResponse({ description: '{ replayed }' })
  replay(@Body() body: ReplayDto) {
    return this.retries.replay(body);
  }
}
