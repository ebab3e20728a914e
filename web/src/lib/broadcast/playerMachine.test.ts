import { describe, expect, it } from 'vitest';
import { backoffMs, ENDED_POLL_MS, MISSING_POLL_MS, INITIAL_PLAYER, MAX_MEDIA_RECOVERIES, step, type PlayerAction, type PlayerInput, type PlayerModel } from './playerMachine';

// Runs inputs from a model; returns the last model and every action in order.
function run(inputs: PlayerInput[], from: PlayerModel = INITIAL_PLAYER): { model: PlayerModel; actions: PlayerAction[] } {
    let model = from;
    const actions: PlayerAction[] = [];
    for (const input of inputs) {
        const s = step(model, input);
        model = s.model;
        actions.push(...s.actions);
    }
    return { model, actions };
}
const server = (state: string | null): PlayerInput => ({ kind: 'server', state });
const kinds = (a: PlayerAction[]) => a.map((x) => x.kind);

describe('player state machine', () => {
    it('waits ("soon") while the broadcast is idle or starting, and loads when it goes live', () => {
        let r = run([server('idle'), server('starting')]);
        expect(r.model.phase).toBe('soon');
        expect(r.model.loaded).toBe(false);
        expect(kinds(r.actions)).toEqual(['unload']); // idle lets go of anything attached
        r = run([server('live')], r.model);
        expect(r.actions).toEqual([{ kind: 'load' }]);
        expect(r.model.phase).toBe('soon'); // until frames play
        r = run([{ kind: 'playlist', live: true }, { kind: 'playing' }], r.model);
        expect(r.model.phase).toBe('playing');
        expect(r.actions).toEqual([]);
    });

    it('does not load twice when live repeats', () => {
        const r = run([server('live'), server('live'), { kind: 'playing' }, server('live')]);
        expect(kinds(r.actions)).toEqual(['load']);
    });

    it('shows "ended" when the state goes idle after live, and "soon" again for the next broadcast', () => {
        let r = run([server('live'), { kind: 'playing' }, server('stopping')]);
        expect(r.model.phase).toBe('playing'); // the last segments play out
        expect(r.actions).toEqual([{ kind: 'load' }]);
        r = run([server('idle')], r.model);
        expect(r.model.phase).toBe('ended');
        expect(r.actions).toEqual([{ kind: 'unload' }]);
        r = run([server('starting')], r.model);
        expect(r.model.phase).toBe('soon');
    });

    it('shows "ended" when playback reaches the ENDLIST', () => {
        const r = run([server('live'), { kind: 'playing' }, server('stopping'), { kind: 'end_reached' }]);
        expect(r.model.phase).toBe('ended');
        expect(r.actions.at(-1)).toEqual({ kind: 'unload' });
    });

    it('idle without ever being live is still "soon"', () => {
        expect(run([server('starting'), server('idle')]).model.phase).toBe('soon');
    });

    it('looks for a missing playlist every second while live, never giving up', () => {
        let r = run([server('live')]);
        const delays: number[] = [];
        for (let i = 0; i < 7; i++) {
            r = run([{ kind: 'playlist_missing' }], r.model);
            expect(r.model.phase).toBe('soon');
            const retry = r.actions.find((a) => a.kind === 'retry_in');
            if (retry?.kind !== 'retry_in') throw new Error('no retry');
            delays.push(retry.ms);
            r = run([{ kind: 'retry_due' }], r.model);
            expect(r.actions).toEqual([{ kind: 'load' }]);
        }
        expect(delays).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000]);
        // other errors do back off
        const backoff: number[] = [];
        for (let i = 0; i < 6; i++) {
            r = run([{ kind: 'error', type: 'network' }], r.model);
            const retry = r.actions.find((a) => a.kind === 'retry_in');
            if (retry?.kind !== 'retry_in') throw new Error('no retry');
            backoff.push(retry.ms);
            r = run([{ kind: 'retry_due' }], r.model);
        }
        expect(backoff).toEqual([10000, 10000, 10000, 10000, 10000, 10000]); // 7 failures already: the cap
        // frames again: the backoff starts over
        r = run([{ kind: 'playing' }, { kind: 'error', type: 'network' }], r.model);
        expect(r.actions).toContainEqual({ kind: 'retry_in', ms: 1000 });
    });

    it('a network error while playing shows "reconnecting" and reloads after the backoff', () => {
        let r = run([server('live'), { kind: 'playing' }, { kind: 'error', type: 'network' }]);
        expect(r.model.phase).toBe('reconnecting');
        expect(r.actions.slice(1)).toEqual([{ kind: 'unload' }, { kind: 'retry_in', ms: 1000 }]);
        r = run([{ kind: 'retry_due' }], r.model);
        expect(r.actions).toEqual([{ kind: 'load' }]);
        expect(r.model.phase).toBe('reconnecting'); // until frames play again
        r = run([{ kind: 'playlist_missing' }], r.model);
        expect(r.model.phase).toBe('reconnecting');
        r = run([{ kind: 'retry_due' }, { kind: 'playing' }], r.model);
        expect(r.model.phase).toBe('playing');
    });

    it('recovers media errors in place first, then reloads the source', () => {
        let r = run([server('live'), { kind: 'playing' }]);
        for (let i = 0; i < MAX_MEDIA_RECOVERIES; i++) {
            r = run([{ kind: 'error', type: 'media' }], r.model);
            expect(r.actions).toEqual([{ kind: 'recover_media' }]);
            expect(r.model.phase).toBe('reconnecting');
        }
        r = run([{ kind: 'error', type: 'media' }], r.model);
        expect(kinds(r.actions)).toEqual(['unload', 'retry_in']);
        r = run([{ kind: 'retry_due' }, { kind: 'playing' }, { kind: 'error', type: 'media' }], r.model);
        expect(r.actions).toEqual([{ kind: 'load' }, { kind: 'recover_media' }]);
    });

    it('a stall shows "reconnecting" until frames play again', () => {
        let r = run([server('live'), { kind: 'playing' }, { kind: 'stalled' }]);
        expect(r.model.phase).toBe('reconnecting');
        r = run([{ kind: 'playing' }], r.model);
        expect(r.model.phase).toBe('playing');
    });

    it('with the server saying live, an old ENDLIST playlist is not played: it looks again later', () => {
        const r = run([server('live'), { kind: 'playlist', live: false }]);
        expect(r.model.phase).toBe('soon');
        expect(kinds(r.actions)).toEqual(['load', 'unload', 'retry_in']);
        // ENDLIST appearing while playing is the normal end: keep playing
        const p = run([server('live'), { kind: 'playing' }, { kind: 'playlist', live: false }]);
        expect(p.model.phase).toBe('playing');
        expect(kinds(p.actions)).toEqual(['load']);
    });

    it('without server state (watch page): loads at once, 404 = soon, ENDLIST = ended and polls', () => {
        let r = run([server(null)]);
        expect(r.actions).toEqual([{ kind: 'load' }]);
        const missing = [1, 2, 3, 4].map(() => {
            r = run([{ kind: 'playlist_missing' }], r.model);
            expect(r.model.phase).toBe('soon');
            const retry = r.actions.find((a) => a.kind === 'retry_in');
            r = run([{ kind: 'retry_due' }], r.model);
            return retry?.kind === 'retry_in' ? retry.ms : 0;
        });
        expect(missing).toEqual([1000, 2000, MISSING_POLL_MS, MISSING_POLL_MS]);
        r = run([{ kind: 'playlist', live: false }], r.model);
        expect(r.model.phase).toBe('ended');
        expect(r.actions.at(-1)).toEqual({ kind: 'retry_in', ms: ENDED_POLL_MS });
        r = run([{ kind: 'retry_due' }, { kind: 'playlist_missing' }], r.model);
        expect(r.model.phase).toBe('ended');
        r = run([{ kind: 'retry_due' }, { kind: 'playlist', live: true }, { kind: 'playing' }], r.model);
        expect(r.model.phase).toBe('playing');
        r = run([{ kind: 'end_reached' }], r.model);
        expect(r.model.phase).toBe('ended');
        expect(r.actions).toEqual([{ kind: 'unload' }, { kind: 'retry_in', ms: ENDED_POLL_MS }]);
    });

    it('end of stream while the server still says live is an interruption', () => {
        const r = run([server('live'), { kind: 'playing' }, { kind: 'end_reached' }]);
        expect(r.model.phase).toBe('reconnecting');
        expect(kinds(r.actions)).toEqual(['load', 'unload', 'retry_in']);
    });

    it('failed: reconnecting for those who watched, soon for the others; retries stop', () => {
        let r = run([server('live'), { kind: 'playing' }, server('failed')]);
        expect(r.model.phase).toBe('reconnecting');
        expect(r.actions.at(-1)).toEqual({ kind: 'unload' });
        r = run([{ kind: 'retry_due' }], r.model);
        expect(r.actions).toEqual([]);
        expect(run([server('starting'), server('failed')]).model.phase).toBe('soon');
    });

    it('a restart (live → starting → live) keeps the attached source', () => {
        const r = run([server('live'), { kind: 'playing' }, server('starting'), server('live')]);
        expect(kinds(r.actions)).toEqual(['load']);
        expect(r.model.phase).toBe('playing');
    });

    it('ignores an unknown server state and events for a detached source', () => {
        const live = run([server('live'), { kind: 'playing' }]).model;
        expect(step(live, server('paused'))).toEqual({ model: live, actions: [] });
        const idle = run([server('idle')]).model;
        for (const input of [{ kind: 'playing' }, { kind: 'error', type: 'network' }, { kind: 'end_reached' }, { kind: 'playlist_missing' }] as PlayerInput[]) {
            expect(step(idle, input).actions).toEqual([]);
        }
    });

    it('backoff is 1, 2, 4, 8, then 10 s', () => {
        expect([0, 1, 2, 3, 4, 5, 50].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    });
});
