/** A file's text, bundled as a string (`?raw` imports: see src/build/playground.ts). */
declare module "*?raw" {
  const text: string;
  export default text;
}
