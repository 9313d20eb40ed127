import { HttpError, isRecord, parseJson, type SimRequest } from '../common/http.js';
import { badRequest, hsError } from './hubspot.errors.js';
import type { HsObjectType } from './hubspot.properties.js';

export function objectType(req: SimRequest): HsObjectType {
  const type = req.params.objectType;
  if (type === 'contacts' || type === 'companies') return type;
  throw new HttpError(hsError(404, 'OBJECT_NOT_FOUND', `Unable to infer object type from: ${type ?? ''}`));
}

export function body(req: SimRequest): Record<string, unknown> {
  const parsed = parseJson(req, () => hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1'));
  if (!isRecord(parsed)) badRequest('Request body must be a JSON object');
  return parsed;
}

