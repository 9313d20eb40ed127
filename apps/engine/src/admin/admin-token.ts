/** DI token of the admin bearer token (a string). The engine core provides it: TANDEM_ADMIN_TOKEN, or one made at start. */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');
