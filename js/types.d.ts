// Modules the bundler (build.mjs) provides: the AudioWorklet processors as source text.
declare module "worklet:capture" {
  const source: string;
  export default source;
}
declare module "worklet:playback" {
  const source: string;
  export default source;
}
