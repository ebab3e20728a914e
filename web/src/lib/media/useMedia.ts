// React glue for MediaClient: one client per live session, fed the latest plan and reset on
// every welcome (a reconnected tab starts its media again from the next plan).
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { ConnectionState } from '../live';
import type { AckMessage, CommandBody, MediaPlan, WelcomeMessage } from '../protocol';
import { loadChoice, saveChoice, type DeviceChoice } from './devices';
import { MediaClient, type MediaSnapshot } from './MediaClient';
import { browserEnv } from './peer';

declare global {
    interface Window {
        // The test/diagnostics hook: the page's MediaClient (inboundStats/outboundStats).
        __onstageMedia?: MediaClient;
    }
}

export interface MediaHandle {
    snapshot: MediaSnapshot;
    // Show the device check: the plan wants the camera and no devices were chosen yet, or the
    // person asked to change them.
    showDeviceCheck: boolean;
    devices: DeviceChoice | null;
    chooseDevices: (choice: DeviceChoice) => void;
    openDeviceCheck: () => void;
    cancelDeviceCheck: () => void;
    setMic: (on: boolean) => void;
    setCamera: (on: boolean) => void;
    startScreen: () => Promise<void>;
    stopScreen: () => void;
    retry: () => void;
}

const EMPTY: MediaSnapshot = {
    plan: null,
    localStream: null,
    screenStream: null,
    publications: [],
    feeds: [],
    faults: [],
    micOn: true,
    camOn: true,
    needsDevices: false,
    unavailable: false,
};

const noop = () => undefined;

export function useMedia(
    live: { send: (cmd: CommandBody) => Promise<AckMessage>; welcome: WelcomeMessage | null; state: ConnectionState },
    plan: MediaPlan | null,
): MediaHandle {
    const { send, welcome, state } = live;
    const [client, setClient] = useState<MediaClient | null>(null);
    const [devices, setDevices] = useState<DeviceChoice | null>(() => loadChoice());
    const [checking, setChecking] = useState(false);

    useEffect(() => {
        const c = new MediaClient(browserEnv(send), loadChoice());
        setClient(c);
        window.__onstageMedia = c;
        return () => {
            c.close();
            if (window.__onstageMedia === c) delete window.__onstageMedia;
        };
    }, [send]);

    // Declared before the plan's effect: on a render with both a new welcome and a new plan,
    // the reset must come first.
    useEffect(() => {
        if (welcome) client?.reset();
    }, [client, welcome]);
    useEffect(() => {
        if (plan) client?.applyPlan(plan);
    }, [client, plan]);
    // The session is over (signed out, removed): camera off, every PeerConnection closed.
    useEffect(() => {
        if (state === 'closed' && welcome) client?.close();
    }, [client, state, welcome]);

    const subscribe = useCallback((l: () => void) => (client ? client.subscribe(l) : noop), [client]);
    const snapshot = useSyncExternalStore(subscribe, () => client?.snapshot ?? EMPTY);

    const chooseDevices = useCallback(
        (choice: DeviceChoice) => {
            saveChoice(choice);
            setDevices(choice);
            setChecking(false);
            client?.setDevices(choice);
        },
        [client],
    );
    const startScreen = useCallback(async () => {
        await client?.startScreen();
    }, [client]);

    return {
        snapshot,
        showDeviceCheck: snapshot.needsDevices || (checking && (snapshot.plan?.publish.length ?? 0) > 0),
        devices,
        chooseDevices,
        openDeviceCheck: () => setChecking(true),
        cancelDeviceCheck: () => setChecking(false),
        setMic: (on) => client?.setMic(on),
        setCamera: (on) => client?.setCamera(on),
        startScreen,
        stopScreen: () => client?.stopScreen(),
        retry: () => client?.retry(),
    };
}
