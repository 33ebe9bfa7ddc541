// The renderer's gateway to app/base, the vocabulary every layer shares: events, disposables, error
// descriptions and formats. Browser-safe by that layer's own lint rule.
export * from "../../app/base/index.js";
