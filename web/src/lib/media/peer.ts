// What MediaClient needs from the browser, as small interfaces so tests can hand it fakes (the
// real thing is exercised by the browser e2e test): a PeerConnection, device capture, and the
// realtime connection's send().
import type { AckMessage, CandidateInit, CommandBody } from '../protocol';
import { MEDIA_LIMITS } from '../protocol';

export interface StatsLike {
    forEach(each: (report: Record<string, unknown>) => void): void;
}

// The part of RTCPeerConnection MediaClient uses.
export interface PeerLike {
    addTransceiver(track: MediaStreamTrack, init: RTCRtpTransceiverInit): unknown;
    createOffer(): Promise<RTCSessionDescriptionInit>;
    createAnswer(): Promise<RTCSessionDescriptionInit>;
    setLocalDescription(desc: RTCSessionDescriptionInit): Promise<void>;
    setRemoteDescription(desc: RTCSessionDescriptionInit): Promise<void>;
    getStats(): Promise<StatsLike>;
    close(): void;
    readonly connectionState: string;
    onicecandidate: ((ev: { candidate: RTCIceCandidateInit | null }) => void) | null;
    ontrack: ((ev: { track: MediaStreamTrack; streams: readonly MediaStream[] }) => void) | null;
    onconnectionstatechange: ((ev: unknown) => void) | null;
}

export interface MediaEnv {
    send(cmd: CommandBody): Promise<AckMessage>;
    createPeer(config: RTCConfiguration): PeerLike;
    getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
    getDisplayMedia(): Promise<MediaStream>;
    newStream(): MediaStream; // for remote tracks that arrive without a stream
}

// The browser's own implementations (send comes from the LiveClient).
export function browserEnv(send: MediaEnv['send']): MediaEnv {
    return {
        send,
        createPeer: (config) => new RTCPeerConnection(config) as unknown as PeerLike,
        getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c),
        getDisplayMedia: () => navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }),
        newStream: () => new MediaStream(),
    };
}

// A candidate as the trickle command carries it, or undefined for one not worth sending (the
// empty end-of-candidates marker some browsers emit before the final null, or an oversized one).
export function candidateForWire(c: RTCIceCandidateInit): CandidateInit | undefined {
    const candidate = c.candidate ?? '';
    if (candidate === '' || candidate.length > MEDIA_LIMITS.candidate) return undefined;
    return { candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
}

function n(v: unknown): number {
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export interface InboundCounts {
    audioPacketsReceived: number;
    videoFramesDecoded: number;
    videoWidth: number;
    videoHeight: number;
}
export interface OutboundCounts {
    audioPacketsSent: number;
    videoFramesEncoded: number;
}

export async function inboundCounts(pc: PeerLike): Promise<InboundCounts> {
    const out: InboundCounts = { audioPacketsReceived: 0, videoFramesDecoded: 0, videoWidth: 0, videoHeight: 0 };
    const stats = await pc.getStats();
    stats.forEach((r) => {
        if (r['type'] !== 'inbound-rtp') return;
        if (r['kind'] === 'audio') out.audioPacketsReceived += n(r['packetsReceived']);
        if (r['kind'] === 'video') {
            out.videoFramesDecoded += n(r['framesDecoded']);
            out.videoWidth = Math.max(out.videoWidth, n(r['frameWidth']));
            out.videoHeight = Math.max(out.videoHeight, n(r['frameHeight']));
        }
    });
    return out;
}

export async function outboundCounts(pc: PeerLike): Promise<OutboundCounts> {
    const out: OutboundCounts = { audioPacketsSent: 0, videoFramesEncoded: 0 };
    const stats = await pc.getStats();
    stats.forEach((r) => {
        if (r['type'] !== 'outbound-rtp') return;
        if (r['kind'] === 'audio') out.audioPacketsSent += n(r['packetsSent']);
        if (r['kind'] === 'video') out.videoFramesEncoded += n(r['framesEncoded']);
    });
    return out;
}

// Capture errors (DOMException names) as stable codes for the UI.
export function deviceErrorCode(err: unknown): string {
    const name = err instanceof Error || (typeof err === 'object' && err !== null && 'name' in err) ? String((err as { name: unknown }).name) : '';
    switch (name) {
        case 'NotAllowedError':
        case 'SecurityError':
            return 'device_denied';
        case 'NotFoundError':
        case 'OverconstrainedError':
            return 'device_missing';
        case 'NotReadableError':
        case 'AbortError':
            return 'device_busy';
        default:
            return 'device_error';
    }
}
