/** The flags every launch here uses: no sandbox, no GPU, nothing that reaches the network. */
export declare const CHROMIUM_ARGS: readonly string[];
/** The private folder the npm-shipped Chromium is unpacked into. */
export declare function privateUnpackDir(): string;
/** Resolves a Chromium executable: $CHROMIUM_PATH, Playwright's own browser, then @sparticuz/chromium. */
export declare function resolveChromium(): Promise<{
  path: string;
  source: "CHROMIUM_PATH" | "playwright" | "@sparticuz/chromium";
}>;
