/**
 * The parts of Zendesk's bodies the connector reads, as shapes (see the SDK's shape.ts). The client checks every
 * 2xx body against these, so a cut or mangled answer is a typed error and the rest of the connector can trust types.
 */
import { anyValue, arrayOf, bool, dict, id, nullable, num, object, optional, str } from '@tandem/connector-sdk';

export const userShape = object({
  id,
  name: optional(str),
  email: nullable(str),
  external_id: nullable(str),
  active: optional(bool),
  updated_at: str,
  tags: optional(arrayOf(str)),
  user_fields: optional(dict),
});

export const usersShape = object({ users: arrayOf(userShape) });

export const listPageShape = object({
  users: arrayOf(userShape),
  meta: optional(object({ has_more: optional(bool), after_cursor: nullable(str) })),
});

export const exportPageShape = object({
  users: arrayOf(userShape),
  after_cursor: nullable(str),
  end_of_stream: optional(bool),
});

const jobResultShape = object({
  id: optional(id),
  index: optional(num),
  success: optional(bool),
  status: optional(str),
  error: optional(str),
  details: anyValue,
});

export const jobStatusShape = object({
  job_status: object({ id, status: str, results: optional(arrayOf(jobResultShape)) }),
});

export const userFieldsShape = object({
  user_fields: arrayOf(
    object({
      key: str,
      type: str,
      active: optional(bool),
      custom_field_options: optional(arrayOf(object({ value: str }))),
    }),
  ),
});

export const oneUserShape = object({ user: userShape });
