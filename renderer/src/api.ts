// The renderer's one gateway to the rest of the project: the Workbench API contract (types, wire
// constants) and the pure series math. Nothing else outside renderer/ may be imported.
export * from "../../app/api/workbench-api.js";
export * from "../../app/api/wire.js";
export * from "../../app/api/series.js";
export * from "../../app/api/output-transcript.js";
export type * from "../../app/api/library-view.js";
export type * from "../../app/api/values-view.js";
