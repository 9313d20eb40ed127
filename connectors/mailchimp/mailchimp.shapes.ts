/**
 * The parts of Mailchimp's bodies the connector reads, as shapes (see the SDK's shape.ts). The client checks every
 * 2xx body against these, so a cut or mangled answer is a typed error and the rest of the connector can trust types.
 */
import { arrayOf, bool, dict, id, num, object, optional, str } from '@tandem/connector-sdk';

export const memberShape = object({
  id: str,
  email_address: str,
  contact_id: id,
  web_id: optional(num),
  status: str,
  last_changed: str,
  merge_fields: optional(dict),
  tags: optional(arrayOf(object({ id: optional(num), name: str }))),
});

export const memberPageShape = object({ members: arrayOf(memberShape), total_items: num });

export const batchShape = object({
  new_members: optional(arrayOf(memberShape)),
  updated_members: optional(arrayOf(memberShape)),
  errors: optional(
    arrayOf(
      object({
        email_address: str,
        error: str,
        error_code: optional(str),
        field: optional(str),
        field_message: optional(str),
      }),
    ),
  ),
});

export const mergeFieldsShape = object({
  merge_fields: arrayOf(
    object({
      tag: str,
      name: optional(str),
      type: str,
      required: optional(bool),
      options: optional(object({ choices: optional(arrayOf(str)) })),
    }),
  ),
});
