// MediaClient: the browser side of protocol.md "Media". Fed every `media` plan, it keeps one
// PeerConnection per publication (room + source) and one per shown feed, and negotiates each
// through the realtime connection (publish/subscribe/answer/trickle). No React here; see
// useMedia.ts for the hook.
//
// Every publication and subscription is an Entry with a one-way life: starting → live, or
// failed, or closed. Each await re-checks `closed`, so a late ack never revives a PeerConnection
// the plan has dropped, and a closed entry tells the server only after its own command was
// answered (its `done` promise), so unpublish/unsubscribe never overtake publish/subscribe.
// Entries for the same key run one after another (no overlapping offers).
import { CommandError } from '../live';
import { MEDIA_LIMITS, type CandidateInit, type CommandBody, type FeedView, type MediaPlan, type MediaSource } from '../protocol';
import { captureChoice, type DeviceChoice } from './devices';
import {
    candidateForWire,
    deviceErrorCode,
    inboundCounts,
    outboundCounts,
    type InboundCounts,
    type MediaEnv,
    type OutboundCounts,
    type PeerLike,
} from './peer';

export type EntryState = 'starting' | 'live' | 'failed';

// A refusal or breakage worth showing: the server's code, or a local one (device_*, sdp_too_large,
// connection_failed).
export interface MediaFault {
    code: string;
    message: string;
    target: string; // pub:<room>:<source> or feed:<feed>
}

export interface PublicationInfo {
    room: string;
    source: MediaSource;
    state: EntryState;
}
export interface RemoteFeed {
    view: FeedView;
    stream: MediaStream | null;
    state: EntryState;
}
export interface MediaSnapshot {
    plan: MediaPlan | null;
    localStream: MediaStream | null;
    screenStream: MediaStream | null;
    publications: PublicationInfo[];
    feeds: RemoteFeed[];
    faults: MediaFault[];
    micOn: boolean;
    camOn: boolean;
    needsDevices: boolean; // the plan asks for the camera/mic but no devices were chosen yet
    unavailable: boolean; // the server said Janus is restarting; waiting for the next plan
}

export interface FeedStats extends InboundCounts {
    feed: string;
    participant_id: string;
    source: string;
}
export interface PublicationStats extends OutboundCounts {
    room: string;
    source: MediaSource;
}

// Errors after which the next plan simply tries again.
const RETRY_CODES = new Set(['media_unavailable', 'disconnected']);
// Refusals that only mean the plan moved on; nothing to show.
const QUIET_CODES = new Set(['feed_not_visible']);

interface Entry {
    key: string;
    target: string; // the trickle target once known
    pc: PeerLike | null;
    state: EntryState;
    closed: boolean;
    ready: boolean; // the server knows this PeerConnection: trickle may flow
    pendingCandidates: Array<CandidateInit | null>;
    done: Promise<void>;
}
interface Publication extends Entry {
    room: string;
    source: MediaSource;
    sent: boolean; // publish went out, so closing must tell the server
    acked: boolean; // the server accepted it
}
interface Subscription extends Entry {
    view: FeedView;
    sub: string | null;
    stream: MediaStream | null;
}

class Fault extends Error {
    constructor(
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

function faultOf(err: unknown): Fault {
    if (err instanceof Fault) return err;
    if (err instanceof CommandError) return new Fault(err.code, err.message);
    const message = err instanceof Error ? err.message : String(err);
    const code = deviceErrorCode(err);
    return new Fault(code === 'device_error' ? 'media_error' : code, message);
}

const pubKey = (room: string, source: MediaSource) => `${room}:${source}`;

export class MediaClient {
    private plan: MediaPlan | null = null;
    private readonly pubs = new Map<string, Publication>();
    private readonly subs = new Map<string, Subscription>();
    private readonly failed = new Map<string, MediaFault>(); // key → fault; not retried until dropped or retry()
    private readonly tails = new Map<string, Promise<void>>(); // key → the last entry's end
    private devices: DeviceChoice | null;
    private local: MediaStream | null = null;
    private localPending: Promise<MediaStream> | null = null;
    private screen: MediaStream | null = null;
    private micOn = true;
    private camOn = true;
    private unavailable = false;
    private stopped = false;
    private snapshot_: MediaSnapshot;
    private readonly listeners = new Set<() => void>();

    constructor(
        private readonly env: MediaEnv,
        devices: DeviceChoice | null = null,
    ) {
        this.devices = devices;
        this.snapshot_ = this.build();
    }

    // ---- Inputs ----

    // A new plan (the latest replaces the previous). A new epoch means Janus restarted: every
    // PeerConnection is dead, so start over.
    applyPlan(plan: MediaPlan): void {
        if (this.stopped) return;
        if (this.plan && this.plan.epoch !== plan.epoch) this.closeAll(false);
        this.plan = plan;
        this.unavailable = false;
        this.reconcile();
    }

    // The realtime connection started again (a new welcome): the server ended this tab's media.
    // Close everything and wait for the next plan.
    reset(): void {
        if (this.stopped) return;
        this.closeAll(false);
        this.tails.clear(); // the old connection's commands are void: nothing to wait for
        this.plan = null;
        this.emit();
    }

    // The devices chosen in the device check; a change republishes the camera.
    setDevices(choice: DeviceChoice): void {
        const same = this.devices && JSON.stringify(this.devices) === JSON.stringify(choice);
        this.devices = choice;
        if (same) return;
        for (const p of [...this.pubs.values()]) if (p.source === 'camera') this.closePub(p, true);
        for (const key of [...this.failed.keys()]) if (key.endsWith(':camera')) this.failed.delete(key);
        this.releaseLocal(true);
        this.reconcile();
    }

    setMic(on: boolean): void {
        this.micOn = on;
        for (const t of this.local?.getAudioTracks() ?? []) t.enabled = on;
        this.emit();
    }

    setCamera(on: boolean): void {
        this.camOn = on;
        for (const t of this.local?.getVideoTracks() ?? []) t.enabled = on;
        this.emit();
    }

    // Shares a screen into the stage (only while the plan allows it).
    async startScreen(): Promise<void> {
        if (!this.plan?.screen) throw new Fault('media_not_allowed', 'Screen sharing is not open to you right now.');
        if (this.screen) return;
        const stream = await this.env.getDisplayMedia();
        if (this.stopped || !this.plan?.screen) {
            for (const t of stream.getTracks()) t.stop();
            return;
        }
        this.screen = stream;
        for (const t of stream.getTracks()) t.addEventListener?.('ended', () => this.stopScreen());
        this.failed.delete(pubKey('stage', 'screen'));
        this.reconcile();
    }

    stopScreen(): void {
        if (!this.screen) return;
        for (const t of this.screen.getTracks()) t.stop();
        this.screen = null;
        this.reconcile();
    }

    // Clears the failures so the current plan is tried again (a "Try again" button).
    retry(): void {
        this.failed.clear();
        this.reconcile();
    }

    // Ends everything for good (the page is leaving or the session is over).
    close(): void {
        this.closeAll(false);
        this.releaseLocal(true);
        if (this.screen) for (const t of this.screen.getTracks()) t.stop();
        this.screen = null;
        this.stopped = true;
        this.emit();
    }

    // ---- Outputs ----

    subscribe(listener: () => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    get snapshot(): MediaSnapshot {
        return this.snapshot_;
    }

    // Diagnostics (and the browser e2e test): what each subscribed feed has received.
    async inboundStats(): Promise<FeedStats[]> {
        const subs = [...this.subs.values()].filter((s) => s.pc);
        return Promise.all(
            subs.map(async (s) => ({
                feed: s.view.feed,
                participant_id: s.view.participant_id,
                source: s.view.source,
                ...(await inboundCounts(s.pc as PeerLike)),
            })),
        );
    }

    async outboundStats(): Promise<PublicationStats[]> {
        const pubs = [...this.pubs.values()].filter((p) => p.pc);
        return Promise.all(
            pubs.map(async (p) => ({ room: p.room, source: p.source, ...(await outboundCounts(p.pc as PeerLike)) })),
        );
    }

    // ---- Reconciling the plan ----

    private reconcile(): void {
        const plan = this.plan;
        if (!plan || this.stopped) {
            this.emit();
            return;
        }
        const want = new Map<string, { room: string; source: MediaSource }>();
        if (this.devices) for (const room of plan.publish) want.set(pubKey(room, 'camera'), { room, source: 'camera' });
        if (this.screen && plan.screen) want.set(pubKey('stage', 'screen'), { room: 'stage', source: 'screen' });
        if (this.screen && !plan.screen) {
            for (const t of this.screen.getTracks()) t.stop();
            this.screen = null;
        }
        for (const p of [...this.pubs.values()]) if (!want.has(p.key)) this.closePub(p, true);
        for (const [key, f] of want) if (!this.pubs.has(key) && !this.failed.has(key)) this.startPub(f.room, f.source);

        const feeds = new Map(plan.feeds.map((f) => [f.feed, f]));
        for (const s of [...this.subs.values()]) {
            const view = feeds.get(s.view.feed);
            if (view) s.view = view;
            else this.closeSub(s, true);
        }
        for (const [feed, view] of feeds) if (!this.subs.has(feed) && !this.failed.has(feed)) this.startSub(view);

        for (const key of [...this.failed.keys()]) if (!want.has(key) && !feeds.has(key)) this.failed.delete(key);
        this.releaseLocal(false);
        this.emit();
    }

    private closeAll(notify: boolean): void {
        for (const p of [...this.pubs.values()]) this.closePub(p, notify);
        for (const s of [...this.subs.values()]) this.closeSub(s, notify);
        this.failed.clear();
    }

    private entry(key: string, target: string): Entry {
        return { key, target, pc: null, state: 'starting', closed: false, ready: false, pendingCandidates: [], done: Promise.resolve() };
    }

    // Runs `body` after the previous entry with the same key has ended.
    private chain(e: Entry, body: () => Promise<void>): void {
        const prev = this.tails.get(e.key) ?? Promise.resolve();
        e.done = prev.then(body);
        this.tails.set(e.key, e.done);
    }

    // ---- Publications ----

    private startPub(room: string, source: MediaSource): void {
        const pub: Publication = { ...this.entry(pubKey(room, source), `pub:${room}:${source}`), room, source, sent: false, acked: false };
        this.pubs.set(pub.key, pub);
        this.chain(pub, () => this.runPub(pub));
    }

    private async runPub(pub: Publication): Promise<void> {
        try {
            if (pub.closed) return;
            const stream = pub.source === 'camera' ? await this.camera() : this.screen;
            if (pub.closed) return;
            if (!stream) throw new Fault('media_error', 'Nothing to share.');
            const pc = this.peer(pub);
            for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
            const offer = await pc.createOffer();
            if (pub.closed) return;
            await pc.setLocalDescription(offer);
            if (pub.closed) return;
            const sdp = checkedSdp(offer.sdp);
            pub.sent = true;
            const ack = await this.env.send({ type: 'publish', room: pub.room, source: pub.source, sdp });
            pub.acked = true;
            if (pub.closed) return; // the close sends unpublish once this returns
            await pc.setRemoteDescription({ type: 'answer', sdp: ackSdp(ack.sdp) });
            if (pub.closed) return;
            this.goLive(pub);
        } catch (err) {
            this.fail(pub, err, () => this.closePub(pub, pub.acked));
        }
    }

    private closePub(pub: Publication, notify: boolean): void {
        if (pub.closed) return;
        pub.closed = true;
        pub.pc?.close();
        if (this.pubs.get(pub.key) === pub) this.pubs.delete(pub.key);
        const tellServer = async () => {
            if (notify && pub.sent) await this.sendQuietly({ type: 'unpublish', room: pub.room, source: pub.source });
        };
        this.tails.set(pub.key, pub.done.then(tellServer));
        this.emit();
    }

    // The camera and microphone stream, shared by every camera publication.
    private async camera(): Promise<MediaStream> {
        if (this.local) return this.local;
        if (!this.localPending) {
            const choice = this.devices ?? { audioId: null, videoId: null, audioOnly: false };
            this.localPending = captureChoice({ getUserMedia: (c) => this.env.getUserMedia(c) }, choice);
        }
        const pending = this.localPending;
        try {
            const stream = await pending;
            if (this.localPending === pending) {
                this.localPending = null;
                this.local = stream;
                for (const t of stream.getAudioTracks()) t.enabled = this.micOn;
                for (const t of stream.getVideoTracks()) t.enabled = this.camOn;
                this.emit();
            }
            return stream;
        } catch (err) {
            if (this.localPending === pending) this.localPending = null;
            throw err;
        }
    }

    // Stops the camera when no camera publication needs it (or always, with `force`).
    private releaseLocal(force: boolean): void {
        const inUse = [...this.pubs.values()].some((p) => p.source === 'camera');
        if (!force && inUse) return;
        if (this.local) for (const t of this.local.getTracks()) t.stop();
        this.local = null;
        if (this.localPending) {
            const dropped = this.localPending;
            this.localPending = null;
            dropped.then((s) => s.getTracks().forEach((t) => t.stop()), () => undefined);
        }
    }

    // ---- Subscriptions ----

    private startSub(view: FeedView): void {
        const sub: Subscription = { ...this.entry(view.feed, ''), view, sub: null, stream: null };
        this.subs.set(sub.key, sub);
        this.chain(sub, () => this.runSub(sub));
    }

    private async runSub(sub: Subscription): Promise<void> {
        try {
            if (sub.closed) return;
            const ack = await this.env.send({ type: 'subscribe', feed: sub.view.feed });
            if (!ack.sub) throw new Fault('media_failed', 'The server sent no subscription id.');
            sub.sub = ack.sub;
            sub.target = `sub:${ack.sub}`;
            if (sub.closed) return; // the close sends unsubscribe once this returns
            const pc = this.peer(sub);
            pc.ontrack = (ev) => this.addRemoteTrack(sub, ev.track, ev.streams[0]);
            await pc.setRemoteDescription({ type: 'offer', sdp: ackSdp(ack.sdp) });
            if (sub.closed) return;
            const answer = await pc.createAnswer();
            if (sub.closed) return;
            await pc.setLocalDescription(answer);
            if (sub.closed) return;
            await this.env.send({ type: 'answer', sub: ack.sub, sdp: checkedSdp(answer.sdp) });
            if (sub.closed) return;
            this.goLive(sub);
        } catch (err) {
            this.fail(sub, err, () => this.closeSub(sub, true));
        }
    }

    private addRemoteTrack(sub: Subscription, track: MediaStreamTrack, stream: MediaStream | undefined): void {
        if (sub.closed) return;
        if (stream) sub.stream = stream;
        else {
            sub.stream ??= this.env.newStream();
            sub.stream.addTrack(track);
        }
        this.emit();
    }

    private closeSub(sub: Subscription, notify: boolean): void {
        if (sub.closed) return;
        sub.closed = true;
        sub.pc?.close();
        if (this.subs.get(sub.key) === sub) this.subs.delete(sub.key);
        const tellServer = async () => {
            if (notify && sub.sub !== null) await this.sendQuietly({ type: 'unsubscribe', sub: sub.sub });
        };
        this.tails.set(sub.key, sub.done.then(tellServer));
        this.emit();
    }

    // ---- Shared steps ----

    private peer(e: Entry): PeerLike {
        const pc = this.env.createPeer({ iceServers: this.plan?.ice_servers ?? [] });
        e.pc = pc;
        pc.onicecandidate = (ev) => {
            if (e.closed) return;
            if (ev.candidate === null) this.trickle(e, null);
            else {
                const c = candidateForWire(ev.candidate);
                if (c) this.trickle(e, c);
            }
        };
        pc.onconnectionstatechange = () => {
            if (!e.closed && pc.connectionState === 'failed') {
                this.fail(e, new Fault('connection_failed', 'The media connection failed.'), () => this.closeEntry(e));
            }
        };
        return pc;
    }

    private closeEntry(e: Entry): void {
        if (this.pubs.get(e.key) === e) this.closePub(e as Publication, true);
        else if (this.subs.get(e.key) === e) this.closeSub(e as Subscription, true);
    }

    // Candidates wait until the server knows the PeerConnection (publish answered / answer acked).
    private trickle(e: Entry, candidate: CandidateInit | null): void {
        if (!e.ready) {
            e.pendingCandidates.push(candidate);
            return;
        }
        void this.sendQuietly({ type: 'trickle', target: e.target, candidate });
    }

    private goLive(e: Entry): void {
        e.ready = true;
        e.state = 'live';
        const pending = e.pendingCandidates.splice(0);
        for (const c of pending) this.trickle(e, c);
        this.emit();
    }

    private fail(e: Entry, err: unknown, close: () => void): void {
        if (e.closed) return;
        const f = faultOf(err);
        e.state = 'failed';
        close();
        this.releaseLocal(false);
        if (f.code === 'media_unavailable') this.unavailable = true;
        if (!RETRY_CODES.has(f.code)) {
            const message = QUIET_CODES.has(f.code) ? '' : f.message;
            this.failed.set(e.key, { code: f.code, message, target: e.target || `feed:${e.key}` });
        }
        this.emit();
    }

    private async sendQuietly(cmd: CommandBody): Promise<void> {
        try {
            await this.env.send(cmd);
        } catch {
            // Nothing to do: unknown publications/subscriptions are fine, and a dropped
            // connection ends them on the server anyway.
        }
    }

    private emit(): void {
        this.snapshot_ = this.build();
        for (const l of [...this.listeners]) l();
    }

    private build(): MediaSnapshot {
        const wantsCamera = (this.plan?.publish.length ?? 0) > 0;
        return {
            plan: this.plan,
            localStream: this.local,
            screenStream: this.screen,
            publications: [...this.pubs.values()].map((p) => ({ room: p.room, source: p.source, state: p.state })),
            feeds: (this.plan?.feeds ?? []).map((view) => {
                const s = this.subs.get(view.feed);
                const state: EntryState = s ? s.state : this.failed.has(view.feed) ? 'failed' : 'starting';
                return { view, stream: s?.stream ?? null, state };
            }),
            faults: [...this.failed.values()].filter((f) => f.message !== ''),
            micOn: this.micOn,
            camOn: this.camOn,
            needsDevices: wantsCamera && this.devices === null,
            unavailable: this.unavailable,
        };
    }
}

function checkedSdp(sdp: string | undefined): string {
    if (!sdp) throw new Fault('media_error', 'The browser produced no session description.');
    if (new TextEncoder().encode(sdp).length > MEDIA_LIMITS.sdp) {
        throw new Fault('sdp_too_large', 'The session description is larger than the server accepts.');
    }
    return sdp;
}

function ackSdp(sdp: string | undefined): string {
    if (!sdp) throw new Fault('media_failed', 'The server sent no session description.');
    return sdp;
}
