// The broadcast player: plays the event's HLS playlist with hls.js (loaded on first use), or
// natively where the browser plays HLS itself (Safari). What it shows and does is decided by
// playerMachine.ts; this file only wires the <video>, hls.js and timers to it.
//
// Tests and benchmarks read the player through window.__onstagePlayer (the last one mounted).
import { useCallback, useEffect, useRef, useState } from 'react';
import type HlsType from 'hls.js';
import type { ErrorData, HlsConfig, LevelLoadedData } from 'hls.js';
import { INITIAL_PLAYER, step, type PlayerAction, type PlayerInput, type PlayerModel, type PlayerPhase } from './playerMachine';

export interface PlayerStrings {
    label: string; // the video's accessible name
    soon: string;
    reconnecting: string;
    ended: string;
    unmute: string;
    unsupported: string;
}

export interface PlayerProbe {
    currentTime(): number;
    state(): string;
    latency(): number | null; // seconds behind the live edge, when known
}

declare global {
    interface Window {
        __onstagePlayer?: PlayerProbe;
    }
}

// Tuned for 1 s segments on a server without LL-HLS: start two segments behind the edge, catch
// up by playing faster (≤ 1.2×) rather than seeking until five behind, keep little back buffer.
export const HLS_CONFIG: Partial<HlsConfig> = {
    lowLatencyMode: false,
    liveSyncDurationCount: 2,
    liveMaxLatencyDurationCount: 5,
    maxLiveSyncPlaybackRate: 1.2,
    backBufferLength: 10,
    maxBufferLength: 10,
    // the private-event cookie (onstage_hls) must go with every playlist and segment request
    xhrSetup: (xhr: XMLHttpRequest) => {
        xhr.withCredentials = true;
    },
};

// How long playback may wait for data before the player says it is reconnecting.
const STALL_MS = 4000;

type HlsClass = typeof HlsType;
let hlsModule: Promise<HlsClass> | null = null;
function loadHls(): Promise<HlsClass> {
    hlsModule ??= import('hls.js/light').then((m) => m.default);
    return hlsModule;
}

export function Player(props: { src: string; state: string | null; strings: PlayerStrings; monitor?: boolean }) {
    // A new source starts from scratch.
    return <PlayerFor key={props.src} {...props} />;
}

function PlayerFor(props: { src: string; state: string | null; strings: PlayerStrings; monitor?: boolean }) {
    const { src, strings } = props;
    const monitor = props.monitor === true;
    const videoRef = useRef<HTMLVideoElement | null>(null);
    const modelRef = useRef<PlayerModel>(INITIAL_PLAYER);
    const hlsRef = useRef<HlsType | null>(null);
    const generation = useRef(0); // bumps on every load/unload, so stale async work stops
    const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
    const stallTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
    const [phase, setPhase] = useState<PlayerPhase>(INITIAL_PLAYER.phase);
    const [autoMuted, setAutoMuted] = useState(false);
    const [unsupported, setUnsupported] = useState(false);

    const dispatchRef = useRef<(input: PlayerInput) => void>(() => undefined);

    const clearStall = () => {
        if (stallTimer.current) clearTimeout(stallTimer.current);
        stallTimer.current = null;
    };

    const teardown = useCallback(() => {
        generation.current++;
        clearStall();
        if (retryTimer.current) clearTimeout(retryTimer.current);
        retryTimer.current = null;
        const hls = hlsRef.current;
        hlsRef.current = null;
        hls?.destroy();
        const video = videoRef.current;
        if (video && video.getAttribute('src')) {
            video.removeAttribute('src');
            video.load();
        }
    }, []);

    // Starts playback; if the browser refuses sound without a gesture, plays muted and offers
    // an Unmute button.
    const play = useCallback(
        (video: HTMLVideoElement) => {
            video.muted = monitor || video.muted;
            video.play().catch((err: unknown) => {
                if (err instanceof DOMException && err.name === 'NotAllowedError' && !video.muted) {
                    video.muted = true;
                    setAutoMuted(true);
                    video.play().catch(() => undefined);
                }
            });
        },
        [monitor],
    );

    const load = useCallback(async () => {
        teardown();
        const gen = generation.current;
        const video = videoRef.current;
        if (!video) return;
        const Hls = await loadHls().catch(() => null);
        if (gen !== generation.current) return;
        const dispatch = dispatchRef.current;
        if (Hls?.isSupported()) {
            const hls = new Hls(HLS_CONFIG);
            hlsRef.current = hls;
            hls.on(Hls.Events.LEVEL_LOADED, (_e: unknown, data: LevelLoadedData) => {
                if (hlsRef.current === hls) dispatch({ kind: 'playlist', live: data.details.live });
            });
            hls.on(Hls.Events.ERROR, (_e: unknown, data: ErrorData) => {
                if (hlsRef.current !== hls || !data.fatal) return;
                const playlist = data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR || data.details === Hls.ErrorDetails.LEVEL_LOAD_ERROR;
                const code = data.response?.code ?? 0;
                if (playlist && (code === 404 || code === 403)) {
                    dispatch({ kind: 'playlist_missing' });
                } else if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
                    dispatch({ kind: 'error', type: 'network' });
                } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
                    dispatch({ kind: 'error', type: 'media' });
                } else {
                    dispatch({ kind: 'error', type: 'other' });
                }
            });
            hls.loadSource(src);
            hls.attachMedia(video);
            play(video);
        } else if (video.canPlayType('application/vnd.apple.mpegurl') !== '') {
            video.src = src;
            play(video);
        } else {
            setUnsupported(true);
        }
    }, [src, teardown, play]);

    const perform = useCallback(
        (action: PlayerAction) => {
            switch (action.kind) {
                case 'load':
                    void load();
                    break;
                case 'unload':
                    teardown();
                    break;
                case 'recover_media':
                    hlsRef.current?.recoverMediaError();
                    break;
                case 'retry_in':
                    if (retryTimer.current) clearTimeout(retryTimer.current);
                    retryTimer.current = setTimeout(() => {
                        retryTimer.current = null;
                        dispatchRef.current({ kind: 'retry_due' });
                    }, action.ms);
                    break;
            }
        },
        [load, teardown],
    );

    dispatchRef.current = (input: PlayerInput) => {
        const next = step(modelRef.current, input);
        modelRef.current = next.model;
        setPhase(next.model.phase);
        for (const a of next.actions) perform(a);
    };

    // The <video>'s own signals: frames playing, waiting for data, the end, native errors.
    useEffect(() => {
        const video = videoRef.current;
        if (!video) return undefined;
        const dispatch = (input: PlayerInput) => dispatchRef.current(input);
        let lastTime = -1;
        const progressed = () => {
            if (video.currentTime !== lastTime && !video.paused) {
                lastTime = video.currentTime;
                clearStall();
                dispatch({ kind: 'playing' });
            }
        };
        const waiting = () => {
            clearStall();
            stallTimer.current = setTimeout(() => dispatch({ kind: 'stalled' }), STALL_MS);
        };
        const ended = () => dispatch({ kind: 'end_reached' });
        const native = () => hlsRef.current === null;
        // Natively, an ENDLIST playlist has a finite duration; a live one does not.
        const metadata = () => {
            if (native()) dispatch({ kind: 'playlist', live: !Number.isFinite(video.duration) });
        };
        const error = () => {
            if (!native() || !video.getAttribute('src')) return; // hls.js reports its own
            dispatch(modelRef.current.started ? { kind: 'error', type: 'network' } : { kind: 'playlist_missing' });
        };
        video.addEventListener('playing', progressed);
        video.addEventListener('timeupdate', progressed);
        video.addEventListener('waiting', waiting);
        video.addEventListener('ended', ended);
        video.addEventListener('loadedmetadata', metadata);
        video.addEventListener('error', error);
        return () => {
            video.removeEventListener('playing', progressed);
            video.removeEventListener('timeupdate', progressed);
            video.removeEventListener('waiting', waiting);
            video.removeEventListener('ended', ended);
            video.removeEventListener('loadedmetadata', metadata);
            video.removeEventListener('error', error);
        };
    }, []);

    // The server's broadcast state drives loading (null: unknown, try the playlist).
    useEffect(() => {
        dispatchRef.current({ kind: 'server', state: props.state });
    }, [props.state]);

    // Unmounted: let go of everything, and forget, so a remount (StrictMode) starts over.
    useEffect(
        () => () => {
            teardown();
            modelRef.current = INITIAL_PLAYER;
        },
        [teardown],
    );

    // The probe for tests and benchmarks.
    useEffect(() => {
        const probe: PlayerProbe = {
            currentTime: () => videoRef.current?.currentTime ?? 0,
            state: () => modelRef.current.phase,
            latency: () => {
                const hls = hlsRef.current;
                if (hls) return Number.isFinite(hls.latency) && hls.latency > 0 ? hls.latency : null;
                const video = videoRef.current;
                if (!video || video.seekable.length === 0) return null;
                return video.seekable.end(video.seekable.length - 1) - video.currentTime;
            },
        };
        window.__onstagePlayer = probe;
        return () => {
            if (window.__onstagePlayer === probe) delete window.__onstagePlayer;
        };
    }, []);

    const unmute = () => {
        const video = videoRef.current;
        if (!video) return;
        video.muted = false;
        setAutoMuted(false);
        video.play().catch(() => undefined);
    };

    const overlay = unsupported ? strings.unsupported : phase === 'soon' ? strings.soon : phase === 'reconnecting' ? strings.reconnecting : phase === 'ended' ? strings.ended : null;
    return (
        <div className={`bplayer${monitor ? ' monitor' : ''}`} data-state={phase}>
            <video data-testid="broadcast-player" ref={videoRef} playsInline muted={monitor} controls={!monitor && phase === 'playing'} aria-label={strings.label} />
            {overlay && (
                <div className="bplayer-overlay" role="status">
                    {overlay}
                </div>
            )}
            {autoMuted && !monitor && phase === 'playing' && (
                <button type="button" className="bplayer-unmute small" onClick={unmute}>
                    {strings.unmute}
                </button>
            )}
        </div>
    );
}
