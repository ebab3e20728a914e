import { describe, expect, it } from 'vitest';
import { AdminApi, AdminError, errorFrom, type FetchLike, type People } from './adminApi';
import { csvField, linksCsv } from './links';

const people: People = {
    attendees: [
        { full_name: 'Ada, "the" first', email: '', eventId: 'e-1', attendeeId: 'a1', role: 'attendee', access_url: 'u1', team: 'red' },
    ],
    moderators: [
        { full_name: 'Mo', email: 'mo@x', eventId: 'e-1', attendeeId: 'm1', role: 'moderator', access_url: 'u2', access_key: 'k3m9-qzx8' },
    ],
    talent: [],
};

describe('links CSV', () => {
    it('quotes only what needs quoting', () => {
        expect(csvField('plain')).toBe('plain');
        expect(csvField('a,b')).toBe('"a,b"');
        expect(csvField('say "hi"')).toBe('"say ""hi"""');
        expect(csvField(' edge')).toBe('" edge"');
    });

    it('has the CLI columns, the keys shown once and roster columns last', () => {
        const csv = linksCsv(people).split('\r\n');
        expect(csv[0]).toBe('role,full_name,email,eventId,attendeeId,access_url,access_key,team');
        expect(csv[1]).toBe('attendee,"Ada, ""the"" first",,e-1,a1,u1,,red');
        expect(csv[2]).toBe('moderator,Mo,mo@x,e-1,m1,u2,k3m9-qzx8,');
    });
});

describe('admin API client', () => {
    it('sends the admin token and turns an import error into file:line:column', async () => {
        let seen: RequestInit | undefined;
        const fetchImpl: FetchLike = async (_url, init) => {
            seen = init;
            return new Response(
                JSON.stringify({
                    error: { code: 'csv_unterminated_quote', message: 'attendees.csv:3:1: unterminated', file: 'attendees.csv', line: 3, column: 1 },
                }),
                { status: 422 },
            );
        };
        const api = new AdminApi('secret', fetchImpl);
        const err = await api
            .createEvent({ name: 'x', base_url: 'http://h', public: false, attendees_csv: '', moderators_csv: '', talent_csv: '' })
            .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AdminError);
        expect((err as AdminError).code).toBe('csv_unterminated_quote');
        expect((err as AdminError).where).toEqual({ file: 'attendees.csv', line: 3, column: 1 });
        expect((seen?.headers as Record<string, string>)['Authorization']).toBe('Bearer secret');
    });

    it('names unusable answers and unreachable servers', async () => {
        expect(errorFrom(502, 'oops').code).toBe('http_502');
        const down = new AdminApi('t', async () => {
            throw new TypeError('failed');
        });
        await expect(down.listEvents()).rejects.toMatchObject({ code: 'network' });
    });
});
