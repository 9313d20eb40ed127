/** `GET /metrics` in the Prometheus text format. */
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { EngineCore } from '../core/engine-core.js';

@Controller()
export class MetricsController {
  constructor(@Inject(EngineCore) private readonly core: EngineCore) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.core.metrics.text();
  }
}
