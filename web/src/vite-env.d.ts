/// <reference types="vite/client" />

// hls.js ships types for its full build only; the light build has the same API (without
// alternate audio, subtitles, EME and CMCD, which onstage's single-rendition streams don't use).
declare module 'hls.js/light' {
    import Hls from 'hls.js';
    export default Hls;
}
