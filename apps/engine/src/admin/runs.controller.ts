import { Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminController } from './admin-controller.decorator.js';
import { RunsQuery } from './dto/admin.dto.js';
import { PageQuery, pageWindow } from './pagination.js';
import { RunsService } from './runs.service.js';
import { UndoService } from './undo.service.js';

const uuid = new ParseUUIDPipe();

@AdminController('runs', 'runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly undos: UndoService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Runs, newest first (filter by sync and status)' })
  @ApiOkResponse({ description: '{ items, next }' })
  list(@Query() query: RunsQuery) {
    return this.runs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One run and a page of its audit rows' })
  @ApiNotFoundResponse({ description: 'unknown run' })
  get(@Param('id', uuid) id: string, @Query() query: PageQuery) {
    return this.runs.get(id, pageWindow(query));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the deletes a held run was holding' })
  @ApiConflictResponse({ description: 'the run is not held' })
  approve(@Param('id', uuid) id: string) {
    return this.runs.approve(id);
  }

  @Post(':id/undo')
  @HttpCode(200)
  @ApiOperation({ summary: "Write back the run's before-images of agreed fields (audited as undo)" })
  @ApiConflictResponse({ description: 'refused: fields changed since, or people erased; details.refused lists them' })
  undo(@Param('id', uuid) id: string) {
    return this.undos.undo(id);
  }
}
