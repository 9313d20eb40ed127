import { WebhookPayloadError } from './errors.js';
import { parseFormEncoded } from './form-encoded.js';

describe('parseFormEncoded', () => {
  it('builds the nested object of a Mailchimp profile webhook', () => {
    const body =
      'type=profile&fired_at=2009-03-26+21%3A31%3A21&data%5Bid%5D=8a25ff1d98&data%5Blist_id%5D=a6b5da1054' +
      '&data%5Bemail%5D=api%2Buser%40mailchimp.com&data%5Bmerges%5D%5BFNAME%5D=Ann&data%5Bmerges%5D%5BLNAME%5D=Lee' +
      '&data[merges][INTERESTS]=Group1,Group2';
    expect(parseFormEncoded(body)).toEqual({
      type: 'profile',
      fired_at: '2009-03-26 21:31:21',
      data: {
        id: '8a25ff1d98',
        list_id: 'a6b5da1054',
        email: 'api+user@mailchimp.com',
        merges: { FNAME: 'Ann', LNAME: 'Lee', INTERESTS: 'Group1,Group2' },
      },
    });
  });

  it('turns indexed groups into arrays and appends [] keys', () => {
    const body =
      'data[merges][GROUPINGS][0][id]=1&data[merges][GROUPINGS][0][name]=A&data[merges][GROUPINGS][1][id]=2&tags[]=x&tags[]=y';
    expect(parseFormEncoded(Buffer.from(body))).toEqual({
      data: { merges: { GROUPINGS: [{ id: '1', name: 'A' }, { id: '2' }] } },
      tags: ['x', 'y'],
    });
  });

  it('keeps the last value of a repeated plain key and accepts an empty body', () => {
    expect(parseFormEncoded('a=1&a=2')).toEqual({ a: '2' });
    expect(parseFormEncoded('')).toEqual({});
  });

  it('rejects a key used both as a value and as a group', () => {
    expect(() => parseFormEncoded('data=1&data[x]=2')).toThrow(WebhookPayloadError);
    expect(() => parseFormEncoded('data[x]=2&data=1')).toThrow(WebhookPayloadError);
  });

  it('rejects malformed brackets and prototype keys', () => {
    expect(() => parseFormEncoded('data[x=1')).toThrow(WebhookPayloadError);
    expect(() => parseFormEncoded('data[__proto__][polluted]=1')).toThrow(WebhookPayloadError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
