import { beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../live';
import type { AckMessage, CommandBody, FeedView, MediaPlan } from '../protocol';
import { MediaClient } from './MediaClient';
import type { MediaEnv, PeerLike, StatsLike } from './peer';

// A fake RTCPeerConnection: records what MediaClient does to it and lets the test fire ICE.
class FakePeer implements PeerLike {
    static all: FakePeer[] = [];
    transceivers: Array<{ kind: string; direction: string | undefined }> = [];
    local: RTCSessionDescriptionInit | null = null;
    remote: RTCSessionDescriptionInit | null = null;
    closed = false;
    connectionState = 'new';
    stats: Array<Record<string, unknown>> = [];
    onicecandidate: PeerLike['onicecandidate'] = null;
    ontrack: PeerLike['ontrack'] = null;
    onconnectionstatechange: PeerLike['onconnectionstatechange'] = null;
    constructor(readonly config: RTCConfiguration) {
        FakePeer.all.push(this);
    }
    addTransceiver(track: MediaStreamTrack, init: RTCRtpTransceiverInit): unknown {
        this.transceivers.push({ kind: track.kind, direction: init.direction });
        return {};
    }
    createOffer(): Promise<RTCSessionDescriptionInit> {
        return Promise.resolve({ type: 'offer', sdp: `offer-${FakePeer.all.indexOf(this)}` });
    }
    createAnswer(): Promise<RTCSessionDescriptionInit> {
        return Promise.resolve({ type: 'answer', sdp: `answer-${FakePeer.all.indexOf(this)}` });
    }
    setLocalDescription(d: RTCSessionDescriptionInit): Promise<void> {
        this.local = d;
        return Promise.resolve();
    }
    setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> {
        this.remote = d;
        return Promise.resolve();
    }
    getStats(): Promise<StatsLike> {
        return Promise.resolve({ forEach: (f: (r: Record<string, unknown>) => void) => this.stats.forEach(f) });
    }
    close(): void {
        this.closed = true;
    }
    candidate(c: RTCIceCandidateInit | null): void {
        this.onicecandidate?.({ candidate: c });
    }
}

function fakeTrack(kind: string) {
    return { kind, enabled: true, stopped: false, stop() { this.stopped = true; } };
}
function fakeStream(kinds: string[]) {
    const tracks = kinds.map(fakeTrack);
    return {
        tracks,
        getTracks: () => tracks,
        getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
        getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
    };
}

// The server's side of send(): every command waits until the test answers it.
interface Sent {
    cmd: CommandBody;
    ack: (members?: Partial<AckMessage>) => void;
    refuse: (code: string, message?: string) => void;
}

let sent: Sent[];
let captures: number;
let env: MediaEnv;

beforeEach(() => {
    FakePeer.all = [];
    sent = [];
    captures = 0;
    env = {
        send: (cmd) =>
            new Promise<AckMessage>((resolve, reject) => {
                sent.push({
                    cmd,
                    ack: (m) => resolve({ type: 'ack', id: `c${sent.length}`, ...m }),
                    refuse: (code, message = code) => reject(new CommandError(code, message)),
                });
            }),
        createPeer: (config) => new FakePeer(config),
        getUserMedia: () => {
            captures++;
            return Promise.resolve(fakeStream(['audio', 'video']) as unknown as MediaStream);
        },
        getDisplayMedia: () => Promise.resolve(fakeStream(['video']) as unknown as MediaStream),
        newStream: () => fakeStream([]) as unknown as MediaStream,
    };
});

const DEVICES = { audioId: null, videoId: null, audioOnly: false };

function plan(over: Partial<MediaPlan> = {}): MediaPlan {
    return { epoch: 1, publish: [], screen: false, feeds: [], ice_servers: [], ...over };
}
function feed(id: string, over: Partial<FeedView> = {}): FeedView {
    return {
        feed: id, participant_id: `p-${id}`, name: `Name ${id}`, role: 'attendee', room: 'stage', source: 'camera',
        audio_muted: false, video_muted: false, ...over,
    };
}

// Lets every queued promise callback run.
async function settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
}

function only(type: string): Sent[] {
    return sent.filter((s) => s.cmd.type === type);
}
function last(type: string): Sent {
    const all = only(type);
    const s = all[all.length - 1];
    if (!s) throw new Error(`no ${type} sent; sent: ${sent.map((x) => x.cmd.type).join(',')}`);
    return s;
}
function peer(i: number): FakePeer {
    const p = FakePeer.all[i];
    if (!p) throw new Error(`no peer ${i}`);
    return p;
}

describe('MediaClient publishing', () => {
    it('publishes into a planned room with the offer and sets the answer from the ack', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['interview'], ice_servers: [{ urls: 'stun:127.0.0.1:3478' }] }));
        await settle();
        const pc = peer(0);
        expect(pc.config).toEqual({ iceServers: [{ urls: 'stun:127.0.0.1:3478' }] });
        expect(pc.transceivers).toEqual([
            { kind: 'audio', direction: 'sendonly' },
            { kind: 'video', direction: 'sendonly' },
        ]);
        const pub = last('publish');
        expect(pub.cmd).toEqual({ type: 'publish', room: 'interview', source: 'camera', sdp: 'offer-0' });
        expect(pc.local).toEqual({ type: 'offer', sdp: 'offer-0' });
        pub.ack({ sdp: 'janus-answer', feed: 'f1' });
        await settle();
        expect(pc.remote).toEqual({ type: 'answer', sdp: 'janus-answer' });
        expect(mc.snapshot.publications).toEqual([{ room: 'interview', source: 'camera', state: 'live' }]);
        expect(mc.snapshot.localStream).not.toBeNull();
    });

    it('waits for the device choice before capturing', async () => {
        const mc = new MediaClient(env, null);
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        expect(mc.snapshot.needsDevices).toBe(true);
        expect(captures).toBe(0);
        expect(sent).toEqual([]);
        mc.setDevices(DEVICES);
        await settle();
        expect(mc.snapshot.needsDevices).toBe(false);
        expect(last('publish').cmd).toMatchObject({ room: 'stage', source: 'camera' });
    });

    it('closes the PeerConnection and sends unpublish when the plan drops the room', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['holding'] }));
        await settle();
        last('publish').ack({ sdp: 'a', feed: 'f1' });
        await settle();
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        expect(peer(0).closed).toBe(true);
        expect(last('unpublish').cmd).toEqual({ type: 'unpublish', room: 'holding', source: 'camera' });
        expect(last('publish').cmd).toMatchObject({ room: 'stage', source: 'camera' });
        expect(peer(1).closed).toBe(false);
        expect(captures).toBe(1); // the camera stays open from holding to stage
    });

    it('stops the camera when nothing is published any more', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        const local = mc.snapshot.localStream as unknown as ReturnType<typeof fakeStream>;
        mc.applyPlan(plan({ publish: [] }));
        await settle();
        expect(local.tracks.every((t) => t.stopped)).toBe(true);
        expect(mc.snapshot.localStream).toBeNull();
    });

    it('does not revive a publication the plan dropped while its publish was pending', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        const pub = last('publish');
        mc.applyPlan(plan({ publish: [] }));
        await settle();
        expect(peer(0).closed).toBe(true);
        // unpublish waits for the publish to be answered, so it cannot overtake it
        expect(only('unpublish')).toEqual([]);
        pub.ack({ sdp: 'late-answer', feed: 'f1' });
        await settle();
        expect(peer(0).remote).toBeNull();
        expect(last('unpublish').cmd).toEqual({ type: 'unpublish', room: 'stage', source: 'camera' });
        expect(mc.snapshot.publications).toEqual([]);
        expect(FakePeer.all).toHaveLength(1);
    });

    it('a room listed again waits for the old publication to end (no overlapping publish)', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        const first = last('publish');
        mc.applyPlan(plan({ publish: [] }));
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        expect(only('publish')).toHaveLength(1); // still waiting for the first one's answer
        first.ack({ sdp: 'a', feed: 'f1' });
        await settle();
        expect(sent.map((x) => x.cmd.type)).toEqual(['publish', 'unpublish']);
        last('unpublish').ack();
        await settle();
        expect(sent.map((x) => x.cmd.type)).toEqual(['publish', 'unpublish', 'publish']);
        expect(peer(0).remote).toBeNull();
        expect(peer(0).closed).toBe(true);
        last('publish').ack({ sdp: 'b', feed: 'f2' });
        await settle();
        expect(peer(1).remote).toEqual({ type: 'answer', sdp: 'b' });
        expect(mc.snapshot.publications).toEqual([{ room: 'stage', source: 'camera', state: 'live' }]);
    });

    it('starts everything again on a new epoch', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'], feeds: [feed('f2')] }));
        await settle();
        last('publish').ack({ sdp: 'a', feed: 'f1' });
        last('subscribe').ack({ sub: 's1', sdp: 'o' });
        await settle();
        last('answer').ack();
        await settle();
        const before = sent.length;
        mc.applyPlan(plan({ epoch: 2, publish: ['stage'], feeds: [feed('f2')] }));
        await settle();
        expect(peer(0).closed).toBe(true);
        expect(peer(1).closed).toBe(true);
        const after = sent.slice(before).map((s) => s.cmd.type).sort();
        // Janus restarted: nothing to tell it about the old ones, publish and subscribe again
        expect(after).toEqual(['publish', 'subscribe']);
    });

    it('retries on the next plan after media_unavailable', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        last('publish').refuse('media_unavailable', 'Janus is restarting.');
        await settle();
        expect(peer(0).closed).toBe(true);
        expect(mc.snapshot.unavailable).toBe(true);
        expect(mc.snapshot.faults).toEqual([]);
        expect(only('unpublish')).toEqual([]);
        mc.applyPlan(plan({ epoch: 2, publish: ['stage'] }));
        await settle();
        expect(only('publish')).toHaveLength(2);
        expect(mc.snapshot.unavailable).toBe(false);
    });

    it('shows other refusals with their code and does not loop on them', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        last('publish').refuse('media_failed', 'Janus refused the offer.');
        await settle();
        expect(mc.snapshot.faults).toEqual([{ code: 'media_failed', message: 'Janus refused the offer.', target: 'pub:stage:camera' }]);
        mc.applyPlan(plan({ publish: ['stage'], feeds: [] }));
        await settle();
        expect(only('publish')).toHaveLength(1);
        mc.retry();
        await settle();
        expect(only('publish')).toHaveLength(2);
    });

    it('reports a denied camera as device_denied', async () => {
        env.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['interview'] }));
        await settle();
        expect(mc.snapshot.faults.map((f) => f.code)).toEqual(['device_denied']);
        expect(sent).toEqual([]);
    });

    it('trickles publication candidates to pub:<room>:<source> once the publish is answered', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['interview'] }));
        await settle();
        const c = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
        peer(0).candidate(c);
        expect(only('trickle')).toEqual([]); // the server has no handle yet
        last('publish').ack({ sdp: 'a', feed: 'f1' });
        await settle();
        peer(0).candidate({ candidate: '', sdpMid: '0', sdpMLineIndex: 0 }); // end-of-candidates marker: skipped
        peer(0).candidate(null);
        expect(only('trickle').map((s) => s.cmd)).toEqual([
            { type: 'trickle', target: 'pub:interview:camera', candidate: c },
            { type: 'trickle', target: 'pub:interview:camera', candidate: null },
        ]);
    });

    it('mic and camera toggles switch the tracks', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'] }));
        await settle();
        const local = mc.snapshot.localStream as unknown as ReturnType<typeof fakeStream>;
        mc.setMic(false);
        expect(local.getAudioTracks()[0]?.enabled).toBe(false);
        expect(local.getVideoTracks()[0]?.enabled).toBe(true);
        mc.setCamera(false);
        expect(local.getVideoTracks()[0]?.enabled).toBe(false);
        expect(mc.snapshot).toMatchObject({ micOn: false, camOn: false });
    });

    it('shares a screen into the stage only while the plan allows it', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'], screen: false }));
        await expect(mc.startScreen()).rejects.toMatchObject({ code: 'media_not_allowed' });
        mc.applyPlan(plan({ publish: ['stage'], screen: true }));
        await mc.startScreen();
        await settle();
        expect(only('publish').map((s) => s.cmd)).toContainEqual({ type: 'publish', room: 'stage', source: 'screen', sdp: expect.any(String) });
        for (const p of only('publish')) p.ack({ sdp: 'a', feed: 'f' });
        await settle();
        mc.applyPlan(plan({ publish: [], screen: false }));
        await settle();
        expect(only('unpublish').map((s) => s.cmd)).toContainEqual({ type: 'unpublish', room: 'stage', source: 'screen' });
        expect(mc.snapshot.screenStream).toBeNull();
    });
});

describe('MediaClient subscribing', () => {
    it('subscribes to a feed, answers Janus offer and trickles to sub:<sub>', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ feeds: [feed('f7')] }));
        await settle();
        expect(last('subscribe').cmd).toEqual({ type: 'subscribe', feed: 'f7' });
        expect(FakePeer.all).toHaveLength(0);
        last('subscribe').ack({ sub: 's3', sdp: 'janus-offer' });
        await settle();
        const pc = peer(0);
        expect(pc.remote).toEqual({ type: 'offer', sdp: 'janus-offer' });
        expect(pc.local).toEqual({ type: 'answer', sdp: 'answer-0' });
        expect(last('answer').cmd).toEqual({ type: 'answer', sub: 's3', sdp: 'answer-0' });
        pc.candidate(null);
        expect(only('trickle')).toEqual([]);
        last('answer').ack();
        await settle();
        expect(only('trickle').map((s) => s.cmd)).toEqual([{ type: 'trickle', target: 'sub:s3', candidate: null }]);
        expect(mc.snapshot.feeds).toMatchObject([{ view: { feed: 'f7' }, state: 'live' }]);
    });

    it('unsubscribes from a feed the plan no longer lists and updates mute flags in place', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ feeds: [feed('f1'), feed('f2')] }));
        await settle();
        for (const s of only('subscribe')) {
            const f = (s.cmd as { feed: string }).feed;
            s.ack({ sub: `s-${f}`, sdp: 'o' });
        }
        await settle();
        for (const a of only('answer')) a.ack();
        await settle();
        mc.applyPlan(plan({ feeds: [feed('f2', { audio_muted: true })] }));
        await settle();
        expect(only('unsubscribe').map((s) => s.cmd)).toEqual([{ type: 'unsubscribe', sub: 's-f1' }]);
        expect(only('subscribe')).toHaveLength(2);
        expect(mc.snapshot.feeds.map((f) => [f.view.feed, f.view.audio_muted])).toEqual([['f2', true]]);
    });

    it('does not revive a subscription dropped before its ack came', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ feeds: [feed('f1')] }));
        await settle();
        const sub = last('subscribe');
        mc.applyPlan(plan({ feeds: [] }));
        await settle();
        sub.ack({ sub: 's9', sdp: 'o' });
        await settle();
        expect(FakePeer.all).toHaveLength(0);
        expect(only('answer')).toEqual([]);
        expect(last('unsubscribe').cmd).toEqual({ type: 'unsubscribe', sub: 's9' });
    });

    it('closes everything on reset (reconnected) and starts over from the next plan', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'], feeds: [feed('f1')] }));
        await settle();
        last('publish').ack({ sdp: 'a', feed: 'f0' });
        last('subscribe').ack({ sub: 's1', sdp: 'o' });
        await settle();
        mc.reset();
        await settle();
        expect(FakePeer.all.every((p) => p.closed)).toBe(true);
        expect(only('unpublish')).toEqual([]);
        expect(mc.snapshot.plan).toBeNull();
        mc.applyPlan(plan({ publish: ['stage'], feeds: [feed('f1')] }));
        await settle();
        expect(only('publish')).toHaveLength(2);
        expect(only('subscribe')).toHaveLength(2);
    });

    it('reports inbound and outbound stats per feed and publication', async () => {
        const mc = new MediaClient(env, DEVICES);
        mc.applyPlan(plan({ publish: ['stage'], feeds: [feed('f1')] }));
        await settle();
        last('subscribe').ack({ sub: 's1', sdp: 'o' });
        await settle();
        const [pubPc, subPc] = [peer(0), peer(1)];
        pubPc.stats = [
            { type: 'outbound-rtp', kind: 'audio', packetsSent: 50 },
            { type: 'outbound-rtp', kind: 'video', framesEncoded: 30 },
        ];
        subPc.stats = [
            { type: 'inbound-rtp', kind: 'audio', packetsReceived: 40 },
            { type: 'inbound-rtp', kind: 'video', framesDecoded: 25, frameWidth: 640, frameHeight: 480 },
            { type: 'candidate-pair', bytesReceived: 9 },
        ];
        expect(await mc.outboundStats()).toEqual([{ room: 'stage', source: 'camera', audioPacketsSent: 50, videoFramesEncoded: 30 }]);
        expect(await mc.inboundStats()).toEqual([
            { feed: 'f1', participant_id: 'p-f1', source: 'camera', audioPacketsReceived: 40, videoFramesDecoded: 25, videoWidth: 640, videoHeight: 480 },
        ]);
    });
});
