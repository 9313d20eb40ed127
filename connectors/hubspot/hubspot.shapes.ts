/**
 * The parts of HubSpot's bodies the connector reads, as shapes (see the SDK's shape.ts). The client checks every
 * 2xx body against these, so a cut or mangled answer is a typed error and the rest of the connector can trust types.
 */
import { anyValue, arrayOf, bool, either, id, nullable, num, object, optional, recordOf, str } from '@tandem/connector-sdk';

/** `context` of an error: lists of strings by name (`propertyName`, `ids`, `objectWriteTraceId`). */
const errorContext = optional(recordOf(arrayOf(str)));

/** HubSpot's error body; every field is optional (HubSpot says so). */
export const errorBodyShape = object({
  status: optional(str),
  message: optional(str),
  category: optional(str),
  policyName: optional(str),
  errors: optional(arrayOf(object({ message: optional(str), code: optional(str), context: errorContext }))),
  context: errorContext,
});

const recordFields = {
  id,
  properties: recordOf(nullable(str)),
  propertiesWithHistory: optional(recordOf(arrayOf(object({ value: anyValue, timestamp: optional(str) })))),
  createdAt: optional(str),
  updatedAt: optional(str),
  archived: optional(bool),
  archivedAt: optional(str),
};

/** A CRM object as list, search and batch endpoints return it. */
export const objectRecordShape = object(recordFields);

export const pageShape = object({
  results: arrayOf(objectRecordShape),
  paging: optional(object({ next: optional(object({ after: optional(str) })) })),
  total: optional(num),
});

/** A batch answer (200/201, or 207 with per-record errors). */
export const batchShape = object({
  results: optional(arrayOf(object({ ...recordFields, objectWriteTraceId: optional(str) }))),
  errors: optional(arrayOf(errorBodyShape)),
  numErrors: optional(num),
});

const optionShape = either(str, object({ value: optional(str), label: optional(str), hidden: optional(bool) }), 'an option');

/** A property definition as `GET /crm/v3/properties/{object}` returns it. */
export const propertyShape = object({
  name: str,
  type: str,
  fieldType: optional(str),
  options: optional(arrayOf(optionShape)),
  readOnly: optional(bool),
  modificationMetadata: optional(object({ readOnlyValue: optional(bool) })),
  calculated: optional(bool),
});

export const propertiesShape = object({ results: arrayOf(propertyShape) });
